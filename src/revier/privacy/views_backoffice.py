"""Back office: how long closed cases are kept (the default and per service)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from revier.backoffice.framework import (
    backoffice_view,
    form_status,
    render_backoffice,
    submit_service,
)
from revier.core.audit import audit_context
from revier.core.views import post_data
from revier.privacy import services
from revier.privacy.forms import CaseRetentionForm, CaseRetentionServiceForm
from revier.privacy.models import CaseRetentionPolicy

MANAGE = "cases.manage_casework"
DEFAULT = "standard"


@backoffice_view(MANAGE)
def case_retention_list(request):
    municipality = request.municipality
    policies = list(CaseRetentionPolicy.objects.filter(municipality=municipality))
    default = next((p for p in policies if not p.leika), None) or (
        services.case_retention_policy_get(municipality=municipality)
    )
    return render_backoffice(
        request,
        "privacy/backoffice/case_retention_list.html",
        {"default": default, "services": [p for p in policies if p.leika]},
        section="case_retention",
    )


@backoffice_view(MANAGE)
@require_http_methods(["GET", "POST"])
def case_retention_edit(request, leika: str):
    municipality = request.municipality
    if leika == "neu":
        form = CaseRetentionServiceForm(
            post_data(request), initial={"closed_days": 3650, "action": "anonymise"}
        )
        key = None
    else:
        key = "" if leika == DEFAULT else leika
        policy = CaseRetentionPolicy.objects.filter(municipality=municipality, leika=key).first()
        if policy is None and key:
            raise Http404(_("There is no such retention policy."))
        policy = policy or services.case_retention_policy_get(municipality=municipality)
        form = CaseRetentionForm(
            post_data(request),
            initial={"closed_days": policy.closed_days, "action": policy.action},
        )

    def save(data):
        data = dict(data)
        return services.case_retention_policy_set(
            municipality=municipality,
            leika=data.pop("leika", key or ""),
            actor=request.user,
            context=audit_context(request),
            **data,
        )

    done = submit_service(
        request,
        form,
        save,
        success=_("The retention policy has been saved."),
        redirect_to=reverse("privacy_backoffice:case_retention_list"),
    )
    return done or render_backoffice(
        request,
        "privacy/backoffice/case_retention_edit.html",
        {"form": form, "leika": key},
        section="case_retention",
        status=form_status(form),
    )


@backoffice_view(MANAGE)
@require_POST
def case_retention_remove(request, leika: str):
    services.case_retention_policy_remove(
        municipality=request.municipality,
        leika=leika,
        actor=request.user,
        context=audit_context(request),
    )
    messages.success(request, _("The service now follows the default policy."))
    return redirect("privacy_backoffice:case_retention_list")
