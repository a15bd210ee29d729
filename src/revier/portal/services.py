from django.db import transaction
from django.utils import translation

from revier.core.audit import AuditContext
from revier.core.mail import send_templated_mail
from revier.portal.models import AccessibilityFeedback
from revier.tenancy.mail import municipality_sender


@transaction.atomic
def accessibility_feedback_submit(
    *, municipality, message: str, page_url: str = "", name: str = "", email: str = ""
) -> AccessibilityFeedback:
    """Store the report and tell the municipality's accessibility contact (after commit)."""
    feedback = AccessibilityFeedback(
        municipality=municipality, message=message, page_url=page_url, name=name, email=email
    )
    feedback.full_clean()
    feedback.save()
    recipient = municipality.accessibility_email or municipality.email
    if recipient:
        send_templated_mail(
            template="portal/email/accessibility_feedback",
            context={"feedback": feedback, "municipality": municipality},
            to=[recipient],
            reply_to=[email] if email else None,
            language="de",
        )
    if email:
        send_templated_mail(
            template="portal/email/accessibility_feedback_receipt",
            context={"feedback": feedback, "municipality": municipality},
            to=[email],
            language=translation.get_language(),
            sender=municipality_sender(municipality),
        )
    return feedback


@transaction.atomic
def accessibility_feedback_set_status(
    *, feedback: AccessibilityFeedback, status: str, actor, context: AuditContext | None = None
) -> AccessibilityFeedback:
    """Mark feedback as new, answered or closed; the change is recorded in the audit log."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    from revier.core.audit import audit_log

    if status not in AccessibilityFeedback.Status.values:
        raise ValidationError({"status": gettext("Choose one of the offered states.")})
    if feedback.status == status:
        return feedback
    previous = feedback.status
    feedback.status = status
    feedback.save(update_fields=["status"])
    audit_log(
        municipality=feedback.municipality,
        actor=actor,
        action="change",
        obj=feedback,
        event="portal.feedback_status_changed",
        params={"from": str(previous), "to": str(status)},
        context=context,
    )
    return feedback
