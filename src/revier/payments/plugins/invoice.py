"""Invoice (Rechnung): a Kassenzeichen, the municipality's bank details on the receipt, paid by
bank transfer. Booked later by the cash office, so the payment stays ``INITIAL`` here."""

from django.utils.translation import gettext_lazy

from revier.payments.plugins.base import PaymentPlugin, PaymentStart
from revier.payments.registry import register


@register("invoice")
class InvoicePlugin(PaymentPlugin):
    label = gettext_lazy("Invoice (bank transfer)")
    method = "INVOICE"

    def start(self, *, payment, options, description, return_url, notify_url) -> PaymentStart:
        return PaymentStart()
