"""Reads of the booking engine: availability (a constant number of queries however many
bookings there are), lists for the API and pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from revier.booking.calendar import days, overlaps, tz
from revier.booking.models import Booking, Hub, Resource, Slot
from revier.booking.services import calendar_for

MAX_RANGE_DAYS = 62


@dataclass(frozen=True)
class Free:
    start: dt.datetime
    end: dt.datetime
    remaining: int


def bookables(*, kind: str = "", public_only: bool = True) -> QuerySet[Resource]:
    qs = Resource.objects.filter(active=True).select_related("hub")
    if public_only:
        qs = qs.filter(public=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "name", "id")


def availability(
    resource: Resource, start: dt.date, end: dt.date, *, now: dt.datetime | None = None
) -> list[Free]:
    """The free times of ``resource`` from ``start`` to ``end`` (local dates, both included):
    slots with places left, desks' whole and half days, rooms' free grid cells. Past times and
    closed days are left out. Queries: opening hours, closures, slots or bookings (one each)."""
    now = now or timezone.now()
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz())
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz())
    if resource.slotted or resource.dated:
        slots = (
            Slot.objects.filter(
                resource=resource,
                cancelled=False,
                start__gte=begin,
                start__lt=finish,
                start__gt=now,
            )
            .annotate(taken=Count("bookings", filter=Q(bookings__status__in=Booking.ACTIVE)))
            .order_by("start")
        )
        if resource.kind == Resource.Kind.COURSE:
            return _course(resource, slots, now=now)
        closed = calendar_for(resource, start, end).closed if resource.slotted else {}
        return [
            Free(s.start, s.end, s.capacity - s.taken)
            for s in slots
            if s.taken < s.capacity and s.start.astimezone(tz()).date() not in closed
        ]
    calendar = calendar_for(resource, start, end)
    taken = list(
        Booking.objects.filter(
            resource=resource, status__in=Booking.ACTIVE, start__lt=finish, end__gt=begin
        ).values_list("start", "end")
    )
    free: list[Free] = []
    for day in days(start, end):
        if resource.kind == Resource.Kind.DESK:
            cells = calendar.desk_periods(day, half_days=resource.half_days)
        else:
            cells = calendar.grid(day, resource.duration_minutes)
        for a, b in cells:
            if a > now and not any(overlaps(a, b, x, y) for x, y in taken):
                free.append(Free(a, b, 1))
    return free


def _course(resource: Resource, slots, *, now) -> list[Free]:
    sessions = list(Slot.objects.filter(resource=resource, cancelled=False).order_by("start"))
    if not sessions or sessions[0].start <= now:
        return []
    taken = Booking.objects.filter(resource=resource, status__in=Booking.ACTIVE).count()
    remaining = resource.capacity - taken
    return [Free(sessions[0].start, sessions[-1].end, remaining)] if remaining > 0 else []


def hub_availability(
    hub, start: dt.date, end: dt.date, *, now=None
) -> tuple[list[Resource], dict[int, list[Free]]]:
    """The desks and rooms of ``hub`` and the free times of each: desks' whole and half days,
    rooms' free grid cells. Queries independent of the number of resources and bookings
    (resources, opening hours, closures, bookings: one query each)."""
    from revier.booking.calendar import Calendar
    from revier.booking.models import Closure, OpeningHours

    now = now or timezone.now()
    desks = list(
        Resource.objects.filter(
            hub=hub, kind__in=list(Resource.EXCLUSIVE_KINDS), active=True
        ).order_by("kind", "name", "id")
    )
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz())
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz())
    hours: dict[int, list] = {}
    for row in OpeningHours.objects.filter(resource__in=desks):
        hours.setdefault(row.resource_id, []).append(row)
    closures = list(
        Closure.objects.filter(start_date__lte=end, end_date__gte=start).filter(
            Q(resource__in=desks)
            | Q(resource__isnull=True, hub__isnull=True)
            | Q(resource__isnull=True, hub=hub)
        )
    )
    taken: dict[int, list] = {}
    for rid, a, b in Booking.objects.filter(
        resource__in=desks, status__in=Booking.ACTIVE, start__lt=finish, end__gt=begin
    ).values_list("resource_id", "start", "end"):
        taken.setdefault(rid, []).append((a, b))
    land = (hub.municipality.ags or "")[:2]
    result: dict[int, list[Free]] = {}
    # Desks share their opening hours: the cells of the period are computed once per distinct
    # calendar (hours, own closures, kind, grid), not once per desk.
    cells_by_calendar: dict[tuple, list[tuple[dt.datetime, dt.datetime]]] = {}
    zone = tz()
    for desk in desks:
        own = [c for c in closures if c.resource_id in (None, desk.pk)]
        signature = (
            tuple(sorted((h.weekday, h.opens, h.closes) for h in hours.get(desk.pk, []))),
            tuple(sorted(c.pk for c in own)),
            desk.kind,
            desk.half_days if desk.kind == Resource.Kind.DESK else desk.duration_minutes,
        )
        cells = cells_by_calendar.get(signature)
        if cells is None:
            calendar = Calendar(
                land=land, hours=hours.get(desk.pk, []), closures=own, start=start, end=end
            )
            cells = [
                cell
                for day in days(start, end)
                for cell in (
                    calendar.desk_periods(day, half_days=desk.half_days)
                    if desk.kind == Resource.Kind.DESK
                    else calendar.grid(day, desk.duration_minutes)
                )
                if cell[0] > now
            ]
            cells_by_calendar[signature] = cells
        mine = taken.get(desk.pk)
        if not mine:
            result[desk.pk] = [Free(a, b, 1) for a, b in cells]
            continue
        # Bookings by the local days they touch: a cell is compared with its day's only.
        by_day: dict[dt.date, list] = {}
        for x, y in mine:
            first, last = x.astimezone(zone).date(), y.astimezone(zone).date()
            for day in days(first, last):
                by_day.setdefault(day, []).append((x, y))
        result[desk.pk] = [
            Free(a, b, 1)
            for a, b in cells
            if not any(a < y and x < b for x, y in by_day.get(a.astimezone(zone).date(), ()))
        ]
    return desks, result


def bookings_of(*, user) -> QuerySet[Booking]:
    """The person's bookings in the active municipality, upcoming first."""
    return Booking.objects.filter(user=user).select_related("resource").order_by("-start", "-id")


