"""Status changes: one case, or many at once (all or nothing), along the case's workflow."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revier.cases import selectors
from revier.cases.models import Case, CaseEvent
from revier.cases.services.common import (
    _active_municipality,
    _notify_applicant,
    _notify_applicants,
    actor_municipality,
    case_access_check,
)
from revier.cases.workflow import ERROR_STATUS, workflow_for, workflows_for
from revier.core import workflow as core_workflow
from revier.core.audit import AuditContext, audit_log
from revier.core.models import AuditLogEntry


def _refusal_message(refused: core_workflow.TransitionRefused, workflow) -> str:
    """The engine's refusal in the words of case work."""
    if refused.code == "unknown_state" or refused.to_state == ERROR_STATUS:
        return _("“%(status)s” is not a status of this service's workflow.") % {
            "status": refused.to_state
        }
    if refused.code == "not_declared":
        return _("A case in “%(from)s” cannot move to “%(to)s”.") % {
            "from": workflow.label(refused.from_state),
            "to": workflow.label(refused.to_state),
        }
    return refused.message  # a guard's reason, already in case words


def case_move(
    *,
    case: Case,
    workflow,
    to_status: str,
    actor,
    note: str = "",
    changes: dict | None = None,
    check_permission: bool = True,
) -> CaseEvent:
    """Move ``case`` through the workflow engine (row lock, checks, timeline entry) inside the
    caller's transaction; returns the status event, whose ``case`` is the locked, moved row.
    A refused move is a ``ValidationError`` at ``status``. For the services of this package:
    they check the person's access to the case first."""
    try:
        return core_workflow.transition(
            obj=case,
            to=to_status,
            actor=actor,
            municipality=case.municipality,
            note=note,
            definition=workflow.engine,
            changes=changes,
            check_permission=check_permission,
        )
    except core_workflow.TransitionRefused as refused:
        raise ValidationError({"status": _refusal_message(refused, workflow)}) from None


def case_status_change(
    *,
    case: Case,
    to_status: str,
    actor,
    result: str = "",
    note: str = "",
    notify_applicant: bool = True,
    context: AuditContext | None = None,
) -> Case:
    """Move the case along its workflow. Raises ``ValidationError`` and changes nothing when the
    workflow does not allow the move."""
    case_access_check(case=case, user=actor, context=context)
    if result and result not in Case.Result.values:
        raise ValidationError({"result": _("Choose one of the offered results.")})
    workflow = workflow_for(case.leika)
    with transaction.atomic():
        event = case_move(
            case=case,
            workflow=workflow,
            to_status=to_status,
            actor=actor,
            note=note,
            changes={"result": result} if result else None,
        )
        locked = event.case
        audit_log(
            municipality=locked.municipality,
            actor=actor,
            action=AuditLogEntry.Action.CHANGE,
            obj=locked,
            summary=f"status {event.from_status} -> {to_status}",
            event="cases.status_changed",
            params={
                "from": str(workflow.label(event.from_status)),
                "to": str(workflow.label(to_status)),
            },
            context=context,
        )
        if notify_applicant:
            _notify_applicant(locked, "case_status", status_label=workflow.label(to_status))
    return locked


def case_bulk_status_change(
    *,
    case_ids: Iterable[int],
    to_status: str,
    actor,
    result: str = "",
    context: AuditContext | None = None,
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
            municipality=actor_municipality([], context) or _active_municipality(),
            actor=actor,
            action=AuditLogEntry.Action.DENIED,
            object_type="cases.Case",
            summary=f"bulk change refused for cases {sorted(set(ids) - visible)[:20]}",
            event="cases.bulk_refused",
            params={"ids": ", ".join(str(i) for i in sorted(set(ids) - visible)[:20])},
            context=context,
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
        municipality = actor_municipality([], context) or _active_municipality()
        permitted: dict[str, bool] = {}

        def has_perm(permission: str) -> bool:  # asked once per change, not once per case
            if permission not in permitted:
                permitted[permission] = actor.has_perm(permission, municipality)
            return permitted[permission]

        refused = []
        for c in cases:
            if result:
                c.result = result  # what the closing guard looks at; saved only if all may move
            try:
                core_workflow.check(
                    definition=workflows[c.leika].engine,
                    obj=c,
                    to=to_status,
                    actor=actor,
                    municipality=municipality,
                    has_perm=has_perm,
                )
            except (core_workflow.TransitionRefused, core_workflow.TransitionForbidden):
                refused.append(c.reference)
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
            definition = workflows[c.leika].engine
            from_status = c.status
            core_workflow.enter(definition=definition, obj=c, to=to_status, at=now)
            c.updated_at = now
            events.append(
                definition.history(
                    core_workflow.Move(
                        obj=c,
                        definition=definition,
                        transition=definition.transition_between(from_status, to_status),
                        from_state=from_status,
                        to_state=to_status,
                        actor=actor,
                        municipality=municipality,
                        note="",
                        at=now,
                    )
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
                    event="cases.status_changed_bulk",
                    params={
                        "from": str(workflows[c.leika].label(from_status)),
                        "to": str(workflows[c.leika].label(to_status)),
                    },
                    ip_address=context.ip_address if context else None,
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
