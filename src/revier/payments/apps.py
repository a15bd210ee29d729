from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "revier.payments"
    label = "payments"
    verbose_name = _("Fees and payment")

    def ready(self) -> None:
        # Importing the plugin modules registers them (one module per plugin).
        from revier.payments import plugins  # noqa: F401
