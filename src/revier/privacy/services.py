"""Writes for the person's rights (export audited, account deletion) and the retention of
closed cases. Decisions and their reasons: docs/adr/0010-gdpr.md."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revier.cases.models import Case, CaseDocument, CaseEvent, Decision, Message, StatusKind
from revier.core import kit
from revier.core.audit import AuditContext, audit_log
from revier.privacy import selectors
from revier.privacy.models import DEFAULT_CLOSED_DAYS, CaseRetentionPolicy

logger = logging.getLogger(__name__)


def data_export_record(*, user, kind: str, context: AuditContext | None = None) -> None:
    """Audit a download of one's own data in each municipality that holds some of it."""
    for municipality in selectors.municipalities_with_data(user=user):
        audit_log(
            municipality=municipality,
            actor=user,
            action="export",
            object_type="accounts.User",
            object_id=str(user.pk),
            object_repr=f"account #{user.pk}",
            event="privacy.own_data_downloaded",
            params={"kind": kind},
            context=context,
        )


def account_delete(*, user, actor, password: str = "", recently_logged_in: bool = False) -> dict:
    """Delete ``user``'s account.

    Drafts are deleted; submitted applications and cases are administrative records the
    municipality must keep: they stay, unlinked from the account (the case keeps the applicant's
    name and e-mail address as part of the record). Notifications, e-mail addresses, second
    factors, API tokens and memberships go with the account; an organisation of which the person
    was the only member goes too. Audit entries keep the actor's e-mail address.

    Refused (``ValidationError``) with a wrong password (or, for accounts without a password,
    without a fresh login), while the person holds staff roles, or is the last administrator of
    an organisation with other members. Returns the counts; one audit entry per municipality.
    """
    if actor.pk != user.pk:
        raise ValidationError(_("Only the person can delete their own account."))
    if user.has_usable_password():
        if not user.check_password(password or ""):
            raise ValidationError({"password": _("The password is not correct.")}, code="password")
    elif not recently_logged_in:
        raise ValidationError(
            _("Please log in again, then delete the account within ten minutes."), code="stale"
        )
    blockers = selectors.deletion_blockers(user=user)
    if blockers:
        raise ValidationError(blockers, code="blocked")

    counts: dict[str, int] = {}
    with transaction.atomic():
        # Before the providers unlink anything: the municipalities that record the deletion.
        municipalities = selectors.municipalities_with_data(user=user)
        for provider in kit.personal_data_providers():
            if provider.erase:
                selectors.merge_part(counts, kit.resolve(provider.erase)(user=user), provider)
        user_id = user.pk
        for municipality in municipalities:
            audit_log(
                municipality=municipality,
                actor=user,
                action="delete",
                object_type="accounts.User",
                object_id=str(user_id),
                object_repr=f"account #{user_id}",
                event="privacy.account_deleted",
            )
        # Cascades: e-mail addresses, second factors, API token, idempotency keys.
        user.delete()
    logger.info("account %s deleted: %s", user_id, counts)
    return counts


# --- retention of closed cases ---------------------------------------------------------------


def case_retention_policy_get(*, municipality, leika: str = "") -> CaseRetentionPolicy:
    policy = CaseRetentionPolicy.objects.filter(municipality=municipality, leika=leika).first()
    return policy or CaseRetentionPolicy(
        municipality=municipality, leika=leika, closed_days=DEFAULT_CLOSED_DAYS
    )


@transaction.atomic
def case_retention_policy_set(
    *,
    municipality,
    leika: str = "",
    closed_days: int,
    action: str,
    actor,
    context: AuditContext | None = None,
) -> CaseRetentionPolicy:
    policy = (
        CaseRetentionPolicy.objects.select_for_update()
        .filter(municipality=municipality, leika=leika)
        .first()
    ) or CaseRetentionPolicy(municipality=municipality, leika=leika)
    policy.closed_days = closed_days
    policy.action = action
    policy.full_clean(exclude=["municipality"])
    policy.save()
    audit_log(
        municipality=municipality,
        actor=actor,
        action="change",
        obj=policy,
        event="privacy.case_retention_set" if leika else "privacy.default_case_retention_set",
        params={"leika": leika, "days": closed_days, "action": str(action)},
        context=context,
    )
    return policy


@transaction.atomic
def case_retention_policy_remove(
    *, municipality, leika: str, actor, context: AuditContext | None = None
) -> None:
    if not leika:
        raise ValidationError(_("The default policy cannot be removed."))
    deleted, _rows = CaseRetentionPolicy.objects.filter(
        municipality=municipality, leika=leika
    ).delete()
    if deleted:
        audit_log(
            municipality=municipality,
            actor=actor,
            action="delete",
            object_type="privacy.CaseRetentionPolicy",
            object_repr=leika,
            event="privacy.case_retention_removed",
            params={"leika": leika},
            context=context,
        )


def _anonymise_cases(ids: list[int], now) -> int:
    CaseDocument.objects.filter(case_id__in=ids).delete()
    Decision.objects.filter(case_id__in=ids).delete()
    Message.objects.filter(case_id__in=ids).delete()
    CaseEvent.objects.filter(case_id__in=ids).update(text="")
    return Case.objects.filter(pk__in=ids).update(
        applicant=None,
        organisation=None,
        applicant_name="",
        applicant_email="",
        data={},
        result_note="",
        intake_error="",
        search_text="",
        anonymised_at=now,
    )


def case_retention_apply(*, municipality, now: dt.datetime | None = None) -> dict[str, int]:
    """Anonymise or delete the municipality's closed cases past their policy (per service,
    else the municipality's default). Run inside the municipality's scope; one audit entry."""
    now = now or timezone.now()
    policies = {p.leika: p for p in CaseRetentionPolicy.objects.filter(municipality=municipality)}
    default = policies.get("") or CaseRetentionPolicy(closed_days=DEFAULT_CLOSED_DAYS)
    counts = {"anonymised": 0, "deleted": 0}
    closed = Case.objects.filter(
        municipality=municipality,
        status_kind=StatusKind.CLOSED,
        closed_at__isnull=False,
        anonymised_at__isnull=True,
    )
    with transaction.atomic():
        leikas = set(closed.values_list("leika", flat=True).distinct())
        for leika in sorted(leikas):
            policy = policies.get(leika, default)
            expired = closed.filter(
                leika=leika, closed_at__lt=now - dt.timedelta(days=policy.closed_days)
            )
            ids = list(expired.values_list("pk", flat=True))
            if not ids:
                continue
            if policy.action == CaseRetentionPolicy.Action.DELETE:
                Case.objects.filter(pk__in=ids).delete()
                counts["deleted"] += len(ids)
            else:
                counts["anonymised"] += _anonymise_cases(ids, now)
        if any(counts.values()):
            audit_log(
                municipality=municipality,
                actor=None,
                action="delete",
                object_type="cases.Case",
                event="privacy.case_retention_applied",
                params={key: int(counts[key]) for key in ("anonymised", "deleted")},
            )
    return counts
