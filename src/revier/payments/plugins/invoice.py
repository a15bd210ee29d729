"""Invoice (Rechnung): a Kassenzeichen, the municipality's bank details on the receipt, paid by
bank transfer. Booked later by the cash office, so the payment stays ``INITIAL`` here."""

from django.utils.translation import gettext_lazy

from revier.payments.plugins.base import PaymentPlugin, PaymentStart
from revier.payments.registry import register


@register("invoice")
class InvoicePlugin(PaymentPlugin):
    label = gettext_lazy("Invoice (bank transfer)")
    method = "INVOICE"
    description = gettext_lazy(
        "The receipt names a Kassenzeichen and the municipality's bank account; the cash office "
        "books the transfer."
    )

    def start(self, *, payment, options, description, return_url, notify_url) -> PaymentStart:
        return PaymentStart()
