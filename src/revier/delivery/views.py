"""Back office: the municipality's deliveries with their status; its delivery routes with
"Verbindung testen"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from revier.backoffice.framework import backoffice_view, render_backoffice
from revier.core.plugins import check_saved
from revier.delivery import selectors, services
from revier.delivery.models import Delivery
from revier.delivery.registry import register

PAGE_SIZE = 50


@backoffice_view("delivery.view_deliveries")
def delivery_list(request):
    status = request.GET.get("status", "")
    if status not in Delivery.Status.values:
        status = ""
    page = Paginator(selectors.delivery_list(status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Not yet attempted: the route that will be used, as configured now (one query per page).
    planned = selectors.route_plugins(leikas={d.leika for d in page.object_list if not d.plugin})
    for delivery in page.object_list:
        plugin = delivery.plugin or planned.get(delivery.leika, services.DEFAULT_PLUGIN)
        delivery.route_label = selectors.plugin_label(plugin)
    return render_backoffice(
        request,
        "delivery/backoffice_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Delivery.Status.choices,
            "can_retry": request.user.has_perm("delivery.retry_deliveries", request.municipality),
        },
        section="deliveries",
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


# --- routes and "Verbindung testen" -------------------------------------------------------------


def _routes_page(request, *, check=None, checked_route=None, status=200):
    routes = []
    for route in selectors.delivery_route_list():
        plugin = register.get(route.plugin) if route.plugin in register else None
        routes.append(
            {
                "route": route,
                "label": selectors.plugin_label(route.plugin),
                # Public options only: secrets are sealed and never shown again.
                "options": [
                    (plugin.option(name).label if plugin else name, value)
                    for name, value in route.options.items()
                    if plugin is None or name not in plugin.secret_options
                ],
                "has_secret": bool(route.secrets_sealed),
            }
        )
    return render_backoffice(
        request,
        "delivery/backoffice_routes.html",
        {
            "routes": routes,
            "default_label": selectors.plugin_label(services.DEFAULT_PLUGIN),
            "check": check,
            "checked_route": checked_route,
        },
        section="deliveries",
        status=status,
    )


@backoffice_view("delivery.retry_deliveries")
def route_list(request):
    return _routes_page(request)


@backoffice_view("delivery.retry_deliveries")
@require_POST
def route_check(request, pk: int):
    """Verbindung testen: the route's plugin checks its saved configuration."""
    route = get_object_or_404(selectors.delivery_route_list(), pk=pk)
    if route.plugin not in register:
        raise Http404(_("This delivery route no longer exists."))
    result = check_saved(register.get(route.plugin), selectors.delivery_route_options, route=route)
    return _routes_page(request, check=result, checked_route=route)
