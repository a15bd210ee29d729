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
            event="cases.assigned" if assignee else "cases.unassigned",
            params={"person": assignee.email} if assignee else {},
            context=context,
        )
    return locked


def case_bulk_assign(*, case_ids, assignee, actor, context: AuditContext | None = None) -> int:
    """Give many cases to ``assignee`` (or to nobody) at once: all or nothing. A case the
    person may not see, or one the assignee cannot work on, is named and nothing changes."""
    ids = sorted({int(i) for i in case_ids})
    if not ids:
        raise ValidationError({"cases": _("Choose at least one case.")})
    cases = list(selectors.cases_visible(user=actor).filter(pk__in=ids).order_by("pk"))
    if len(cases) != len(ids):
        raise ValidationError({"cases": _("Some of the chosen cases are not yours to change.")})
    with transaction.atomic():
        for case in cases:
            try:
                case_assign(case=case, assignee=assignee, actor=actor, context=context)
            except ValidationError as exc:
                raise ValidationError(
                    {
                        "assignee": _(
                            "%(person)s cannot work on case %(reference)s. Nothing was changed."
                        )
                        % {
                            "person": assignee.email if assignee else "",
                            "reference": case.reference,
                        }
                    }
                ) from exc
    return len(cases)
