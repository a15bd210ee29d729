"""Cases' part of a person's data export and erasure (see ``revier.core.kit.
PersonalDataProvider``).

Cases belong to a municipality each (tenant-scoped) while the person's account is platform-wide,
so these functions read and write across municipalities with ``scopes_disabled()``, narrowly,
and every query is filtered by the person (``applicant``) explicitly: nothing of another person
can be included. Internal events and documents are part of the administrative file and are left
out (docs/adr/0010-gdpr.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch
from django_scopes import scopes_disabled

from revier.cases.models import Case, CaseDocument, CaseEvent, Message


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(*, user) -> dict:
    with scopes_disabled():
        cases = (
            Case.objects.filter(applicant=user)
            .select_related("municipality")
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=CaseEvent.objects.filter(public=True).order_by("created_at", "id"),
                    to_attr="public_events",
                ),
                Prefetch("messages", queryset=Message.objects.order_by("created_at", "id")),
                Prefetch(
                    "documents",
                    queryset=CaseDocument.objects.filter(public=True)
                    .defer("content")
                    .order_by("created_at", "id"),
                    to_attr="public_documents",
                ),
            )
            .order_by("received_at", "id")
        )
        return {
            "cases": [
                {
                    "municipality": c.municipality.name,
                    "reference": c.reference,
                    "service": c.service_name,
                    "leika": c.leika,
                    "applicant_name": c.applicant_name,
                    "applicant_email": c.applicant_email,
                    "status": c.status,
                    "state": c.status_kind,
                    "result": c.result,
                    "received": _iso(c.received_at),
                    "closed": _iso(c.closed_at),
                    "timeline": [
                        {
                            "time": _iso(e.created_at),
                            "kind": e.kind,
                            "from_status": e.from_status,
                            "to_status": e.to_status,
                            "text": e.text,
                        }
                        for e in c.public_events
                    ],
                    "messages": [
                        {
                            "time": _iso(m.created_at),
                            "direction": m.direction,
                            "subject": m.subject,
                            "text": m.body,
                            "requests_information": m.requests_information,
                            "answer_due": _iso(m.answer_due),
                        }
                        for m in c.messages.all()
                    ],
                    "documents": [
                        {
                            "kind": d.kind,
                            "filename": d.filename,
                            "content_type": d.content_type,
                            "size": d.size,
                            "sha256": d.sha256,
                            "added": _iso(d.created_at),
                        }
                        for d in c.public_documents
                    ],
                }
                for c in cases
            ]
        }


def municipalities(*, user) -> Iterable[int]:
    with scopes_disabled():
        return set(Case.objects.filter(applicant=user).values_list("municipality_id", flat=True))


def erase(*, user) -> dict[str, int]:
    """Cases are administrative records: they stay, unlinked from the account, with the
    applicant's name and e-mail address as given, until the retention of cases ends."""
    with scopes_disabled():
        kept = Case.objects.filter(applicant=user).update(applicant=None)
    return {"cases_kept": kept}
