"""Back office: the municipality's deliveries with their status."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from revier.accounts.views_backoffice import SECTIONS, backoffice_view
from revier.delivery import selectors, services
from revier.delivery.models import Delivery

PAGE_SIZE = 50


def _sections(request) -> list[dict]:
    # The back office's section navigation; deliveries are not a section of their own (yet).
    return [
        {"section": s, "url": reverse(s.url_name), "current": False}
        for s in SECTIONS
        if request.user.has_perm(s.permission, request.municipality)
    ]


@backoffice_view("delivery.view_deliveries")
def delivery_list(request):
    status = request.GET.get("status", "")
    if status not in Delivery.Status.values:
        status = ""
    page = Paginator(selectors.delivery_list(status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for delivery in page.object_list:
        delivery.route_label = selectors.plugin_label(delivery.plugin)
    return render(
        request,
        "delivery/backoffice_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Delivery.Status.choices,
            "backoffice_sections": _sections(request),
            "can_retry": request.user.has_perm("delivery.retry_deliveries", request.municipality),
        },
    )


@backoffice_view("delivery.retry_deliveries")
@require_POST
def delivery_retry(request, pk: int):
    delivery = get_object_or_404(Delivery.objects.defer("package_sealed"), pk=pk)
    try:
        services.delivery_retry(delivery=delivery, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Delivery %(reference)s will be sent again.") % {"reference": delivery.reference},
        )
    return redirect("delivery:list")
