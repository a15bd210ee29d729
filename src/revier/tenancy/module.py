"""What the tenancy module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    BackofficeSection,
    Contributions,
    Permission,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        permissions=[
            Permission(
                "tenancy.change_municipality",
                _("Change the municipality's settings, logo and domains"),
                ("administrator",),
            ),
        ],
        backoffice_sections=[
            BackofficeSection(
                "settings",
                _("Municipality settings"),
                "tenancy_backoffice:settings",
                "tenancy.change_municipality",
                _("Contact, legal notice, colour, logo, modules and domains."),
                order=30,
            ),
        ],
        urls=[
            UrlMount("backoffice/einstellungen/", "revier.tenancy.urls_backoffice"),
            UrlMount("", "revier.tenancy.urls_api", site="api", order=10),
        ],
    )
