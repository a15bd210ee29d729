from django.db.models import QuerySet

from revier.portal.models import AccessibilityFeedback


def accessibility_feedback_list() -> QuerySet[AccessibilityFeedback]:
    """Feedback of the active municipality (the scope confines it)."""
    return AccessibilityFeedback.objects.all().order_by("-created_at")
