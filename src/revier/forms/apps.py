from django.utils.translation import gettext_lazy as _

from revier.core import kit


class FormsConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.forms"
    # "forms" is django.forms' label (installed for the form renderer); the permission names
    # ("forms.manage_forms") keep the short form.
    label = "revier_forms"
    verbose_name = _("Online forms")

    def ready(self) -> None:
        super().ready()
        # Registers the importer "forms.xdatenfelder" (revier.core.imports).
        import revier.forms.importers  # noqa: F401
