from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "revier.privacy"
    label = "privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        # Importing the module registers the processing activities shown on privacy pages.
        from revier.accounts.views_backoffice import Section, register_section
        from revier.privacy import activities  # noqa: F401

        register_section(
            Section(
                "case_retention",
                _("Retention of cases"),
                "privacy_backoffice:case_retention_list",
                "cases.manage_casework",
                _("How long closed cases are kept, then anonymised or deleted."),
            )
        )
