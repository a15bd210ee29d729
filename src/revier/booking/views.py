"""Public pages of bookings: the overview, a booking's page by its secret link (confirm,
cancel, calendar file), the public iCal feed of a hub."""

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from revier.booking import ical, selectors, services
from revier.booking.models import Booking, Hub, Resource, Slot
from revier.core.audit import audit_context
from revier.core.locking import LockBusy
from revier.tenancy.modules import module_required

MODULE = "booking"


@module_required(MODULE)
def index(request):
    hubs = list(Hub.objects.all()[:20])
    resources = list(
        selectors.bookables()
        .filter(kind__in=[Resource.Kind.APPOINTMENT, Resource.Kind.CONSULTING])
        .select_related("office")[:50]
    )
    slots = list(
        Slot.objects.filter(
            resource__public=True,
            resource__active=True,
            resource__kind__in=(Resource.Kind.EVENT, Resource.Kind.COURSE),
            cancelled=False,
            start__gt=timezone.now(),
        )
        .select_related("resource", "resource__hub")
        .order_by("start")[:20]
    )
    return render(
        request, "booking/index.html", {"hubs": hubs, "services": resources, "slots": slots}
    )


def _page(request, booking, *, error: str = "", status: int = 200, done: str = ""):
    return render(
        request,
        "booking/booking.html",
        {
            "booking": booking,
            "error": error,
            "done": done,
            "can_confirm": booking is not None
            and booking.status in (Booking.Status.RESERVED, Booking.Status.OFFERED),
            "can_cancel": booking is not None
            and booking.status in (*Booking.ACTIVE, Booking.Status.WAITLISTED)
            and booking.end > timezone.now(),
        },
        status=status,
    )


@module_required(MODULE)
@require_http_methods(["GET", "POST"])
def booking_page(request, token: str):
    """The booking behind a link from the e-mail. POST ``action=confirm|cancel``. A used,
    expired or cancelled link shows the reason; nothing changes."""
    booking = services.booking_by_token(token)
    if booking is None:
        return render(request, "booking/link_invalid.html", status=404)
    if request.method == "GET":
        return _page(request, booking)
    action = request.POST.get("action", "")
    try:
        if action == "confirm":
            booking = services.booking_confirm(token=token, context=audit_context(request))
        elif action == "cancel":
            booking = services.booking_cancel(
                booking=booking, by_token=True, context=audit_context(request)
            )
        else:
            return _page(request, booking, status=400)
    except services.BookingLinkInvalid as exc:
        return _page(request, exc.booking or booking, error=exc.message, status=409)
    except LockBusy:
        return _page(
            request,
            booking,
            error=_("Many people are booking right now. Please try again in a moment."),
            status=503,
        )
    return redirect(request.path + f"?{action}=1")


@module_required(MODULE)
def booking_ics(request, token: str):
    booking = services.booking_by_token(token)
    if booking is None:
        raise Http404
    response = HttpResponse(ical.booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="termin.ics"'
    return response


@module_required(MODULE)
def hub_ics(request, slug: str):
    hub = get_object_or_404(Hub.objects.all(), slug=slug)
    slots = list(
        Slot.objects.filter(resource__hub=hub, resource__public=True, resource__active=True)
        .filter(end__gt=timezone.now() - dt.timedelta(days=30))
        .select_related("resource", "resource__hub")
        .order_by("start")[:500]
    )
    return HttpResponse(
        ical.slots_ics(slots, name=hub.name), content_type="text/calendar; charset=utf-8"
    )
