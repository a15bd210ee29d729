"""Reads of fees and payments, in the active municipality's scope."""

from revier.core import crypto
from revier.payments.models import Fee, Payment, PaymentAccount

SECRETS_PURPOSE = "payments.secrets"


def fee_for(*, leika: str) -> Fee | None:
    return Fee.objects.filter(local_service__service__leika=leika).first()


def fee_options(fee: Fee) -> dict:
    """The plugin options of ``fee`` with its secrets unsealed (for the plugin only)."""
    return {**fee.options, **crypto.unseal_json(fee.secrets_sealed, purpose=SECRETS_PURPOSE)}


def payment_account_get() -> PaymentAccount | None:
    return PaymentAccount.objects.first()


def payment_latest(*, reference: str) -> Payment | None:
    return Payment.objects.filter(reference=reference).order_by("-created_at", "-id").first()


def payment_by_transaction(*, transaction_id: str) -> Payment | None:
    return Payment.objects.select_related("fee").filter(transaction_id=transaction_id).first()


def fees_overview():
    """The municipality's services with their fee (or none), in one query."""
    from revier.services.models import LocalService

    return LocalService.objects.select_related("service", "fee").order_by("service__name", "id")


def local_service_with_fee(*, leika: str):
    from revier.services.models import LocalService

    return (
        LocalService.objects.select_related("service", "fee").filter(service__leika=leika).first()
    )
