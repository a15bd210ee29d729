"""Fees of a municipality's services, its bank account, and the payments made for applications.

The payment policy follows XBezahldienste: ``inaktiv`` (nothing to pay online), ``optional``
(the applicant may pay online or by invoice), ``verpflichtend`` (the application is only handed
over once the payment is booked) and ``nachgelagert`` (paid afterwards, by invoice).
"""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from revier.core.models import TenantOwnedModel

PAYMENT_METHODS = ("GIROPAY", "PAYDIRECT", "CREDITCARD", "PAYPAL", "INVOICE", "OTHER")


class Fee(TenantOwnedModel):
    """The fee of one service in one municipality and how it is paid."""

    class Policy(models.TextChoices):
        INACTIVE = "inaktiv", _("no online payment")
        OPTIONAL = "optional", _("online payment optional")
        REQUIRED = "verpflichtend", _("online payment required before hand-over")
        AFTERWARDS = "nachgelagert", _("paid afterwards by invoice")

    local_service = models.OneToOneField(
        "services.LocalService",
        on_delete=models.CASCADE,
        related_name="fee",
        verbose_name=_("service"),
    )
    amount = models.DecimalField(
        _("amount in EUR"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    label = models.CharField(_("what the fee is for"), max_length=200, blank=True)
    policy = models.CharField(
        _("payment policy"), max_length=16, choices=Policy.choices, default=Policy.AFTERWARDS
    )
    plugin = models.CharField(_("payment method"), max_length=40, default="invoice")
    options = models.JSONField(_("options"), default=dict, blank=True)
    # Secret options of the plugin (e.g. the provider's HMAC key), sealed (see core.crypto).
    secrets_sealed = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["local_service", "id"]

    def __str__(self) -> str:
        return f"{self.amount} EUR ({self.policy})"


class PaymentAccount(TenantOwnedModel):
    """The municipality's bank account (Gemeindekasse) printed on invoices and receipts."""

    account_holder = models.CharField(_("account holder"), max_length=200)
    iban = models.CharField(
        _("IBAN"),
        max_length=34,
        validators=[RegexValidator(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$", _("Enter a valid IBAN."))],
    )
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    # First digits of every Kassenzeichen of this municipality (its cash office's numbering).
    kassenzeichen_prefix = models.CharField(
        _("Kassenzeichen prefix"),
        max_length=6,
        default="5",
        validators=[RegexValidator(r"^\d{1,6}$", _("Digits only."))],
    )
    payment_days = models.PositiveIntegerField(_("days to pay an invoice"), default=14)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="payments_one_account")
        ]

    def __str__(self) -> str:
        return f"{self.account_holder} {self.iban}"


class Payment(TenantOwnedModel):
    """One attempt to pay the fee of one application (FIT-Connect ``paymentInformation``)."""

    class Status(models.TextChoices):
        INITIAL = "INITIAL", _("open")
        BOOKED = "BOOKED", _("paid")
        FAILED = "FAILED", _("failed")
        CANCELED = "CANCELED", _("cancelled")

    reference = models.CharField(_("application reference"), max_length=64, db_index=True)
    fee = models.ForeignKey(
        Fee, null=True, on_delete=models.SET_NULL, related_name="payments", verbose_name=_("fee")
    )
    plugin = models.CharField(_("payment method"), max_length=40)
    method = models.CharField(
        _("payment method (FIT-Connect)"),
        max_length=16,
        choices=[(m, m) for m in PAYMENT_METHODS],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.INITIAL
    )
    amount = models.DecimalField(_("amount in EUR"), max_digits=9, decimal_places=2)
    # Our id of the transaction: random, in the provider's notification URL.
    transaction_id = models.CharField(_("transaction id"), max_length=64)
    # Kassenzeichen (invoice) or the provider's reference.
    transaction_reference = models.CharField(_("transaction reference"), max_length=100)
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    redirect_url = models.URLField(_("payment page"), max_length=1000, blank=True)
    booked_at = models.DateTimeField(_("booked"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "transaction_id"], name="payments_unique_transaction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} EUR {self.status}"
