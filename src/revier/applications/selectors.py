"""Reads of applying, in the active municipality's scope."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

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


def application_status_dict(application: Application, payment: Payment | None = None) -> dict:
    if payment is None:
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
