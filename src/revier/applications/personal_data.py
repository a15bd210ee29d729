"""Applications' part of a person's data export and erasure (see ``revier.core.kit.
PersonalDataProvider``).

Applications belong to a municipality each (tenant-scoped) while the person's account is
platform-wide, so these functions read and write across municipalities with
``scopes_disabled()``, narrowly, and every query is filtered by the person (``applicant``)
explicitly: nothing of another person can be included.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from django.db.models import Prefetch
from django_scopes import scopes_disabled

from revier.applications.models import Application, Upload

# Upload contents are included (base64) up to this total; larger ones are listed only.
CONTENT_BUDGET = 20 * 1024 * 1024


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(*, user) -> dict:
    budget = [CONTENT_BUDGET]

    def upload(u: Upload) -> dict:
        item = {
            "field": u.path,
            "filename": u.filename,
            "content_type": u.content_type,
            "size": u.size,
            "sha256": u.sha256,
            "content_base64": None,
        }
        if u.size <= budget[0]:
            item["content_base64"] = base64.b64encode(bytes(u.content)).decode("ascii")
            budget[0] -= u.size
        return item

    with scopes_disabled():
        applications = (
            Application.objects.filter(applicant=user)
            .select_related("municipality")
            .prefetch_related(Prefetch("uploads", queryset=Upload.objects.order_by("path")))
            .order_by("created_at", "id")
        )
        return {
            "applications": [
                {
                    "municipality": a.municipality.name,
                    "reference": a.reference,
                    "service": a.service_name,
                    "leika": a.leika,
                    "status": a.status,
                    "email": a.email,
                    "language": a.language,
                    "started": _iso(a.created_at),
                    "last_saved": _iso(a.updated_at),
                    "submitted": _iso(a.submitted_at),
                    "answers": a.data or {},
                    "entered": a.raw or {},
                    "uploads": [upload(u) for u in a.uploads.all()],
                }
                for a in applications
            ]
        }


def municipalities(*, user) -> Iterable[int]:
    with scopes_disabled():
        return set(
            Application.objects.filter(applicant=user).values_list("municipality_id", flat=True)
        )


def erase(*, user) -> dict[str, int]:
    """Drafts are deleted (with their files). Sent applications are administrative records the
    municipality must keep: they stay, unlinked from the account, until their retention ends."""
    with scopes_disabled():
        drafts = Application.objects.filter(applicant=user, status=Application.Status.DRAFT)
        deleted = drafts.delete()[1].get("applications.Application", 0)
        kept = Application.objects.filter(applicant=user).update(
            applicant=None, resume_token_hash=""
        )
    return {"drafts_deleted": deleted, "applications_kept": kept}
