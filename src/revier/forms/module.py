"""What the forms module contributes to the platform (see ``revier.core.kit``)."""

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
        permissions=[
            Permission(
                "forms.manage_forms",
                _("Import, build and publish forms"),
                ("administrator", "case_worker"),
            ),
        ],
        backoffice_sections=[
            BackofficeSection(
                "forms",
                _("Online forms"),
                "forms_backoffice:list",
                "forms.manage_forms",
                _("Forms from FIM XDatenfelder or built here: versions, preview, publishing."),
                group="services",
                order=20,
            ),
        ],
        audit_events=[
            AuditEvent("forms.version_retired", _("Retired the form version")),
            AuditEvent("forms.code_list_loaded", _("Loaded the code list %(uri)s %(version)s")),
            AuditEvent("forms.version_created", _("Created a form version in the builder")),
            AuditEvent("forms.field_changed", _("Changed the field %(key)s")),
            AuditEvent("forms.version_published", _("Published the form version")),
            AuditEvent(
                "forms.xdf_imported",
                _("Imported XDatenfelder %(xdf)s, schema %(id)s version %(version)s"),
            ),
        ],
        urls=[
            UrlMount("backoffice/formulare/", "revier.forms.urls"),
            UrlMount("", "revier.forms.urls_api", site="api"),
        ],
    )
