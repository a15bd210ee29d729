from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    name = "revier.forms"
    # "forms" is django.forms' label (installed for the form renderer); the permission names
    # ("forms.manage_forms") are django-rules strings and keep the short form.
    label = "revier_forms"
    verbose_name = _("Online forms")

    def ready(self) -> None:
        # Registers the importer "forms.xdatenfelder" (revier.core.imports).
        import revier.forms.importers  # noqa: F401
        from revier.accounts.views_backoffice import Section, register_section

        register_section(
            Section(
                "forms",
                _("Online forms"),
                "forms_backoffice:list",
                "forms.manage_forms",
                _("Forms from FIM XDatenfelder or built here: versions, preview, publishing."),
            )
        )
