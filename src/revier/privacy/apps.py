from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "revier.privacy"
    label = "privacy"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        # Importing the module registers the processing activities shown on privacy pages.
        from revier.privacy import activities  # noqa: F401

        if _backoffice_mounted():
            from revier.accounts.views_backoffice import Section, register_section

            register_section(
                Section(
                    "case_retention",
                    _("Retention of cases"),
                    "privacy_backoffice:case_retention_list",
                    "cases.manage_casework",
                    _("How long closed cases are kept, then anonymised or deleted."),
                )
            )


def _backoffice_mounted() -> bool:
    """Whether the municipality URLconf includes ``privacy.urls_backoffice``. Until it does the
    section stays out of the menu (a menu entry without its URL would break every page).
    Checked on the URLconf's source, so the URL modules are not imported during start-up."""
    import importlib.util
    from pathlib import Path

    from django.conf import settings

    spec = importlib.util.find_spec(settings.MUNICIPALITY_URLCONF)
    if spec is None or spec.origin is None:
        return False
    return "revier.privacy.urls_backoffice" in Path(spec.origin).read_text(encoding="utf-8")
