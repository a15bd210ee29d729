"""Reads of applying, in the active municipality's scope."""

from __future__ import annotations

import hashlib

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from revier.applications.models import Application, IdempotencyKey, Upload
from revier.payments.models import Payment

SESSION_KEY = "applications_resumed"


def application_for(*, reference: str, user, session) -> Application | None:
    """The application, if the person asking may see it: its applicant, or whoever opened its
    private link in this session. Anything else is treated as not existing (404)."""
    application = (
        Application.objects.select_related("form_version__form", "organisation")
        .filter(reference=reference)
        .first()
    )
    if application is None:
        return None
    if getattr(user, "is_authenticated", False) and application.applicant_id == user.pk:
        return application
    if reference in session.get(SESSION_KEY, []):
        return application
    return None


def start_urls(leikas: list[str]) -> dict[str, str]:
    """``{LeiKa key: start address}`` of the keys with a published form in the active
    municipality (the kit's ``OnlineApplication`` of this module); one query."""
    from django.conf import settings
    from django.urls import reverse

    from revier.forms.models import FormVersion

    keys = FormVersion.objects.filter(
        status=FormVersion.Status.PUBLISHED, form__leika__in=list(leikas)
    ).values_list("form__leika", flat=True)
    return {
        leika: reverse("applications:start", args=[leika], urlconf=settings.MUNICIPALITY_URLCONF)
        for leika in keys
    }


FOLLOW_SALT = "revier.applications.follow"


def follow_token(application: Application) -> str:
    """The private link's token for following an application made without an account: the
    municipality and reference, signed with the secret key (HMAC), so it cannot be guessed
    or made for another application or municipality."""
    from django.core import signing

    return signing.dumps(
        {"m": application.municipality_id, "r": application.reference}, salt=FOLLOW_SALT
    )


def application_by_follow_token(*, token: str, municipality) -> Application | None:
    """The application a private follow link names, in ``municipality`` only; None for a
    forged, altered or foreign token."""
    from django.core import signing

    try:
        value = signing.loads(token, salt=FOLLOW_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("m") != municipality.pk:
        return None
    return (
        Application.objects.select_related("form_version__form", "organisation")
        .filter(reference=str(value.get("r", "")), applicant__isnull=True)
        .first()
    )


def application_by_token(*, token: str) -> Application | None:
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return (
        Application.objects.filter(resume_token_hash=digest, status=Application.Status.DRAFT)
        .only("pk", "reference")
        .first()
    )


def applications_of(*, user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .only("reference", "service_name", "status", "created_at", "submitted_at", "updated_at")
        .order_by("-created_at", "-id")
    )


def uploads_by_path(application: Application) -> dict[str, Upload]:
    return {
        u.path: u
        for u in Upload.objects.filter(application=application).defer("content").order_by("path")
    }


def idempotency_get(*, user, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user=user, key=key[:200]).first()


_LOOK_UP = object()


def application_status_dict(application: Application, payment=_LOOK_UP) -> dict:
    """The status as the API reports it. ``payment``: the application's latest payment, or
    None for none, when the caller knows it; else it is looked up."""
    if payment is _LOOK_UP:
        payment = Payment.objects.filter(reference=application.reference).order_by("-id").first()
    return {
        "reference": application.reference,
        "status": application.status,
        "leika": application.leika,
        "service": application.service_name,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "payment": (
            {
                "status": payment.status,
                "method": payment.method,
                "amount": str(payment.amount),
                "transaction_reference": payment.transaction_reference,
            }
            if payment
            else None
        ),
    }


# --- back office ------------------------------------------------------------------------------


def applications_received(*, status: str = "", leika: str = "") -> QuerySet[Application]:
    """Applications that were sent (drafts are the applicant's own business), newest first;
    one query per page whatever their number (answers and receipt stay in the database)."""
    qs = Application.objects.exclude(status=Application.Status.DRAFT)
    if status:
        qs = qs.filter(status=status)
    if leika:
        qs = qs.filter(leika=leika)
    return qs.only(
        "reference",
        "leika",
        "service_name",
        "status",
        "submitted_at",
        "created_at",
        "anonymised_at",
    ).order_by("-submitted_at", "-id")


def applications_received_services() -> list[tuple[str, str]]:
    """(LeiKa key, service name) of the services that have received applications."""
    rows = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .values_list("leika", "service_name")
        .distinct()
        .order_by("service_name", "leika")
    )
    seen: dict[str, str] = {}
    for leika, name in rows:
        seen.setdefault(leika, name)
    return list(seen.items())


def application_received_get(*, reference: str) -> Application | None:
    return (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .select_related("form_version__form", "applicant", "organisation")
        .defer("receipt")
        .annotate(
            has_receipt=ExpressionWrapper(Q(receipt__isnull=False), output_field=BooleanField())
        )
        .filter(reference=reference)
        .first()
    )


def application_receipt_get(*, reference: str) -> bytes | None:
    receipt = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .filter(reference=reference)
        .values_list("receipt", flat=True)
        .first()
    )
    return bytes(receipt) if receipt else None


def retention_overview() -> list[dict]:
    """Every form of the municipality with its retention policy (or the defaults)."""
    from revier.applications.models import RetentionPolicy
    from revier.applications.services import DEFAULT_RETENTION
    from revier.forms.models import Form

    policies = {p.form_id: p for p in RetentionPolicy.objects.all()}
    return [
        {
            "form": form,
            "policy": policies.get(form.pk, DEFAULT_RETENTION),
            "own": form.pk in policies,
        }
        for form in Form.objects.order_by("title", "id")
    ]
