"""Intake: a package delivered to the back office becomes a case."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revier.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    StatusKind,
)
from revier.cases.workflow import ERROR_STATUS, workflow_for
from revier.core.audit import audit_log
from revier.core.models import AuditLogEntry

logger = logging.getLogger(__name__)


# FIM Baukasten: Familienname and Vorname of a natural person.
FIM_FAMILY_NAME = "F60000227"
FIM_GIVEN_NAME = "F60000228"


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
        event="cases.intake_retried",
    )
    return new
