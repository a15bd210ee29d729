"""Configuration by the administrator: workflows, decision templates, office members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from revier.cases.models import Case, DecisionTemplate, OfficeMember, Workflow
from revier.cases.workflow import ERROR_STATUS, workflow_for
from revier.core.audit import AuditContext, audit_log
from revier.core.models import AuditLogEntry


def workflow_save(
    *,
    municipality,
    leika: str,
    name: str,
    statuses: list[dict],
    transitions: dict,
    initial: str,
    actor,
    context: AuditContext | None = None,
) -> Workflow:
    """Create or replace the workflow of a service (``leika``; empty for the default). Refused
    when a status still used by a case would disappear."""
    from revier.cases.workflow import workflow_validate

    workflow_validate(statuses=statuses, transitions=transitions, initial=initial)
    keys = {s["key"] for s in statuses}
    cases = Case.objects.exclude(status=ERROR_STATUS)
    if leika:
        cases = cases.filter(leika=leika)
    else:
        # The default applies to every service without its own workflow.
        cases = cases.exclude(leika__in=Workflow.objects.exclude(leika="").values("leika"))
    in_use = sorted(set(cases.exclude(status__in=keys).values_list("status", flat=True)[:50]))
    if in_use:
        raise ValidationError(
            _("Cases are still in these statuses, keep them: %(keys)s.")
            % {"keys": ", ".join(in_use)}
        )
    with transaction.atomic():
        workflow, created = Workflow.objects.update_or_create(
            municipality=municipality,
            leika=leika,
            defaults={
                "name": (name or "").strip()[:200] or leika or "default",
                "statuses": statuses,
                "transitions": {k: list(v) for k, v in transitions.items()},
                "initial": initial,
            },
        )
        # Kinds may have changed: keep the denormalised status_kind of open cases right.
        for s in statuses:
            cases.filter(status=s["key"]).exclude(status_kind=s["kind"]).update(
                status_kind=s["kind"]
            )
        audit_log(
            municipality=municipality,
            actor=actor,
            action=AuditLogEntry.Action.CREATE if created else AuditLogEntry.Action.CHANGE,
            obj=workflow,
            event="cases.workflow_saved" if leika else "cases.default_workflow_saved",
            params={"leika": leika} if leika else {},
            context=context,
        )
    return workflow


def workflow_delete(*, workflow: Workflow, actor, context: AuditContext | None = None) -> None:
    """Back to the default workflow; refused when cases use statuses the default lacks."""
    with transaction.atomic():
        leika = workflow.leika
        workflow.delete()
        fallback = workflow_for(leika)
        keys = {s.key for s in fallback.statuses}
        cases = Case.objects.exclude(status=ERROR_STATUS)
        cases = cases.filter(leika=leika) if leika else cases
        stranded = sorted(set(cases.exclude(status__in=keys).values_list("status", flat=True)[:50]))
        if stranded:
            raise ValidationError(
                _("Cases are still in these statuses: %(keys)s.") % {"keys": ", ".join(stranded)}
            )
        audit_log(
            municipality=workflow.municipality,
            actor=actor,
            action=AuditLogEntry.Action.DELETE,
            object_type="cases.Workflow",
            object_repr=leika or "default",
            event="cases.workflow_removed",
            context=context,
        )


def decision_template_save(
    *,
    municipality,
    actor,
    name: str,
    result: str,
    subject: str,
    body: str,
    leika: str = "",
    template: DecisionTemplate | None = None,
    context: AuditContext | None = None,
) -> DecisionTemplate:
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Give the template a name.")
    if result not in Case.Result.values:
        errors["result"] = _("Choose one of the offered results.")
    if not (subject or "").strip():
        errors["subject"] = _("Give the decision a subject.")
    if not (body or "").strip():
        errors["body"] = _("Write the template's text.")
    if leika and not (leika.isdigit() and len(leika) == 14):
        errors["leika"] = _("A LeiKa key has 14 digits.")
    if errors:
        raise ValidationError(errors)
    created = template is None
    if created:
        template = DecisionTemplate(municipality=municipality)
    template.name = name.strip()[:200]
    template.result = result
    template.subject = subject.strip()[:200]
    template.body = body
    template.leika = leika
    with transaction.atomic():
        template.save()
        audit_log(
            municipality=municipality,
            actor=actor,
            action=AuditLogEntry.Action.CREATE if created else AuditLogEntry.Action.CHANGE,
            obj=template,
            event="cases.decision_template_saved",
            context=context,
        )
    return template


def office_members_set(
    *, municipality, office, users, actor, context: AuditContext | None = None
) -> None:
    """The case workers of ``office`` are exactly ``users`` (staff of the municipality)."""
    from revier.accounts.models import StaffRole

    wanted = {u.pk for u in users}
    staff = set(
        StaffRole.objects.filter(
            municipality=municipality,
            user_id__in=wanted,
            role__in=[StaffRole.Role.ADMINISTRATOR, StaffRole.Role.CASE_WORKER],
        ).values_list("user_id", flat=True)
    )
    if wanted - staff:
        raise ValidationError(
            {"users": _("Only case workers of this municipality can be members.")}
        )
    with transaction.atomic():
        current = set(OfficeMember.objects.filter(office=office).values_list("user_id", flat=True))
        OfficeMember.objects.filter(office=office, user_id__in=current - wanted).delete()
        OfficeMember.objects.bulk_create(
            OfficeMember(municipality=municipality, office=office, user_id=pk)
            for pk in sorted(wanted - current)
        )
        if current != wanted:
            audit_log(
                municipality=municipality,
                actor=actor,
                action=AuditLogEntry.Action.CHANGE,
                obj=office,
                event="cases.office_case_workers_set",
                params={"count": len(wanted)},
                context=context,
            )
