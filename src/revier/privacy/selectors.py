"""Reads for the person's rights: everything stored about one person, across municipalities.

The account is platform-wide while applications, cases and notifications belong to one
municipality each (tenant-scoped, django-scopes). Collecting a person's own data is the one
place that must cross tenants: ``scopes_disabled()`` is used here, narrowly, and every query
inside it is filtered by the person (``applicant``/``recipient``/``user``) explicitly, so nothing
of another person can be included.
"""

from __future__ import annotations

import base64

from django.db.models import Prefetch
from django_scopes import scopes_disabled

from revier.accounts.models import Membership, StaffRole
from revier.applications.models import Application, Upload
from revier.cases.models import Case, CaseDocument, CaseEvent, Message
from revier.notifications.models import Notification

FORMAT = "revier-personal-data/1"
# Upload contents are included (base64) up to this total; larger ones are listed only.
CONTENT_BUDGET = 20 * 1024 * 1024


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _account(user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "birth_date": _iso(user.birth_date),
        "street": user.street,
        "postcode": user.postcode,
        "city": user.city,
        "phone": user.phone,
        "trust_level": user.trust_level,
        "trust_level_at": _iso(user.trust_level_at),
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "has_password": user.has_usable_password(),
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "second_factors": sorted(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
    }


def person_data(*, user) -> dict:
    """Everything about ``user`` in the documented export structure (see docs/adr/0010)."""
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
        memberships = Membership.objects.filter(user=user).select_related("organisation")
        roles = StaffRole.objects.filter(user=user).select_related("municipality")
        applications = (
            Application.objects.filter(applicant=user)
            .select_related("municipality")
            .prefetch_related(Prefetch("uploads", queryset=Upload.objects.order_by("path")))
            .order_by("created_at", "id")
        )
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
        notifications = (
            Notification.objects.filter(recipient=user)
            .select_related("municipality")
            .order_by("created_at", "id")
        )
        return {
            "format": FORMAT,
            "account": _account(user),
            "organisations": [
                {
                    "name": m.organisation.name,
                    "kind": m.organisation.kind,
                    "register_number": m.organisation.register_number,
                    "role": m.role,
                    "member_since": _iso(m.created_at),
                }
                for m in memberships
            ],
            "staff_roles": [
                {
                    "municipality": r.municipality.name,
                    "role": r.role,
                    "granted_at": _iso(r.granted_at),
                }
                for r in roles
            ],
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
            ],
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
            ],
            "notifications": [
                {
                    "municipality": n.municipality.name,
                    "event": n.event,
                    "channel": n.channel,
                    "address": n.address,
                    "subject": n.subject,
                    "status": n.status,
                    "created": _iso(n.created_at),
                    "sent": _iso(n.sent_at),
                }
                for n in notifications
            ],
        }


def municipalities_with_data(*, user) -> list:
    """The municipalities holding applications, cases or notifications of ``user``."""
    from revier.tenancy.models import Municipality

    with scopes_disabled():
        ids = (
            set(
                Application.objects.filter(applicant=user).values_list("municipality_id", flat=True)
            )
            | set(Case.objects.filter(applicant=user).values_list("municipality_id", flat=True))
            | set(
                Notification.objects.filter(recipient=user).values_list(
                    "municipality_id", flat=True
                )
            )
        )
    return list(Municipality.objects.filter(pk__in=ids).order_by("pk"))


def deletion_blockers(*, user) -> list[str]:
    """Why ``user`` cannot delete the account now (empty: nothing stands in the way)."""
    from django.db.models import Count, Q
    from django.utils.translation import gettext as _

    reasons = []
    with scopes_disabled():
        municipalities = sorted(
            set(StaffRole.objects.filter(user=user).values_list("municipality__name", flat=True))
        )
    if municipalities:
        reasons.append(
            _("You hold staff roles in %(names)s. Ask an administrator there to remove them first.")
            % {"names": ", ".join(municipalities)}
        )
    last_admin_of = (
        Membership.objects.filter(user=user, role=Membership.Role.ADMIN)
        .annotate(
            admins=Count(
                "organisation__memberships",
                filter=Q(organisation__memberships__role=Membership.Role.ADMIN),
            ),
            members=Count("organisation__memberships"),
        )
        .filter(admins=1, members__gt=1)
        .values_list("organisation__name", flat=True)
    )
    for name in last_admin_of:
        reasons.append(
            _(
                "You are the last administrator of %(name)s. Make another member administrator "
                "first."
            )
            % {"name": name}
        )
    return reasons
