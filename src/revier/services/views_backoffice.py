"""Back-office pages of the service catalogue: the municipality's offer and its offices.

Same pattern as every back-office page (revier.backoffice.framework).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from revier.backoffice.framework import (
    backoffice_view,
    form_status,
    render_backoffice,
    submit_service,
)
from revier.core.views import post_data
from revier.services import services
from revier.services.forms import LocalServiceAddForm, LocalServiceForm, OfficeForm
from revier.services.models import Office
from revier.services.selectors import (
    local_services_all,
    offices_all,
    service_search,
    with_ways_to_apply,
)

PERM = "services.manage_catalogue"


def _render(request, template: str, context: dict, *, status: int = 200):
    return render_backoffice(request, template, context, section="services", status=status)


@backoffice_view(PERM)
def local_service_list(request):
    page = Paginator(local_services_all(), 50).get_page(request.GET.get("page"))
    page.object_list = with_ways_to_apply(list(page.object_list))
    q = request.GET.get("q", "")[:200]
    found = service_search(q)[:20] if q.strip() else []
    return _render(request, "services/backoffice/list.html", {"page": page, "q": q, "found": found})


@backoffice_view(PERM)
@require_http_methods(["GET", "POST"])
def local_service_add(request):
    form = LocalServiceAddForm(
        post_data(request), offices=offices_all(), initial={"leika": request.GET.get("leika", "")}
    )
    done = submit_service(
        request,
        form,
        lambda data: services.local_service_set(
            municipality=request.municipality,
            service=data["service"],
            actor=request.user,
            office=data["office"],
            local_fees=data["local_fees"],
            notes=data["notes"],
            online=data["online"],
            min_trust_level=data["min_trust_level"],
            active=data["active"],
            online_url=data["online_url"],
            authority=data["authority"],
            authority_url=data["authority_url"],
            without_account=data["without_account"],
        ),
        success=lambda _local: (
            _("%(name)s is now offered.") % {"name": form.cleaned_data["service"].name}
        ),
        redirect_to=reverse("services_backoffice:list"),
    )
    return done or _render(
        request,
        "services/backoffice/local_service_form.html",
        {"form": form, "local": None},
        status=form_status(form),
    )


@backoffice_view(PERM)
@require_http_methods(["GET", "POST"])
def local_service_edit(request, pk: int):
    local = get_object_or_404(local_services_all(), pk=pk)
    form = LocalServiceForm(
        post_data(request),
        offices=offices_all(),
        initial={
            "office": local.office,
            "local_fees": local.local_fees,
            "notes": local.notes,
            "online": local.online,
            "online_url": local.online_url,
            "authority": local.authority,
            "authority_url": local.authority_url,
            "without_account": local.without_account,
            "min_trust_level": local.min_trust_level,
            "active": local.active,
        },
    )
    done = submit_service(
        request,
        form,
        lambda data: services.local_service_set(
            municipality=request.municipality,
            service=local.service,
            actor=request.user,
            **data,
        ),
        success=_("The offer has been saved."),
        redirect_to=reverse("services_backoffice:list"),
    )
    return done or _render(
        request,
        "services/backoffice/local_service_form.html",
        {"form": form, "local": local},
        status=form_status(form),
    )


@backoffice_view(PERM)
@require_http_methods(["GET", "POST"])
def local_service_remove(request, pk: int):
    local = get_object_or_404(local_services_all(), pk=pk)
    if request.method == "POST":
        services.local_service_remove(local=local, actor=request.user)
        messages.success(
            request, _("%(name)s is no longer offered.") % {"name": local.service.name}
        )
        return redirect("services_backoffice:list")
    return _render(
        request,
        "services/backoffice/confirm_remove.html",
        {"object_name": local.service.name, "cancel_url": reverse("services_backoffice:list")},
    )


@backoffice_view(PERM)
def office_list(request):
    return _render(request, "services/backoffice/office_list.html", {"offices": offices_all()})


@backoffice_view(PERM)
@require_http_methods(["GET", "POST"])
def office_add(request):
    form = OfficeForm(post_data(request))
    done = submit_service(
        request,
        form,
        lambda data: services.office_create(
            municipality=request.municipality, actor=request.user, **data
        ),
        success=lambda office: _("%(name)s has been added.") % {"name": office.name},
        redirect_to=reverse("services_backoffice:office_list"),
    )
    return done or _render(
        request,
        "services/backoffice/office_form.html",
        {"form": form, "office": None},
        status=form_status(form),
    )


@backoffice_view(PERM)
@require_http_methods(["GET", "POST"])
def office_edit(request, pk: int):
    office = get_object_or_404(Office.objects.all(), pk=pk)
    # A copy for the form: a rejected form must not change the object shown elsewhere.
    form = OfficeForm(post_data(request), instance=Office.objects.get(pk=office.pk))
    done = submit_service(
        request,
        form,
        lambda data: services.office_update(office=office, actor=request.user, **data),
        success=_("The office has been saved."),
        redirect_to=reverse("services_backoffice:office_list"),
    )
    return done or _render(
        request,
        "services/backoffice/office_form.html",
        {"form": form, "office": office},
        status=form_status(form),
    )


@backoffice_view(PERM)
@require_http_methods(["GET", "POST"])
def office_remove(request, pk: int):
    office = get_object_or_404(Office.objects.all(), pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.office_delete(office=office, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(name)s has been removed.") % {"name": office.name})
            return redirect("services_backoffice:office_list")
    return _render(
        request,
        "services/backoffice/confirm_remove.html",
        {
            "object_name": office.name,
            "error": error,
            "cancel_url": reverse("services_backoffice:office_list"),
        },
        status=400 if error else 200,
    )
