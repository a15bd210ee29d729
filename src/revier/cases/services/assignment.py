"""Who works on a case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from revier.cases import selectors
from revier.cases.models import Case, CaseEvent
from revier.cases.services.common import _event, _locked, case_access_check
from revier.core.audit import AuditContext, audit_log
from revier.core.models import AuditLogEntry


def case_assign(*, case: Case, assignee, actor, context: AuditContext | None = None) -> Case:
    """Give the case to ``assignee`` (a case worker who may see it), or take it (``None``)."""
    case_access_check(case=case, user=actor, context=context)
    if assignee is not None and (
        not assignee.has_perm("cases.view_cases", case.municipality)
        or not selectors.case_visible_to(case=case, user=assignee)
    ):
        raise ValidationError({"assignee": _("This person cannot work on this case.")})
    with transaction.atomic():
        locked = _locked(case)
        if locked.assignee_id == (assignee.pk if assignee else None):
            return locked
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        _event(
            locked,
            CaseEvent.Kind.ASSIGNED,
            actor,
            text=(assignee.get_full_name() or assignee.email) if assignee else "",
        )
        audit_log(
            municipality=locked.municipality,
            actor=actor,
            action=AuditLogEntry.Action.CHANGE,
            obj=locked,
            summary=f"assigned to {assignee.email if assignee else 'nobody'}",
            context=context,
        )
    return locked
