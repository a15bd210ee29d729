"""What the privacy module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    AuditEvent,
    BackofficeSection,
    Contributions,
    PeriodicTask,
    TaskRoute,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        audit_events=[
            AuditEvent(
                "privacy.own_data_downloaded", _("The person downloaded their own data (%(kind)s)")
            ),
            AuditEvent(
                "privacy.account_deleted",
                _(
                    "The person deleted their account: drafts deleted, applications and cases "
                    "kept without the link to the account, notifications deleted"
                ),
            ),
            AuditEvent(
                "privacy.case_retention_set",
                _("Set the case retention of %(leika)s: %(days)s days, then %(action)s"),
            ),
            AuditEvent(
                "privacy.default_case_retention_set",
                _("Set the default case retention: %(days)s days, then %(action)s"),
            ),
            AuditEvent(
                "privacy.case_retention_removed",
                _("Removed the case retention of %(leika)s (the default applies)"),
            ),
            AuditEvent(
                "privacy.case_retention_applied",
                _("Case retention: %(anonymised)s anonymised, %(deleted)s deleted"),
            ),
        ],
        backoffice_sections=[
            BackofficeSection(
                "case_retention",
                _("Retention of cases"),
                "privacy_backoffice:case_retention_list",
                "cases.manage_casework",
                _("How long closed cases are kept, then anonymised or deleted."),
                group="cases",
                order=60,
            ),
        ],
        task_routes=[
            TaskRoute("revier.privacy.tasks.case_retention_apply_all", "background"),
            TaskRoute("revier.privacy.tasks.case_retention_apply", "background"),
        ],
        periodic_tasks=[
            PeriodicTask(
                "cases-retention", "revier.privacy.tasks.case_retention_apply_all", 24 * 3600.0
            ),
        ],
        urls=[
            UrlMount("konto/meine-daten/", "revier.privacy.urls", order=55),
            UrlMount("konto/meine-daten/", "revier.privacy.urls", site="platform", order=55),
            UrlMount("backoffice/datenschutz/", "revier.privacy.urls_backoffice"),
        ],
    )
