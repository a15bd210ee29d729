"""Back office: applications received (list, detail with the answers, receipt) and how long the
applications of each form are kept. Every look at an applicant's answers is in the audit log."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from revier.applications import answers, selectors, services
from revier.applications.forms_backoffice import ApplicationFilterForm, RetentionPolicyForm
from revier.applications.models import Application
from revier.backoffice.framework import (
    backoffice_view,
    form_status,
    render_backoffice,
    submit_service,
)
from revier.core.audit import audit_context, audit_view
from revier.core.views import post_data
from revier.forms.models import Form
from revier.forms.selectors import form_version_tree
from revier.payments import selectors as payment_selectors

PAGE_SIZE = 50
VIEW = "applications.view_applications"
RETENTION = "applications.manage_retention"


@backoffice_view(VIEW)
def application_list(request):
    form = ApplicationFilterForm(
        request.GET or None, services=selectors.applications_received_services()
    )
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(
        selectors.applications_received(
            status=filters.get("status", ""), leika=filters.get("leika", "")
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render_backoffice(
        request,
        "applications/backoffice/list.html",
        {"form": form, "page": page},
        section="applications",
        status=400 if form.is_bound and form.errors else 200,
    )


def _received(reference: str) -> Application:
    application = selectors.application_received_get(reference=reference)
    if application is None:
        raise Http404(_("There is no such application."))
    return application


@backoffice_view(VIEW)
def application_detail(request, reference: str):
    application = _received(reference)
    tree = form_version_tree(application.form_version)
    data = application.data or {}
    sections = [
        {"index": i, "title": step["label"], "rows": answers.step_summary(step, data)}
        for i, step in enumerate(tree)
    ]
    # Recorded before the answers are shown: whoever sees them is in the log.
    audit_view(request, obj=application, event="applications.application_viewed")
    return render_backoffice(
        request,
        "applications/backoffice/detail.html",
        {
            "application": application,
            "sections": sections,
            "uploads": list(selectors.uploads_by_path(application).values()),
            "payment": payment_selectors.payment_latest(reference=reference),
        },
        section="applications",
    )


@backoffice_view(VIEW)
def application_receipt(request, reference: str):
    receipt = selectors.application_receipt_get(reference=reference)
    if receipt is None:
        raise Http404(_("There is no receipt for this application."))
    audit_view(
        request,
        object_type="applications.Application",
        object_repr=reference,
        event="applications.receipt_downloaded",
    )
    response = HttpResponse(receipt, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reference}.pdf"'
    return response


# --- retention ------------------------------------------------------------------------------


@backoffice_view(RETENTION)
def retention_list(request):
    return render_backoffice(
        request,
        "applications/backoffice/retention_list.html",
        {"rows": selectors.retention_overview()},
        section="retention",
    )


@backoffice_view(RETENTION)
@require_http_methods(["GET", "POST"])
def retention_edit(request, form_id: int):
    form_obj = get_object_or_404(Form.objects.all(), pk=form_id)
    current = next(r for r in selectors.retention_overview() if r["form"].pk == form_obj.pk)
    policy = current["policy"]
    form = RetentionPolicyForm(
        post_data(request),
        initial={
            "draft_days": policy.draft_days,
            "submitted_days": policy.submitted_days,
            "failed_days": policy.failed_days,
            "action": policy.action,
        },
    )
    done = submit_service(
        request,
        form,
        lambda data: services.retention_policy_set(
            form=form_obj,
            actor=request.user,
            context=audit_context(request),
            **data,
        ),
        success=_("The retention policy has been saved."),
        redirect_to=reverse("applications_backoffice:retention_list"),
    )
    return done or render_backoffice(
        request,
        "applications/backoffice/retention_edit.html",
        {"form_obj": form_obj, "form": form},
        section="retention",
        status=form_status(form),
    )
