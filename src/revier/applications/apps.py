from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "revier.applications"
    label = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from revier.accounts.views_backoffice import Section, register_section

        register_section(
            Section(
                "applications",
                _("Applications received"),
                "applications_backoffice:list",
                "applications.view_applications",
                _("Applications sent online: answers, files, receipts."),
            )
        )
        register_section(
            Section(
                "retention",
                _("Retention of applications"),
                "applications_backoffice:retention_list",
                "applications.manage_retention",
                _("How long the applications of each form are kept."),
            )
        )
