from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "revier.payments"
    label = "payments"
    verbose_name = _("Fees and payment")

    def ready(self) -> None:
        from revier.accounts.views_backoffice import Section, register_section

        register_section(
            Section(
                "fees",
                _("Fees and payment"),
                "payments_backoffice:fee_list",
                "payments.manage_fees",
                _("Fees per service, payment policy and method, the bank account."),
            )
        )
        # Importing the plugin modules registers them (one module per plugin).
        from revier.payments import plugins  # noqa: F401
