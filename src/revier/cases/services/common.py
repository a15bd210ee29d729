"""What the services of case work share: links into the applicant's account, notifications,
the access check, the row lock and timeline entries."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from revier.cases import selectors
from revier.cases.models import Case, CaseEvent
from revier.core.audit import AuditContext, audit_log
from revier.core.models import AuditLogEntry
from revier.notifications.services import Recipient, notify_many
from revier.tenancy.models import Municipality


def _absolute(case: Case, name: str, *args) -> str:
    """An absolute link into the municipality's site, also from a task or an API request (whose
    urlconf lacks the municipality's pages): reversed in the municipality urlconf, without the
    script prefix of a running request, which ``municipality_absolute_url`` adds itself."""
    from django.conf import settings
    from django.urls import get_script_prefix

    from revier.tenancy.models import municipality_absolute_url

    url = reverse(name, args=args, urlconf=settings.MUNICIPALITY_URLCONF)
    return municipality_absolute_url(case.municipality, "/" + url[len(get_script_prefix()) :])


def case_link(case: Case) -> str:
    """The applicant's absolute link to the case in their account."""
    return _absolute(case, "casework_account:application", case.reference)


def _recipient(case: Case, **context) -> Recipient:
    return Recipient(
        link=case_link(case),
        user=case.applicant,
        email="" if case.applicant_id else case.applicant_email,
        language=(case.application.language if case.application else "") or "",
        context={"reference": case.reference, "service_name": case.service_name, **context},
    )


def _notify_applicant(case: Case, event: str, **context) -> None:
    if case.applicant_id is None and not case.applicant_email:
        return
    notify_many(
        municipality=case.municipality, event=event, recipients=[_recipient(case, **context)]
    )


def _notify_applicants(cases: list[Case], event: str, *, status_labels: dict[int, str]) -> None:
    """One notification per applicant of ``cases`` (all of one municipality), written and queued
    together: a bulk change of a thousand cases must not cost a thousand round trips."""
    if not cases:
        return
    municipality = Municipality.objects.prefetch_related("domains").get(pk=cases[0].municipality_id)
    recipients = []
    for c in cases:
        if c.applicant_id is None and not c.applicant_email:
            continue
        c.municipality = municipality  # one object, its domains fetched once, for the links
        recipients.append(_recipient(c, status_label=status_labels[c.pk]))
    notify_many(municipality=municipality, event=event, recipients=recipients)


# --- access ----------------------------------------------------------------------------------


def case_access_check(*, case: Case, user, context: AuditContext | None = None) -> None:
    """Refuse, and log, a staff member reaching for a case outside their offices."""
    if selectors.case_visible_to(case=case, user=user):
        return
    audit_log(
        municipality=case.municipality,
        actor=user,
        action=AuditLogEntry.Action.DENIED,
        obj=case,
        summary="case outside the person's offices",
        event="cases.access_refused",
        context=context,
    )
    raise PermissionDenied(_("This case belongs to another office."))


def _locked(case: Case) -> Case:
    # The case's row only, not the municipality's joined to it: other cases' work goes on.
    return (
        Case.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=case.pk)
    )


def _event(case: Case, kind: str, actor, **fields) -> CaseEvent:
    return CaseEvent.objects.create(
        municipality_id=case.municipality_id, case=case, kind=kind, actor=actor, **fields
    )


def _active_municipality():
    from django_scopes import get_scope

    return get_scope().get("municipality")


def actor_municipality(cases, context):
    if context is not None and context.municipality is not None:
        return context.municipality
    return cases[0].municipality if cases else None
