from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "revier.delivery"
    label = "delivery"
    verbose_name = _("Delivery of submissions")

    def ready(self) -> None:
        from revier.accounts.views_backoffice import Section, register_section

        register_section(
            Section(
                "deliveries",
                _("Deliveries"),
                "delivery:list",
                "delivery.view_deliveries",
                _("Submitted applications on their way to the responsible authority."),
            )
        )
        # Importing the plugin modules registers them (one module per plugin).
        from revier.delivery import checks, plugins  # noqa: F401
