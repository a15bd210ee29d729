from django.db import transaction
from django.utils import translation

from revier.core.mail import send_templated_mail
from revier.portal.models import AccessibilityFeedback


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
        )
    return feedback
