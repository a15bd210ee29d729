"""iCalendar (RFC 5545) of bookings and hubs, and iTIP (RFC 5546) for e-mails: a stable
``UID`` per booking, ``SEQUENCE`` increasing with each change, times with
``TZID=Europe/Berlin`` (and its VTIMEZONE)."""

from __future__ import annotations

from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from revier.booking.calendar import tz
from revier.booking.models import Booking, Slot

PRODID = "-//Revier//Buchungen//DE"


def _calendar(*, method: str | None = None, name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def _add_timezone(cal: Calendar, first, last) -> None:
    cal.add_component(
        Timezone.from_tzinfo(
            tz(),
            tzid="Europe/Berlin",
            first_date=first.date().replace(month=1, day=1),
            last_date=last.date().replace(year=last.year + 1, month=1, day=1),
        )
    )


def booking_ics(booking: Booking, *, method: str | None = None) -> bytes:
    """One booking as iCalendar; ``method`` ``REQUEST`` or ``CANCEL`` for iTIP e-mails."""
    cancelled = booking.status in (
        Booking.Status.CANCELLED,
        Booking.Status.EXPIRED,
        Booking.Status.REJECTED,
    )
    cal = _calendar(method=method)
    _add_timezone(cal, booking.start, booking.end)
    event = Event()
    event.add("uid", booking.uid)
    event.add("dtstamp", timezone.now())
    event.add("sequence", booking.sequence)
    event.add("dtstart", booking.start.astimezone(tz()))
    event.add("dtend", booking.end.astimezone(tz()))
    event.add("summary", booking.resource.name)
    where = booking.resource.hub or booking.resource.office
    if where is not None:
        event.add("location", ", ".join(x for x in (where.name, where.street, where.city) if x))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if method == "REQUEST" or method == "CANCEL":
        organizer = booking.municipality.email or "noreply@revier.example"
        event.add("organizer", f"mailto:{organizer}", parameters={"cn": booking.municipality.name})
        if booking.email:
            event.add("attendee", f"mailto:{booking.email}", parameters={"partstat": "ACCEPTED"})
    cal.add_component(event)
    return cal.to_ical()


def slots_ics(slots: list[Slot], *, name: str) -> bytes:
    """A public feed: the dates of events and courses (no personal data)."""
    cal = _calendar(name=name)
    if slots:
        _add_timezone(cal, slots[0].start, slots[-1].end)
    for slot in slots:
        event = Event()
        event.add("uid", f"slot-{slot.pk}-{slot.municipality_id}@revier")
        event.add("dtstamp", timezone.now())
        event.add("sequence", slot.sequence)
        event.add("dtstart", slot.start.astimezone(tz()))
        event.add("dtend", slot.end.astimezone(tz()))
        event.add("summary", slot.resource.name)
        if slot.resource.description:
            event.add("description", slot.resource.description)
        if slot.resource.hub is not None:
            event.add("location", slot.resource.hub.name)
        event.add("status", "CANCELLED" if slot.cancelled else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
