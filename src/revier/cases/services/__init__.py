"""Writes of case work. Every function takes keyword arguments, checks what it is asked to do
against the workflow and the person's access, writes the timeline and the audit log, and
notifies the applicant where the event concerns them. Views and the API call these only."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from revier.cases import selectors
from revier.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CasePayment,
    Decision,
    DecisionTemplate,
    Message,
    OfficeMember,
    StatusKind,
    Workflow,
)
from revier.cases.workflow import ERROR_STATUS, workflow_for, workflows_for
from revier.core.audit import audit_log
from revier.core.models import AuditLogEntry
from revier.notifications.services import Recipient, notify, notify_many
from revier.tenancy.models import Municipality

logger = logging.getLogger(__name__)

# FIM Baukasten: Familienname and Vorname of a natural person.
FIM_FAMILY_NAME = "F60000227"
FIM_GIVEN_NAME = "F60000228"
MAX_REPLY_FILE_BYTES = 10 * 1024 * 1024
MAX_REPLY_FILES = 5


# --- intake --------------------------------------------------------------------------------


def _find(data, key: str):
    """The first value of ``key`` anywhere in the nested answers."""
    if isinstance(data, dict):
        if key in data:
            return data[key]
        values = data.values()
    elif isinstance(data, list):
        values = data
    else:
        return None
    for value in values:
        found = _find(value, key)
        if found is not None:
            return found
    return None


def _name_from(data: dict, application) -> str:
    family = _find(data, FIM_FAMILY_NAME)
    given = _find(data, FIM_GIVEN_NAME)
    if isinstance(given, list):
        given = " ".join(str(g) for g in given)
    name = " ".join(str(p) for p in (given, family) if p)
    if name:
        return name[:300]
    applicant = application.applicant if application else None
    if applicant is not None:
        return (applicant.get_full_name() or applicant.email)[:300]
    return ""


def _due_date(leika: str, received_at: dt.datetime) -> dt.date | None:
    from revier.services.models import Service

    days = Service.objects.filter(leika=leika).values_list("processing_days", flat=True).first()
    if not days:
        return None
    return (received_at + dt.timedelta(days=days)).date()


def _responsible_office_id(leika: str) -> int | None:
    from revier.services.models import LocalService

    return (
        LocalService.objects.filter(service__leika=leika)
        .values_list("office_id", flat=True)
        .first()
    )


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


def case_intake(*, received) -> Case:
    """Turn a package delivered to the back office into a case. Idempotent per package.

    A package that cannot be opened (broken encryption, a hash that does not match, invalid
    metadata) still becomes a case, in the error status with the reason: it is never dropped.
    """
    from revier.applications.models import Application
    from revier.delivery.services import received_package_open

    existing = Case.objects.filter(received_package=received).first()
    if existing is not None:
        return existing
    application = (
        Application.objects.select_related("applicant").filter(reference=received.reference).first()
    )
    now = timezone.now()
    base = {
        "municipality_id": received.municipality_id,
        "reference": received.reference,
        "leika": received.leika,
        "service_name": received.service_name,
        "received_package": received,
        "application": application,
        "applicant": application.applicant if application else None,
        "organisation_id": application.organisation_id if application else None,
        "applicant_email": (application.email if application else "")
        or (application.applicant.email if application and application.applicant else ""),
        "received_at": received.received_at or now,
        "office_id": _responsible_office_id(received.leika),
    }
    try:
        opened = received_package_open(received=received)
        data = json.loads(opened.data)
    except Exception as exc:  # every failure becomes a visible error case
        logger.warning("case intake failed for %s: %s", received.reference, exc)
        with transaction.atomic():
            case = Case.objects.create(
                **base,
                status=ERROR_STATUS,
                status_kind=StatusKind.ERROR,
                intake_error=f"{type(exc).__name__}: {exc}"[:2000],
                search_text=received.reference.lower(),
            )
            CaseEvent.objects.create(
                municipality_id=case.municipality_id,
                case=case,
                kind=CaseEvent.Kind.ERROR,
                text=case.intake_error,
            )
        return case
    workflow = workflow_for(received.leika)
    name = _name_from(data, application)
    with transaction.atomic():
        case = Case.objects.create(
            **base,
            applicant_name=name,
            data=data,
            status=workflow.initial,
            status_kind=workflow.kind(workflow.initial),
            due_date=_due_date(received.leika, base["received_at"]),
            search_text=" ".join(
                [received.reference, name, received.service_name, base["applicant_email"]]
            ).lower(),
        )
        CaseDocument.objects.bulk_create(
            CaseDocument(
                municipality_id=case.municipality_id,
                case=case,
                kind=CaseDocument.Kind.RECEIPT
                if attachment.purpose == "report"
                else CaseDocument.Kind.ATTACHMENT,
                filename=attachment.filename or attachment.attachment_id,
                content_type=attachment.mime_type,
                size=len(attachment.content),
                sha256=hashlib.sha256(attachment.content).hexdigest(),
                content=attachment.content,
                public=attachment.purpose == "report",
            )
            for attachment in opened.attachments
        )
        CaseEvent.objects.create(
            municipality_id=case.municipality_id,
            case=case,
            kind=CaseEvent.Kind.RECEIVED,
            to_status=case.status,
            public=True,
        )
        # No e-mail here: the resident got the confirmation of submission moments ago, and
        # a second "received" mail for the same thing is noise. The timeline shows it.
    return case


def case_intake_retry(*, case: Case, actor) -> Case:
    """Open the package of an error case again (e.g. after the key was restored)."""
    if case.status != ERROR_STATUS or case.received_package_id is None:
        raise ValidationError(_("Only a case whose intake failed can be opened again."))
    received = case.received_package
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(received_package=None)
        case.delete()
    new = case_intake(received=received)
    audit_log(
        municipality=new.municipality,
        actor=actor,
        action=AuditLogEntry.Action.CHANGE,
        obj=new,
        summary="case intake retried",
    )
    return new


# --- access ----------------------------------------------------------------------------------


def case_access_check(*, case: Case, user, request=None) -> None:
    """Refuse, and log, a staff member reaching for a case outside their offices."""
    if selectors.case_visible_to(case=case, user=user):
        return
    audit_log(
        municipality=case.municipality,
        actor=user,
        action=AuditLogEntry.Action.DENIED,
        obj=case,
        summary="case outside the person's offices",
        request=request,
    )
    raise PermissionDenied(_("This case belongs to another office."))


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("municipality").get(pk=case.pk)


def _event(case: Case, kind: str, actor, **fields) -> CaseEvent:
    return CaseEvent.objects.create(
        municipality_id=case.municipality_id, case=case, kind=kind, actor=actor, **fields
    )


# --- assignment ------------------------------------------------------------------------------


def case_assign(*, case: Case, assignee, actor, request=None) -> Case:
    """Give the case to ``assignee`` (a case worker who may see it), or take it (``None``)."""
    case_access_check(case=case, user=actor, request=request)
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
            request=request,
        )
    return locked


# --- status ----------------------------------------------------------------------------------


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


def _active_municipality():
    from django_scopes import get_scope

    return get_scope().get("municipality")


def actor_municipality(cases, request):
    if request is not None and getattr(request, "municipality", None) is not None:
        return request.municipality
    return cases[0].municipality if cases else None


# --- notes and messages ----------------------------------------------------------------------


def case_note_add(*, case: Case, actor, text: str, request=None) -> CaseEvent:
    case_access_check(case=case, user=actor, request=request)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    return _event(case, CaseEvent.Kind.NOTE, actor, text=text[:10000])


def _files_check(files) -> list:
    """Check every file (count, size, type by content, virus scan) before anything is stored;
    returns the checked files. A refused file is an error at the files field."""
    from revier.applications.uploads import UploadRefused, check_upload

    files = list(files or [])
    if len(files) > MAX_REPLY_FILES:
        raise ValidationError(
            {"files": _("At most %(count)s files per message.") % {"count": MAX_REPLY_FILES}}
        )
    checked = []
    for f in files:
        if f.size > MAX_REPLY_FILE_BYTES:
            raise ValidationError(
                {
                    "files": _("“%(name)s” is larger than %(mb)s MB.")
                    % {"name": f.name, "mb": MAX_REPLY_FILE_BYTES // (1024 * 1024)}
                }
            )
        try:
            checked.append(
                check_upload(
                    field={"max_size": MAX_REPLY_FILE_BYTES}, filename=f.name, content=f.read()
                )
            )
        except UploadRefused as exc:
            raise ValidationError({"files": f"{f.name}: {exc}"}) from None
    return checked


def _store_files(case: Case, message: Message, files, *, kind: str, public: bool) -> None:
    CaseDocument.objects.bulk_create(
        CaseDocument(
            municipality_id=case.municipality_id,
            case=case,
            message=message,
            kind=kind,
            filename=f.filename,
            content_type=f.content_type,
            size=len(f.content),
            sha256=f.sha256,
            content=f.content,
            public=public,
        )
        for f in files
    )


def case_message_send(
    *,
    case: Case,
    actor,
    subject: str,
    body: str,
    requests_information: bool = False,
    answer_due: dt.date | None = None,
    files=(),
    request=None,
) -> Message:
    """Write to the applicant. A request for information moves the case to its waiting status
    (the first waiting status the workflow allows from here); it waits until the answer."""
    case_access_check(case=case, user=actor, request=request)
    errors = {}
    if not (subject or "").strip():
        errors["subject"] = _("Give the message a subject.")
    if not (body or "").strip():
        errors["body"] = _("Write the message first.")
    if answer_due is not None and answer_due < timezone.localdate():
        errors["answer_due"] = _("The date to answer by must not be in the past.")
    if errors:
        raise ValidationError(errors)
    files = _files_check(files)
    workflow = workflow_for(case.leika)
    with transaction.atomic():
        locked = _locked(case)
        if locked.status_kind in (StatusKind.CLOSED, StatusKind.ERROR):
            raise ValidationError(_("A closed case takes no more messages."))
        waiting_to = None
        if requests_information and locked.status_kind != StatusKind.WAITING:
            waiting_to = next(
                (s.key for s in workflow.allowed(locked.status) if s.kind == StatusKind.WAITING),
                None,
            )
            if waiting_to is None:
                raise ValidationError(
                    _("From its current status this case cannot wait for the applicant.")
                )
        message = Message.objects.create(
            municipality_id=locked.municipality_id,
            case=locked,
            direction=Message.Direction.TO_APPLICANT,
            sender=actor,
            subject=subject.strip()[:200],
            body=body.strip(),
            requests_information=requests_information,
            answer_due=answer_due,
        )
        _store_files(locked, message, files, kind=CaseDocument.Kind.ATTACHMENT, public=True)
        _event(locked, CaseEvent.Kind.MESSAGE, actor, text=message.subject, public=True)
        if waiting_to:
            from_status, _kind = _apply_status(locked, workflow, waiting_to, timezone.now())
            locked.save(
                update_fields=["status", "status_kind", "waiting_since", "closed_at", "updated_at"]
            )
            _event(
                locked,
                CaseEvent.Kind.STATUS,
                actor,
                from_status=from_status,
                to_status=waiting_to,
                public=True,
            )
        audit_log(
            municipality=locked.municipality,
            actor=actor,
            action=AuditLogEntry.Action.CREATE,
            obj=locked,
            summary="message to the applicant"
            + (" (information requested)" if requests_information else ""),
            request=request,
        )
        _notify_applicant(
            locked,
            "case_information_requested" if requests_information else "case_message",
        )
    return message


def case_reply(*, case: Case, user, body: str, files=(), in_reply_to: Message | None = None):
    """The applicant answers. Refused on a closed case. Answers open requests for information
    and moves a waiting case back to work (the first open status its workflow allows)."""
    if not selectors.case_owned_by(case=case, user=user):
        raise PermissionDenied(_("This is not your case."))
    if not (body or "").strip():
        raise ValidationError({"body": _("Write your answer first.")})
    files = _files_check(files)
    workflow = workflow_for(case.leika)
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        if locked.status_kind in (StatusKind.CLOSED, StatusKind.ERROR):
            raise ValidationError(
                _("This case is closed. Please contact the town hall if you have a question.")
            )
        message = Message.objects.create(
            municipality_id=locked.municipality_id,
            case=locked,
            direction=Message.Direction.FROM_APPLICANT,
            sender=user,
            subject=(
                _("Re: %(subject)s") % {"subject": in_reply_to.subject}
                if in_reply_to
                else _("Message from the applicant")
            )[:200],
            body=body.strip(),
            in_reply_to=in_reply_to,
        )
        _store_files(locked, message, files, kind=CaseDocument.Kind.REPLY, public=True)
        Message.objects.filter(
            case=locked,
            direction=Message.Direction.TO_APPLICANT,
            requests_information=True,
            answered_at__isnull=True,
        ).update(answered_at=now)
        _event(locked, CaseEvent.Kind.MESSAGE, user, text=message.subject, public=True)
        if locked.status_kind == StatusKind.WAITING:
            back_to = next(
                (s.key for s in workflow.allowed(locked.status) if s.kind == StatusKind.OPEN),
                None,
            )
            if back_to:
                from_status, _kind = _apply_status(locked, workflow, back_to, now)
                locked.save(
                    update_fields=[
                        "status",
                        "status_kind",
                        "waiting_since",
                        "closed_at",
                        "updated_at",
                    ]
                )
                _event(
                    locked,
                    CaseEvent.Kind.STATUS,
                    user,
                    from_status=from_status,
                    to_status=back_to,
                    public=True,
                )
        _notify_staff(locked)
    return message


def _notify_staff(case: Case) -> None:
    """Tell the clerk (or the office) that the applicant answered; the link needs a login."""
    recipient = case.assignee
    email = "" if recipient else (case.office.email if case.office_id else "")
    if recipient is None and not email:
        return
    notify(
        municipality=case.municipality,
        event="case_reply",
        link=_absolute(case, "cases_backoffice:detail", case.pk),
        user=recipient,
        email=email,
        context={"reference": case.reference, "service_name": case.service_name},
    )


def message_mark_read(*, message: Message, user) -> None:
    if (
        message.read_at is None
        and message.direction == Message.Direction.TO_APPLICANT
        and selectors.case_owned_by(case=message.case, user=user)
    ):
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())


# --- decisions and payments ------------------------------------------------------------------


def case_decision_create(
    *,
    case: Case,
    actor,
    result: str,
    subject: str,
    text: str,
    template: DecisionTemplate | None = None,
    request=None,
) -> Decision:
    """Write the decision (Bescheid): render it as PDF, keep it as a document the applicant can
    see, record the result on the case, and tell the applicant. When the workflow allows a
    ``decided`` status from here the case moves there."""
    from revier.cases.decision import decision_pdf

    case_access_check(case=case, user=actor, request=request)
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
    language = (case.application.language if case.application_id else "") or "de"
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
        update = ["result", "updated_at"]
        decided = next(
            (s.key for s in workflow.allowed(locked.status) if s.kind == StatusKind.DECIDED), None
        )
        from_status = locked.status
        if decided and locked.status_kind != StatusKind.DECIDED:
            _apply_status(locked, workflow, decided, timezone.now())
            update += ["status", "status_kind", "waiting_since", "closed_at"]
        locked.save(update_fields=update)
        _event(
            locked,
            CaseEvent.Kind.DECISION,
            actor,
            text=f"{decision.subject} ({Case.Result(result).label})",
            public=True,
        )
        if "status" in update:
            _event(
                locked,
                CaseEvent.Kind.STATUS,
                actor,
                from_status=from_status,
                to_status=locked.status,
                public=True,
            )
        audit_log(
            municipality=locked.municipality,
            actor=actor,
            action=AuditLogEntry.Action.CREATE,
            obj=locked,
            summary=f"decision written ({result})",
            request=request,
        )
        _notify_applicant(locked, "case_decided")
    return decision


def case_payment_record(
    *,
    case: Case,
    actor,
    amount,
    method: str,
    paid_on: dt.date,
    kassenzeichen: str = "",
    request=None,
) -> CasePayment:
    """Record a fee payment (cash desk, bank transfer) on the case."""
    from decimal import Decimal, InvalidOperation

    case_access_check(case=case, user=actor, request=request)
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
            summary=f"payment of {payment.amount} EUR recorded",
            request=request,
        )
    return payment


# --- configuration: workflows, decision templates, office members ---------------------------


def workflow_save(
    *,
    municipality,
    leika: str,
    name: str,
    statuses: list[dict],
    transitions: dict,
    initial: str,
    actor,
    request=None,
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
            summary=f"workflow for {leika or 'default'} saved",
            request=request,
        )
    return workflow


def workflow_delete(*, workflow: Workflow, actor, request=None) -> None:
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
            summary="workflow removed",
            request=request,
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
    request=None,
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
            summary="decision template saved",
            request=request,
        )
    return template


def office_members_set(*, municipality, office, users, actor, request=None) -> None:
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
                summary=f"case workers of the office: {len(wanted)}",
                request=request,
            )
