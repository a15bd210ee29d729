"""Public pages of bookings: the overview, a booking's page by its secret link (confirm,
cancel, calendar file), the public iCal feed of a hub."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from revier.booking import ical, links, selectors, services
from revier.booking.calendar import tz
from revier.booking.forms import ContactForm, DayForm, PeriodForm, RoomForm
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


def _check_in_qr(booking) -> str:
    """An inline SVG QR code of the check-in link (for desks and rooms with check-in)."""
    import segno
    from django.utils.safestring import mark_safe

    if not booking.resource.check_in_grace_minutes or booking.status != Booking.Status.CONFIRMED:
        return ""
    url = links.municipality_link(booking.municipality, "booking:check_in", [booking.token])
    svg = segno.make(url, error="m").svg_inline(scale=4, title=_("QR code for check-in"))
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR" ', 1))  # noqa: S308 - segno's own markup


def _page(request, booking, *, error: str = "", status: int = 200, done: str = ""):
    return render(
        request,
        "booking/booking.html",
        {
            "booking": booking,
            "error": error,
            "done": done,
            "qr": _check_in_qr(booking) if booking is not None else "",
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


# --- Digital Hub and booking pages -------------------------------------------------------------


def _day(request) -> dt.date:
    form = DayForm(request.GET or None)
    today = timezone.localdate()
    if form.is_valid() and form.cleaned_data["tag"] >= today:
        return form.cleaned_data["tag"]
    return today


@module_required(MODULE)
def hub_page(request, slug: str):
    """A hub's desks and rooms on the floor plan (SVG) and, with the same information, as a
    list; free or booked on the chosen day."""
    hub = get_object_or_404(Hub.objects.all(), slug=slug)
    day = _day(request)
    resources, free = selectors.hub_availability(hub, day, day)
    fixed = selectors.fixed_desk_ids(hub)
    rows = [
        {
            "resource": r,
            "free": free.get(r.pk, []),
            "fixed": r.pk in fixed,
            "has_plan": None not in (r.floor_x, r.floor_y, r.floor_w, r.floor_h),
        }
        for r in resources
    ]
    return render(
        request,
        "booking/hub.html",
        {
            "hub": hub,
            "day": day,
            "day_form": DayForm(initial={"tag": day}),
            "rows": rows,
            "desks": [row for row in rows if row["resource"].kind == "desk"],
            "rooms": [row for row in rows if row["resource"].kind == "room"],
            "free_count": sum(1 for row in rows if row["free"] and not row["fixed"]),
        },
    )


def _organisations(request, resource: Resource):
    if not request.user.is_authenticated or resource.kind != Resource.Kind.DESK:
        return []
    return selectors.contingent_organisations(user=request.user, hub=resource.hub)


@module_required(MODULE)
@require_http_methods(["GET", "POST"])
def resource_page(request, pk: int):
    """Book one resource: a desk (whole or half day), a room (from, how long), an appointment
    (a free slot, then the e-mail link), an event or a course (one click)."""
    resource = get_object_or_404(selectors.bookables(), pk=pk)
    day = _day(request)
    needs_login = resource.kind != Resource.Kind.APPOINTMENT
    if needs_login and not request.user.is_authenticated and request.method == "POST":
        return redirect_to_login(request.get_full_path())
    free = selectors.availability(resource, day, day) if not resource.dated else []
    dates = list(resource.slots.filter(cancelled=False).order_by("start")) if resource.dated else []
    remaining = []
    if dates:
        last = dates[-1].start.astimezone(tz()).date()
        remaining = selectors.availability(resource, timezone.localdate(), last)
    organisations = _organisations(request, resource)
    data = request.POST if request.method == "POST" else None
    if resource.kind == Resource.Kind.ROOM:
        form = RoomForm(data, free=free)
    elif resource.dated:
        form = None
    else:
        form = PeriodForm(data, free=free, organisations=organisations)
    contact = (
        ContactForm(
            data,
            initial={
                "email": getattr(request.user, "email", ""),
                "name": request.user.get_full_name() if request.user.is_authenticated else "",
            },
        )
        if resource.kind == Resource.Kind.APPOINTMENT
        else None
    )
    status = 200
    error = ""
    if request.method == "POST":
        valid = (form is None or form.is_valid()) & (contact is None or contact.is_valid())
        if valid:
            start = end = None
            organisation = None
            if isinstance(form, RoomForm):
                start = parse_datetime(form.cleaned_data["start"])
                end = start + dt.timedelta(minutes=form.cleaned_data["duration"])
            elif form is not None:
                start, end = form.cleaned_data["period"]
                org_id = form.cleaned_data.get("organisation")
                organisation = next((o for o in organisations if o.pk == org_id), None)
            try:
                booking = services.booking_create(
                    resource=resource,
                    actor=request.user if request.user.is_authenticated else None,
                    email=contact.cleaned_data["email"] if contact else "",
                    name=(
                        contact.cleaned_data["name"] if contact else request.user.get_full_name()
                    ),
                    start=start,
                    end=end,
                    organisation=organisation,
                    context=audit_context(request),
                )
            except ValidationError as exc:
                target = form or contact
                for field, messages_ in exc.message_dict.items():
                    name = "period" if field in ("start", "end", "bookable") else field
                    if target is not None and name in target.fields:
                        target.add_error(name, messages_)
                    else:
                        error = " ".join(messages_)
                status = 400
            except services.BookingUnavailable as exc:
                error, status = exc.message, 409
            except services.BookingLimitReached as exc:
                error, status = exc.message, 429
            except LockBusy:
                error = _("Many people are booking right now. Please try again in a moment.")
                status = 503
            except PermissionDenied as exc:
                error, status = str(exc), 403
            else:
                return redirect("booking:booking", booking.token)
        else:
            status = 400
    response = render(
        request,
        "booking/resource.html",
        {
            "resource": resource,
            "day": day,
            "day_form": DayForm(initial={"tag": day}),
            "form": form,
            "contact": contact,
            "dates": dates,
            "remaining": remaining[0].remaining if remaining else 0,
            "error": error,
            "needs_login": needs_login and not request.user.is_authenticated,
            "free": free,
        },
        status=status,
    )
    if status == 429:
        response["Retry-After"] = "3600"
    return response


@module_required(MODULE)
@require_http_methods(["GET", "POST"])
def check_in(request, token: str):
    """Check in by the QR code at the desk or the link in the e-mail."""
    booking = services.booking_by_token(token)
    if booking is None:
        return render(request, "booking/link_invalid.html", status=404)
    if request.method == "GET":
        return render(request, "booking/check_in.html", {"booking": booking})
    try:
        services.booking_check_in(booking=booking, context=audit_context(request))
    except services.BookingLinkInvalid as exc:
        return render(
            request, "booking/check_in.html", {"booking": booking, "error": exc.message}, status=409
        )
    return redirect("booking:booking", booking.token)


@login_required
def my_bookings(request):
    """Meine Termine und Buchungen: the person's bookings in every municipality (newest first,
    at most 200), upcoming and past apart; organisations' contingents where they are members."""
    rows = selectors.me_bookings(user=request.user)
    now = timezone.now()
    return render(
        request,
        "booking/my_bookings.html",
        {
            "upcoming": sorted((b for b in rows if b.end > now), key=lambda b: b.start),
            "past": [b for b in rows if b.end <= now][:50],
            "contingents": selectors.me_contingents(user=request.user),
        },
    )
