"""Back office of bookings: the counter's day list (arrival and no-show)."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from revier.backoffice.framework import backoffice_view, paginate, render_backoffice
from revier.booking import selectors, services
from revier.booking.models import Booking
from revier.core.audit import audit_context, audit_view

SECTION = "booking_day"


@backoffice_view(services.PERM_COUNTER)
def day(request):
    """The day's bookings (default today), by time; who sees them is audited (names)."""
    date = parse_date(request.GET.get("tag", "") or "") or timezone.localdate()
    page = paginate(request, selectors.day_list(date))
    audit_view(request, event="booking.day_list_viewed", params={"date": date.isoformat()})
    return render_backoffice(
        request,
        "booking/backoffice/day.html",
        {
            "page": page,
            "date": date,
            "previous": date - dt.timedelta(days=1),
            "next": date + dt.timedelta(days=1),
        },
        section=SECTION,
    )


@backoffice_view(services.PERM_COUNTER)
@require_POST
def mark(request, pk: int, what: str):
    booking = get_object_or_404(Booking.objects.all(), pk=pk)
    try:
        services.booking_mark(
            booking=booking, what=what, actor=request.user, context=audit_context(request)
        )
    except services.BookingLinkInvalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Recorded."))
    date = timezone.localtime(booking.start).date()
    return redirect(reverse("booking_backoffice:day") + f"?tag={date.isoformat()}")