def hub_get(*, pk) -> Hub | None:
    try:
        return Hub.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def organisation_of(*, user, pk):
    """The organisation ``pk`` if ``user`` acts for it (a member), else None."""
    from revier.accounts.models import Organisation

    try:
        return Organisation.objects.filter(pk=int(pk), memberships__user=user).first()
    except (TypeError, ValueError):
        return None


ME_LIMIT = 200


def me_bookings(*, user) -> list[Booking]:
    """The person's bookings in every municipality, newest first, bounded (the "me" API and
    the account page read across municipalities; every row is filtered by the person)."""
    with scopes_disabled():
        return list(
            Booking.objects.filter(user=user)
            .select_related("resource", "municipality")
            .order_by("-start", "-id")[:ME_LIMIT]
        )


def home_block(request) -> dict | None:
    """The next public events and courses for the municipality's home page."""
    slots = list(
        Slot.objects.filter(
            resource__public=True,
            resource__active=True,
            resource__kind__in=(Resource.Kind.EVENT, Resource.Kind.COURSE),
            cancelled=False,
            start__gt=timezone.now(),
        )
        .select_related("resource")
        .order_by("start")[:3]
    )
    return {"slots": slots} if slots else None


def day_list(day: dt.date) -> QuerySet[Booking]:
    """The active municipality's bookings of ``day`` that hold or held a place, by time."""
    begin = dt.datetime.combine(day, dt.time.min, tzinfo=tz())
    return (
        Booking.objects.filter(
            start__gte=begin,
            start__lt=begin + dt.timedelta(days=1),
            status__in=(*Booking.ACTIVE, Booking.Status.NO_SHOW),
        )
        .select_related("resource")
        .order_by("start", "id")
    )


def fixed_desk_ids(hub) -> set[int]:
    from revier.booking.models import Contingent

    return set(
        Contingent.fixed_desks.through.objects.filter(contingent__hub=hub).values_list(
            "resource_id", flat=True
        )
    )


def contingent_organisations(*, user, hub) -> list:
    """The organisations ``user`` acts for that hold a contingent at ``hub``."""
    from revier.accounts.models import Organisation
    from revier.booking.models import Contingent

    ids = Contingent.objects.filter(hub=hub).values_list("organisation_id", flat=True)
    return list(Organisation.objects.filter(pk__in=list(ids), memberships__user=user))


def me_contingents(*, user) -> list[dict]:
    """The contingents of the organisations the person acts for, with today's use (the "me"
    view: across municipalities, filtered by the person's memberships)."""
    from revier.booking.models import Contingent

    today = timezone.localdate()
    begin = dt.datetime.combine(today, dt.time.min, tzinfo=tz())
    with scopes_disabled():
        contingents = list(
            Contingent.objects.filter(organisation__memberships__user=user)
            .select_related("hub", "organisation", "municipality")
            .order_by("organisation__name", "hub__name")[:20]
        )
        used = dict(
            Booking.objects.filter(
                contingent__in=contingents,
                status__in=Booking.ACTIVE,
                start__lt=begin + dt.timedelta(days=1),
                end__gt=begin,
            )
            .values_list("contingent_id")
            .annotate(n=Count("id"))
        )
    return [{"contingent": c, "used_today": used.get(c.pk, 0)} for c in contingents]
