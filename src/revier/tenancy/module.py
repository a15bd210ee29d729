"""What the tenancy module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    AuditEvent,
    BackofficeSection,
    Contributions,
    Permission,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        audit_events=[
            AuditEvent("tenancy.settings_changed", _("Changed %(fields)s")),
            AuditEvent("tenancy.domain_added", _("Added the domain %(host)s")),
            AuditEvent("tenancy.domain_removed", _("Removed the domain %(host)s")),
            AuditEvent("tenancy.logo_removed", _("Removed the logo")),
            AuditEvent("tenancy.logo_changed", _("Changed the logo")),
        ],
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
