"""Back-office forms of fees and of the municipality's bank account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from revier.payments.models import Fee
from revier.payments.registry import register


class FeeForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount in EUR"), min_value=0, max_digits=9, decimal_places=2
    )
    label = forms.CharField(
        label=_("What the fee is for"),
        required=False,
        max_length=200,
        help_text=_("Printed on the receipt and the invoice, e.g. “per certificate”."),
    )
    policy = forms.ChoiceField(
        label=_("Payment policy"), choices=Fee.Policy.choices, widget=forms.RadioSelect
    )
    plugin = forms.ChoiceField(label=_("Payment method"), choices=())

    def __init__(self, *args, saved_secrets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plugin"].choices = register.choices()
        # The options every plugin declares, none required here: the plugin is chosen in the
        # same form, and the service checks the chosen one's options.
        for plugin in register:
            for name, field in plugin.form_fields(
                saved_secrets=saved_secrets, required=False
            ).items():
                self.fields.setdefault(name, field)

    def options(self) -> dict:
        data = self.cleaned_data
        names = {option.name for plugin in register for option in plugin.options}
        return {k: data[k] for k in names if data.get(k)}


class PaymentAccountForm(forms.Form):
    account_holder = forms.CharField(label=_("Account holder"), max_length=200)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(label=_("BIC"), required=False, max_length=11)
    bank_name = forms.CharField(label=_("Bank"), required=False, max_length=200)
    kassenzeichen_prefix = forms.CharField(
        label=_("Kassenzeichen prefix"),
        max_length=6,
        help_text=_("The first digits of every Kassenzeichen, as your cash office numbers them."),
    )
    payment_days = forms.IntegerField(label=_("Days to pay an invoice"), min_value=1, max_value=365)
