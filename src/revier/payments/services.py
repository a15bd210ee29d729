"""Writes of fees and payments. The applying flow (revier.applications) calls these."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from revier.core import crypto
from revier.core.audit import AuditContext, audit_log
from revier.payments.models import Fee, Payment, PaymentAccount
from revier.payments.plugins.base import NotificationRefused, PaymentStart
from revier.payments.registry import register
from revier.payments.selectors import SECRETS_PURPOSE, fee_options


@transaction.atomic
def fee_set(
    *,
    local_service,
    amount: Decimal,
    policy: str = Fee.Policy.AFTERWARDS,
    plugin: str = "invoice",
    options: dict | None = None,
    label: str = "",
    actor=None,
) -> Fee:
    """Create or replace the fee of a municipality's service; plugin secrets are sealed."""
    plugin_obj = register.get(plugin)
    cleaned = plugin_obj.clean_options(options or {})
    secret = {k: cleaned.pop(k) for k in plugin_obj.secret_options if k in cleaned}
    fee = Fee.objects.select_for_update().filter(local_service=local_service).first()
    if fee is None:
        fee = Fee(municipality_id=local_service.municipality_id, local_service=local_service)
    fee.amount = Decimal(amount)
    fee.policy = policy
    fee.plugin = plugin
    fee.options = cleaned
    fee.label = label
    fee.secrets_sealed = crypto.seal_json(secret, purpose=SECRETS_PURPOSE) if secret else ""
    fee.full_clean(exclude=["local_service"])
    fee.save()
    if actor is not None:
        audit_log(
            municipality=local_service.municipality,
            actor=actor,
            action="change",
            obj=fee,
            event="payments.fee_set",
            params={
                "leika": local_service.service.leika,
                "amount": str(fee.amount),
                "policy": str(policy),
            },
        )
    return fee


@transaction.atomic
def payment_account_set(
    *, municipality, actor=None, context: AuditContext | None = None, **fields
) -> PaymentAccount:
    """Set the municipality's bank account for fees; a staff ``actor`` is audited."""
    account = PaymentAccount.objects.select_for_update().first() or PaymentAccount(
        municipality=municipality
    )
    for name, value in fields.items():
        setattr(account, name, value)
    account.iban = account.iban.replace(" ", "").upper()
    account.full_clean()
    account.save()
    if actor is not None:
        audit_log(
            municipality=municipality,
            actor=actor,
            action="change",
            object_type="payments.PaymentAccount",
            object_repr=account.account_holder,
            event="payments.bank_account_changed",
            context=context,
        )
    return account


def kassenzeichen(*, reference: str, prefix: str = "5") -> str:
    """A numeric Kassenzeichen from the application's reference (unique per municipality):
    prefix, year, sequence and a Luhn check digit so typos in bank transfers are caught."""
    digits = prefix + "".join(ch for ch in reference.split("-", 1)[-1] if ch.isdigit())
    total = 0
    for index, ch in enumerate(reversed(digits)):
        value = int(ch) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return digits + str((10 - total % 10) % 10)


def payment_start(
    *,
    reference: str,
    fee: Fee,
    plugin: str,
    description: str,
    return_url: str,
    notify_url_for: Callable[[str], str],
    account: PaymentAccount | None = None,
) -> Payment:
    """Create a payment of ``fee`` for an application; for a redirecting plugin also at the
    provider (``redirect_url``). Raises ``PaymentProviderError`` (nothing is stored then)."""
    plugin_obj = register.get(plugin)
    transaction_id = secrets.token_hex(16)
    payment = Payment(
        municipality_id=fee.municipality_id,
        reference=reference,
        fee=fee,
        plugin=plugin,
        method=plugin_obj.method,
        amount=fee.amount,
        transaction_id=transaction_id,
        transaction_reference=kassenzeichen(
            reference=reference, prefix=account.kassenzeichen_prefix if account else "5"
        ),
    )
    started: PaymentStart = plugin_obj.start(
        payment=payment,
        options=fee_options(fee),
        description=description,
        return_url=return_url,
        notify_url=notify_url_for(transaction_id),
    )
    payment.redirect_url = started.redirect_url
    payment.provider_id = started.provider_id
    payment.save()
    return payment


@transaction.atomic
def payment_notification_apply(*, payment: Payment, body: bytes, headers) -> Payment:
    """Verify a provider's report and move the payment on. Raises ``NotificationRefused``.

    Under a row lock: a replayed or concurrent report changes a settled payment never again.
    """
    locked = (
        Payment.objects.select_for_update(of=("self",)).select_related("fee").get(pk=payment.pk)
    )
    if locked.fee is None:
        raise NotificationRefused("the fee of this payment no longer exists")
    plugin_obj = register.get(locked.plugin)
    notification = plugin_obj.verify_notification(
        payment=locked, options=fee_options(locked.fee), body=body, headers=headers
    )
    if locked.status != Payment.Status.INITIAL or notification.status == "INITIAL":
        return locked
    locked.status = notification.status
    locked.method = notification.method
    locked.provider_id = locked.provider_id or notification.provider_id
    if notification.status == Payment.Status.BOOKED:
        locked.booked_at = notification.timestamp or timezone.now()
    locked.save(update_fields=["status", "method", "provider_id", "booked_at", "updated_at"])
    return locked
