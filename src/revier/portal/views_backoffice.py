"""Back-office pages of the accessibility feedback sent through the accessibility statement."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from revier.backoffice.framework import (
    backoffice_view,
    form_status,
    paginate,
    post_data,
    render_backoffice,
    submit_service,
)
from revier.core.audit import audit_context, audit_view
from revier.portal.forms import FeedbackStatusForm
from revier.portal.models import AccessibilityFeedback
from revier.portal.services import accessibility_feedback_set_status

# --- accessibility feedback -----------------------------------------------------------------


@backoffice_view("portal.view_feedback")
def feedback_list(request):
    status = request.GET.get("status", "")
    qs = AccessibilityFeedback.objects.order_by("-created_at", "-id")
    if status in AccessibilityFeedback.Status.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    return render_backoffice(
        request,
        "backoffice/feedback_list.html",
        {
            "page": paginate(request, qs),
            "status": status,
            "statuses": AccessibilityFeedback.Status.choices,
        },
        section="feedback",
    )


@backoffice_view("portal.view_feedback")
@require_http_methods(["GET", "POST"])
def feedback_detail(request, pk: int):
    # The scoped manager confines the lookup to this municipality: other ids are 404.
    feedback = get_object_or_404(AccessibilityFeedback.objects.all(), pk=pk)
    form = FeedbackStatusForm(post_data(request), initial={"status": feedback.status})
    done = submit_service(
        request,
        form,
        lambda data: accessibility_feedback_set_status(
            feedback=feedback,
            status=data["status"],
            actor=request.user,
            context=audit_context(request),
        ),
        success=_("The status has been saved."),
        redirect_to=reverse("portal_backoffice:feedback_detail", args=[feedback.pk]),
    )
    if done:
        return done
    if not form.is_bound and (feedback.name or feedback.email):
        audit_view(request, obj=feedback, event="portal.feedback_viewed")
    return render_backoffice(
        request,
        "backoffice/feedback_detail.html",
        {"feedback": feedback, "form": form},
        section="feedback",
        status=form_status(form),
    )
