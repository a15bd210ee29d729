"""Internal notes, messages to the applicant and the applicant's answers."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revier.cases import selectors
from revier.cases.models import Case, CaseDocument, CaseEvent, Message, StatusKind
from revier.cases.services.common import (
    _absolute,
    _event,
    _locked,
    _notify_applicant,
    case_access_check,
)
from revier.cases.services.status import case_move
from revier.cases.workflow import workflow_for
from revier.core.audit import AuditContext, audit_log
from revier.core.models import AuditLogEntry
from revier.notifications.services import notify

MAX_REPLY_FILE_BYTES = 10 * 1024 * 1024
MAX_REPLY_FILES = 5


def case_note_add(
    *, case: Case, actor, text: str, context: AuditContext | None = None
) -> CaseEvent:
    case_access_check(case=case, user=actor, context=context)
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
    context: AuditContext | None = None,
) -> Message:
    """Write to the applicant. A request for information moves the case to its waiting status
    (the first waiting status the workflow allows from here); it waits until the answer."""
    case_access_check(case=case, user=actor, context=context)
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
            case_move(case=locked, workflow=workflow, to_status=waiting_to, actor=actor)
        audit_log(
            municipality=locked.municipality,
            actor=actor,
            action=AuditLogEntry.Action.CREATE,
            obj=locked,
            summary="message to the applicant"
            + (" (information requested)" if requests_information else ""),
            event="cases.information_requested" if requests_information else "cases.message_sent",
            context=context,
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
                # The applicant may cause this move by answering (checked above), though not
                # make moves by hand: no permission check.
                case_move(
                    case=locked,
                    workflow=workflow,
                    to_status=back_to,
                    actor=user,
                    check_permission=False,
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
