"""What the back office contributes: the navigation's groups, its own pages and permissions."""

from django.utils.translation import gettext_lazy as _


def contributions():
    from revier.core.kit import (
        ACCESS_PERMISSION,
        AuditEvent,
        BackofficeGroup,
        BackofficeSection,
        Contributions,
        Permission,
        UrlMount,
    )

    administrator = ("administrator",)
    return Contributions(
        # The groups of the navigation; a group shows only where it has a section.
        backoffice_groups=[
            BackofficeGroup("start", _("Start"), 0),
            BackofficeGroup("services", _("Online services"), 10),
            BackofficeGroup("cases", _("Cases"), 20),
            BackofficeGroup("appointments", _("Appointments"), 30),
            BackofficeGroup("hub", _("Digital Hub"), 40),
            BackofficeGroup("participation", _("Participation"), 50),
            BackofficeGroup("content", _("Content"), 60),
            BackofficeGroup("administration", _("Administration"), 900),
        ],
        permissions=[
            Permission("core.view_auditlog", _("Read the audit log"), administrator),
            Permission("backoffice.view_roles", _("Read roles and permissions"), administrator),
            # The runs page lists only the importers a person may use (each has its permission).
            Permission(
                "backoffice.view_imports",
                _("See imports and start them"),
                ("administrator", "case_worker"),
            ),
        ],
        backoffice_sections=[
            BackofficeSection(
                "dashboard",
                _("Overview"),
                "backoffice:dashboard",
                ACCESS_PERMISSION,
                group="start",
            ),
            BackofficeSection(
                "audit",
                _("Audit log"),
                "backoffice:audit_log",
                "core.view_auditlog",
                _("Who viewed or changed personal data, and when."),
                order=20,
            ),
            BackofficeSection(
                "imports",
                _("Imports"),
                "imports_backoffice:list",
                "backoffice.view_imports",
                _("Upload files to import and follow each import: progress, counts, problems."),
                order=25,
            ),
            BackofficeSection(
                "roles",
                _("Roles and permissions"),
                "backoffice:roles",
                "backoffice.view_roles",
                _("Which role may do what, as every module declares it."),
                order=15,
            ),
        ],
        audit_events=[
            AuditEvent("backoffice.audit_log_viewed", _("Viewed the audit log")),
        ],
        urls=[
            UrlMount("backoffice/", "revier.backoffice.urls", order=10),
            UrlMount("backoffice/importe/", "revier.backoffice.urls_imports"),
        ],
    )
