"""Decisions (Bescheide)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revier.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    Decision,
    DecisionTemplate,
    StatusKind,
)
from revier.cases.services.common import _event, _locked, _notify_applicant, case_access_check
from revier.cases.services.status import case_move
from revier.cases.workflow import workflow_for
from revier.core.audit import AuditContext, audit_log
from revier.core.models import AuditLogEntry


def case_decision_create(
    *,
    case: Case,
    actor,
    result: str,
    subject: str,
    text: str,
    template: DecisionTemplate | None = None,
    context: AuditContext | None = None,
) -> Decision:
    """Write the decision (Bescheid): render it as PDF, keep it as a document the applicant can
    see, record the result on the case, and tell the applicant. When the workflow allows a
    ``decided`` status from here the case moves there."""
    from revier.cases.decision import decision_pdf, letter_language

    case_access_check(case=case, user=actor, context=context)
    errors = {}
    if result not in Case.Result.values:
        errors["result"] = _("Choose one of the offered results.")
    if not (subject or "").strip():
        errors["subject"] = _("Give the decision a subject.")
    if not (text or "").strip():
        errors["text"] = _("Write the decision's text first.")
    if errors:
        raise ValidationError(errors)
    if case.status_kind in (StatusKind.CLOSED, StatusKind.ERROR):
        raise ValidationError(_("A closed case takes no more decisions."))
    language = letter_language(case)
    pdf = decision_pdf(
        case=case, subject=subject.strip(), text=text, signer=actor, language=language
    )
    workflow = workflow_for(case.leika)
    with transaction.atomic():
        locked = _locked(case)
        if locked.status_kind in (StatusKind.CLOSED, StatusKind.ERROR):
            raise ValidationError(_("A closed case takes no more decisions."))
        document = CaseDocument.objects.create(
            municipality_id=locked.municipality_id,
            case=locked,
            kind=CaseDocument.Kind.DECISION,
            filename=f"bescheid-{locked.reference}-{timezone.localdate():%Y%m%d}.pdf",
            content_type="application/pdf",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            content=pdf,
            public=True,
        )
        decision = Decision.objects.create(
            municipality_id=locked.municipality_id,
            case=locked,
            template=template,
            result=result,
            subject=subject.strip()[:200],
            text=text,
            document=document,
            created_by=actor,
        )
        locked.result = result
        locked.save(update_fields=["result", "updated_at"])
        _event(
            locked,
            CaseEvent.Kind.DECISION,
            actor,
            text=f"{decision.subject} ({Case.Result(result).label})",
            public=True,
        )
        decided = next(
            (s.key for s in workflow.allowed(locked.status) if s.kind == StatusKind.DECIDED), None
        )
        if decided and locked.status_kind != StatusKind.DECIDED:
            case_move(case=locked, workflow=workflow, to_status=decided, actor=actor)
        audit_log(
            municipality=locked.municipality,
            actor=actor,
            action=AuditLogEntry.Action.CREATE,
            obj=locked,
            event="cases.decision_written",
            params={"result": str(result)},
            context=context,
        )
        _notify_applicant(locked, "case_decided")
    return decision
