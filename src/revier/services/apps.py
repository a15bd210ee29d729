from django.utils.translation import gettext_lazy as _

from revier.core import kit


class ServicesConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.services"
    verbose_name = _("Online services")

    def ready(self) -> None:
        super().ready()
        # Registers the importer "services.catalogue" (revier.core.imports).
        import revier.services.importers  # noqa: F401
