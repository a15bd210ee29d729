"""Back office: how long closed cases are kept (the default and per service)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from revier.backoffice.framework import apply_service_error, backoffice_view, render_backoffice
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
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.case_retention_policy_set(
                municipality=municipality,
                leika=data.pop("leika", key or ""),
                actor=request.user,
                context=audit_context(request),
                **data,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The retention policy has been saved."))
            return redirect("privacy_backoffice:case_retention_list")
    return render_backoffice(
        request,
        "privacy/backoffice/case_retention_edit.html",
        {"form": form, "leika": key},
        section="case_retention",
        status=400 if form.is_bound else 200,
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
