"""Status changes: one case, or many at once (all or nothing), along the case's workflow."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revier.cases import selectors
from revier.cases.models import Case, CaseEvent, StatusKind
from revier.cases.services.common import (
    _active_municipality,
    _event,
    _locked,
    _notify_applicant,
    _notify_applicants,
    actor_municipality,
    case_access_check,
)
from revier.cases.workflow import ERROR_STATUS, workflow_for, workflows_for
from revier.core.audit import audit_log
from revier.core.models import AuditLogEntry


def _apply_status(case: Case, workflow, to_status: str, now) -> tuple[str, str]:
    """Set status and the fields that follow from its kind; returns (from, kind)."""
    from_status = case.status
    kind = workflow.kind(to_status)
    case.status = to_status
    case.status_kind = kind
    case.waiting_since = now if kind == StatusKind.WAITING else None
    case.closed_at = now if kind == StatusKind.CLOSED else None
    return from_status, kind


def _check_move(case: Case, workflow, to_status: str, result: str) -> str | None:
    """Why ``case`` may not move to ``to_status``, or None."""
    if workflow.status(to_status) is None or to_status == ERROR_STATUS:
        return _("“%(status)s” is not a status of this service's workflow.") % {"status": to_status}
    if not workflow.can_move(case.status, to_status):
        return _("A case in “%(from)s” cannot move to “%(to)s”.") % {
            "from": workflow.label(case.status),
            "to": workflow.label(to_status),
        }
    if workflow.kind(to_status) == StatusKind.CLOSED and not (result or case.result):
        return _("Record the result before closing the case.")
    return None


def case_status_change(
    *,
    case: Case,
    to_status: str,
    actor,
    result: str = "",
    note: str = "",
    notify_applicant: bool = True,
    request=None,
) -> Case:
    """Move the case along its workflow. Raises ``ValidationError`` and changes nothing when the
    workflow does not allow the move."""
    case_access_check(case=case, user=actor, request=request)
    if result and result not in Case.Result.values:
        raise ValidationError({"result": _("Choose one of the offered results.")})
    workflow = workflow_for(case.leika)
    with transaction.atomic():
        locked = _locked(case)
        problem = _check_move(locked, workflow, to_status, result)
        if problem:
            raise ValidationError({"status": problem})
        from_status, _kind = _apply_status(locked, workflow, to_status, timezone.now())
        if result:
            locked.result = result
        locked.save(
            update_fields=[
                "status",
                "status_kind",
                "waiting_since",
                "closed_at",
                "result",
                "updated_at",
            ]
        )
        _event(
            locked,
            CaseEvent.Kind.STATUS,
            actor,
            from_status=from_status,
            to_status=to_status,
            text=note,
            public=True,
        )
        audit_log(
            municipality=locked.municipality,
            actor=actor,
            action=AuditLogEntry.Action.CHANGE,
            obj=locked,
            summary=f"status {from_status} -> {to_status}",
            request=request,
        )
        if notify_applicant:
            _notify_applicant(locked, "case_status", status_label=workflow.label(to_status))
    return locked


def case_bulk_status_change(
    *, case_ids: Iterable[int], to_status: str, actor, result: str = "", request=None
) -> int:
    """Move many cases at once: all or nothing. Cases the person may not see, or that the
    workflow does not allow to move, are named in the ``ValidationError`` and nothing changes."""
    ids = sorted({int(i) for i in case_ids})
    if not ids:
        raise ValidationError({"cases": _("Choose at least one case.")})
    if result and result not in Case.Result.values:
        raise ValidationError({"result": _("Choose one of the offered results.")})
    now = timezone.now()
    visible = set(
        selectors.cases_visible(user=actor).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if len(visible) != len(ids):
        # Logged outside any transaction of this change, so the refusal stays in the log.
        audit_log(
            municipality=actor_municipality([], request) or _active_municipality(),
            actor=actor,
            action=AuditLogEntry.Action.DENIED,
            object_type="cases.Case",
            summary=f"bulk change refused for cases {sorted(set(ids) - visible)[:20]}",
            request=request,
        )
        raise ValidationError({"cases": _("Some of the chosen cases are not yours to change.")})
    with transaction.atomic():
        cases = list(
            selectors.cases_visible(user=actor)
            .select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("applicant", "application")
            .order_by("pk")
        )
        if len(cases) != len(ids):  # changed hands in the meantime
            raise ValidationError({"cases": _("Some of the chosen cases are not yours to change.")})
        workflows = workflows_for(c.leika for c in cases)
        refused = [
            c.reference for c in cases if _check_move(c, workflows[c.leika], to_status, result)
        ]
        if refused:
            shown = ", ".join(refused[:10]) + (" …" if len(refused) > 10 else "")
            raise ValidationError(
                {
                    "status": _(
                        "%(count)s of the chosen cases cannot move to this status: %(refs)s. "
                        "Nothing was changed."
                    )
                    % {"count": len(refused), "refs": shown}
                }
            )
        events = []
        audits = []
        for c in cases:
            from_status, _kind = _apply_status(c, workflows[c.leika], to_status, now)
            if result:
                c.result = result
            c.updated_at = now
            events.append(
                CaseEvent(
                    municipality_id=c.municipality_id,
                    case=c,
                    kind=CaseEvent.Kind.STATUS,
                    actor=actor,
                    from_status=from_status,
                    to_status=to_status,
                    public=True,
                )
            )
            audits.append(
                AuditLogEntry(
                    municipality_id=c.municipality_id,
                    actor=actor,
                    actor_email=actor.email,
                    action=AuditLogEntry.Action.CHANGE,
                    object_type="cases.Case",
                    object_id=str(c.pk),
                    object_repr=c.reference,
                    summary=f"status {from_status} -> {to_status} (bulk)",
                    ip_address=request.META.get("REMOTE_ADDR") if request else None,
                )
            )
        # Every case of one status kind gets the same values: one UPDATE per kind rather than
        # bulk_update's CASE over a thousand rows.
        by_kind: dict[str, list[Case]] = {}
        for c in cases:
            by_kind.setdefault(c.status_kind, []).append(c)
        for kind, group in by_kind.items():
            Case.objects.filter(pk__in=[c.pk for c in group]).update(
                status=to_status,
                status_kind=kind,
                waiting_since=group[0].waiting_since,
                closed_at=group[0].closed_at,
                updated_at=now,
                **({"result": result} if result else {}),
            )
        CaseEvent.objects.bulk_create(events, batch_size=500)
        AuditLogEntry.objects.bulk_create(audits, batch_size=500)
        _notify_applicants(
            cases,
            "case_status",
            status_labels={c.pk: workflows[c.leika].label(to_status) for c in cases},
        )
    return len(cases)
