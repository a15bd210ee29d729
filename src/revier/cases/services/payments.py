"""Fee payments recorded on a case."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revier.cases.models import Case, CaseEvent, CasePayment
from revier.cases.services.common import _event, case_access_check
from revier.core.audit import AuditContext, audit_log
from revier.core.models import AuditLogEntry


def case_payment_record(
    *,
    case: Case,
    actor,
    amount,
    method: str,
    paid_on: dt.date,
    kassenzeichen: str = "",
    context: AuditContext | None = None,
) -> CasePayment:
    """Record a fee payment (cash desk, bank transfer) on the case."""
    from decimal import Decimal, InvalidOperation

    case_access_check(case=case, user=actor, context=context)
    errors = {}
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, TypeError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount >= Decimal("1e8"):
        errors["amount"] = _("Enter an amount above 0.")
    if not (method or "").strip():
        errors["method"] = _("Say how the fee was paid.")
    if paid_on is None or paid_on > timezone.localdate():
        errors["paid_on"] = _("The payment date must not be in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        payment = CasePayment.objects.create(
            municipality_id=case.municipality_id,
            case=case,
            amount=amount.quantize(Decimal("0.01")),
            method=method.strip()[:40],
            paid_on=paid_on,
            kassenzeichen=(kassenzeichen or "").strip()[:40],
            recorded_by=actor,
        )
        _event(
            case,
            CaseEvent.Kind.PAYMENT,
            actor,
            text=f"{payment.amount} EUR ({payment.method})",
        )
        audit_log(
            municipality=case.municipality,
            actor=actor,
            action=AuditLogEntry.Action.CREATE,
            obj=case,
            event="cases.payment_recorded",
            params={"amount": str(payment.amount)},
            context=context,
        )
    return payment
