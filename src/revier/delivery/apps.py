from django.utils.translation import gettext_lazy as _

from revier.core import kit


class DeliveryConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.delivery"
    label = "delivery"
    verbose_name = _("Delivery of submissions")

    def ready(self) -> None:
        super().ready()
        # Importing the plugin modules registers them (one module per plugin).
        from revier.delivery import checks, plugins  # noqa: F401
