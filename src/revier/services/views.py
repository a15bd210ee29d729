from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from revier.core.geo import feature, feature_collection, point
from revier.core.pagecache import public_page
from revier.frontend.maps import MapView
from revier.services.models import Office, Themenfeld
from revier.services.selectors import life_situations_in_use, local_service_get, service_search
from revier.tenancy.modules import module_required

PAGE_SIZE = 20


@public_page(params=("page",))
@module_required("services")
def service_list(request):
    """Search and browse the services the municipality offers. Works as a plain GET form;
    with htmx the result list is swapped in while typing."""
    q = request.GET.get("q", "")[:200]
    themenfeld = request.GET.get("themenfeld", "")
    if themenfeld not in Themenfeld.values:
        themenfeld = ""
    lebenslage = request.GET.get("lebenslage", "")[:100]
    services = service_search(
        q,
        themenfeld=themenfeld or None,
        lebenslage=lebenslage or None,
        municipality=request.municipality,
    )
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "themenfeld": themenfeld,
        "lebenslage": lebenslage,
        "themenfelder": Themenfeld.choices,
        "life_situations": life_situations_in_use(),
        "filtered": bool(q or themenfeld or lebenslage),
    }
    template = (
        "services/_results.html" if request.headers.get("HX-Request") else "services/list.html"
    )
    return render(request, template, context)


@public_page
@module_required("services")
def service_detail(request, leika: str):
    local = local_service_get(leika=leika)
    if local is None:
        raise Http404(_("This municipality does not offer this service."))
    context = {"local": local, "service": local.service, "office_map": _office_map(local.office)}
    return render(request, "services/detail.html", context)


def _office_map(office: Office | None) -> MapView | None:
    """Where residents go: the responsible office on a map (with its list alternative)."""
    if office is None or office.latitude is None or office.longitude is None:
        return None
    address = ", ".join(
        part for part in (office.street, f"{office.postcode} {office.city}".strip()) if part
    )
    place = feature(
        point(office.latitude, office.longitude),
        {"title": office.name, "description": address},
        id=office.pk,
    )
    return MapView(
        dom_id="office-map",
        label=_("Map: where to find %(office)s") % {"office": office.name},
        geojson=feature_collection([place]),
    )
