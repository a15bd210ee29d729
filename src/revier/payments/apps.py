from django.utils.translation import gettext_lazy as _

from revier.core import kit


class PaymentsConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.payments"
    label = "payments"
    verbose_name = _("Fees and payment")

    def ready(self) -> None:
        super().ready()
        # Importing the plugin modules registers them (one module per plugin).
        from revier.payments import plugins  # noqa: F401
