"""Writes of the booking engine. Views, the API, tasks and the demo all call these.

The locking rules (ADR 0042), in short:

* A write that takes a counted place (a seat, a counter of an appointment slot, a desk of a
  company's contingent, an open appointment of an e-mail address) locks every key it needs with
  ``revier.core.locking.lock`` first, in one short transaction, then counts and inserts.
* An exclusive resource (desk, room) needs no lock: the PostgreSQL exclusion constraint refuses
  an overlapping active booking; the check before the insert only names the conflict.
* Freeing a place (cancel, expiry, rejection) takes the same key, so the waiting list's next
  person is offered the place in the same transaction.
* Waiting longer than the lock timeout raises ``LockBusy``: "please try again".
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from revier.booking import links
from revier.booking.calendar import Calendar, max_concurrent, tz
from revier.booking.models import (
    Booking,
    Closure,
    Contingent,
    Hub,
    OpeningHours,
    Resource,
    Series,
    Slot,
)
from revier.core.audit import AuditContext, audit_log
from revier.core.locking import LockBusy, is_lock_timeout, lock

PERM_MANAGE = "booking.manage_hub"
PERM_COUNTER = "booking.counter"

__all__ = ["BookingLimitReached", "BookingLinkInvalid", "BookingUnavailable", "LockBusy"]


class BookingUnavailable(Exception):
    """The place is gone: full, taken, or the contingent used up (409)."""

    def __init__(self, message: str, *, code: str = "unavailable"):
        super().__init__(message)
        self.message, self.code = message, code


class BookingLimitReached(Exception):
    """A person has as many open bookings as allowed (429)."""

    def __init__(self, message: str, *, retry_after: int = 3600):
        super().__init__(message)
        self.message, self.retry_after = message, retry_after


class BookingLinkInvalid(Exception):
    """A confirmation, offer or cancellation link that cannot be used (any more)."""

    def __init__(self, message: str, *, booking: Booking | None = None):
        super().__init__(message)
        self.message, self.booking = message, booking


def _require(actor, perm: str, municipality) -> None:
    if actor is not None and not actor.has_perm(perm, municipality):
        raise PermissionDenied(_("You may not manage bookings of this municipality."))


def _land(municipality) -> str:
    return (municipality.ags or "")[:2]


def _audit(booking: Booking, *, actor, action: str, event: str, params=None, context=None) -> None:
    audit_log(
        municipality=booking.municipality,
        actor=actor,
        action=action,
        obj=booking,
        event=event,
        params=params,
        context=context,
    )


# --- hubs, resources, events, slots ----------------------------------------------------------


@transaction.atomic
def hub_create(*, municipality, name: str, slug: str, actor=None, **fields) -> Hub:
    _require(actor, PERM_MANAGE, municipality)
    if not name.strip():
        raise ValidationError({"name": _("Enter the name of the hub")})
    return Hub.objects.create(municipality=municipality, name=name.strip(), slug=slug, **fields)


def _validate_resource(*, kind: str, name: str, capacity: int, duration_minutes: int) -> None:
    errors = {}
    if kind not in Resource.Kind.values:
        errors["kind"] = _("Choose one of: %(kinds)s") % {"kinds": ", ".join(Resource.Kind.values)}
    if not name.strip():
        errors["name"] = _("Enter a name")
    if capacity < 1:
        errors["capacity"] = _("The capacity must be at least 1")
    if duration_minutes < 5 or duration_minutes > 24 * 60:
        errors["duration_minutes"] = _("The duration must be between 5 minutes and 24 hours")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def resource_create(
    *,
    municipality,
    kind: str,
    name: str,
    actor=None,
    capacity: int = 1,
    duration_minutes: int = 30,
    opening_hours: dict[int, list[tuple[dt.time, dt.time]]] | None = None,
    context: AuditContext | None = None,
    **fields,
) -> Resource:
    """A bookable resource; ``opening_hours`` maps weekday (0 Monday) to intervals."""
    _require(actor, PERM_MANAGE, municipality)
    if kind in Resource.EXCLUSIVE_KINDS:
        capacity = 1
    _validate_resource(kind=kind, name=name, capacity=capacity, duration_minutes=duration_minutes)
    resource = Resource.objects.create(
        municipality=municipality,
        kind=kind,
        name=name.strip(),
        capacity=capacity,
        duration_minutes=duration_minutes,
        **fields,
    )
    if opening_hours:
        opening_hours_set(resource=resource, hours=opening_hours)
    audit_log(
        municipality=municipality,
        actor=actor,
        action="create",
        obj=resource,
        event="booking.resource_created",
        params={"kind": str(kind)},
        context=context,
    )
    return resource


def opening_hours_set(*, resource: Resource, hours: dict[int, list[tuple[dt.time, dt.time]]]):
    errors = []
    for weekday, intervals in hours.items():
        for opens, closes in intervals:
            if not 0 <= weekday <= 6 or opens >= closes:
                errors.append(_("Each opening time must end after it starts"))
    if errors:
        raise ValidationError({"opening_hours": errors[:1]})
    with transaction.atomic():
        OpeningHours.objects.filter(resource=resource).delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(
                municipality_id=resource.municipality_id,
                resource=resource,
                weekday=weekday,
                opens=opens,
                closes=closes,
            )
            for weekday, intervals in sorted(hours.items())
            for opens, closes in intervals
        )


@transaction.atomic
def closure_create(
    *,
    municipality,
    start_date: dt.date,
    end_date: dt.date,
    reason: str,
    hub=None,
    resource=None,
    actor=None,
) -> Closure:
    _require(actor, PERM_MANAGE, municipality)
    if end_date < start_date:
        raise ValidationError({"end_date": _("The last day must not be before the first day")})
    if not reason.strip():
        raise ValidationError({"reason": _("Enter the reason for the closure")})
    return Closure.objects.create(
        municipality=municipality,
        hub=hub,
        resource=resource,
        start_date=start_date,
        end_date=end_date,
        reason=reason.strip(),
    )


def calendar_for(resource: Resource, start: dt.date, end: dt.date) -> Calendar:
    """Opening hours, closures and public holidays of ``resource`` between two dates (two
    queries)."""
    closures = Closure.objects.filter(start_date__lte=end, end_date__gte=start).filter(
        Q(resource=resource)
        | Q(resource__isnull=True, hub__isnull=True)
        | (Q(resource__isnull=True, hub_id=resource.hub_id) if resource.hub_id else Q(pk__in=[]))
    )
    return Calendar(
        land=_land(resource.municipality),
        hours=OpeningHours.objects.filter(resource=resource),
        closures=closures,
        start=start,
        end=end,
    )


def slots_materialise(*, resource: Resource, start_date: dt.date, end_date: dt.date) -> int:
    """Write the appointment or consulting slots of ``resource`` from its opening hours (grid of
    ``duration_minutes``), without closed days; existing slots stay. Returns how many were new."""
    if not resource.slotted:
        return 0
    calendar = calendar_for(resource, start_date, end_date)
    rows = []
    day = start_date
    while day <= end_date:
        for start, end in calendar.grid(day, resource.duration_minutes):
            rows.append(
                Slot(
                    municipality_id=resource.municipality_id,
                    resource=resource,
                    start=start,
                    end=end,
                    capacity=resource.capacity,
                )
            )
        day += dt.timedelta(days=1)
    before = Slot.objects.filter(resource=resource).count()
    Slot.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return Slot.objects.filter(resource=resource).count() - before


def _validate_dates(*, start, end, now, field_start="start", field_end="end") -> None:
    errors = {}
    if start is None:
        errors[field_start] = _("Enter the start as date and time (ISO 8601)")
    if end is None:
        errors[field_end] = _("Enter the end as date and time (ISO 8601)")
    if errors:
        raise ValidationError(errors)
    if end <= start:
        raise ValidationError({field_end: _("The end must be after the start")})
    if start <= now:
        raise ValidationError({field_start: _("The start must be in the future")})


@transaction.atomic
def event_create(
    *,
    municipality,
    name: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
    capacity: int,
    waiting_list: bool = False,
    kind: str = Resource.Kind.EVENT,
    hub: Hub | None = None,
    sessions: list[tuple[dt.datetime, dt.datetime]] | None = None,
    actor=None,
    context: AuditContext | None = None,
    now: dt.datetime | None = None,
    **fields,
) -> Resource:
    """An event (one date) or a course (``kind="course"``, several ``sessions``) with a
    capacity; its dates are slots."""
    now = now or timezone.now()
    if kind not in (Resource.Kind.EVENT, Resource.Kind.COURSE):
        raise ValidationError({"kind": _("Only events and courses can be created here")})
    sessions = sessions or [(start, end)]
    for a, b in sessions:
        _validate_dates(start=a, end=b, now=now)
    resource = resource_create(
        municipality=municipality,
        kind=kind,
        name=name,
        capacity=capacity,
        waiting_list=waiting_list,
        hub=hub,
        actor=actor,
        context=context,
        **fields,
    )
    Slot.objects.bulk_create(
        Slot(municipality=municipality, resource=resource, start=a, end=b, capacity=capacity)
        for a, b in sorted(sessions)
    )
    return resource


@transaction.atomic
def contingent_set(
    *,
    municipality,
    hub: Hub,
    organisation,
    desks: int,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    fixed_desks=(),
    actor=None,
    context: AuditContext | None = None,
) -> Contingent:
    """An organisation's contingent of ``desks`` at ``hub`` (created or changed)."""
    _require(actor, PERM_MANAGE, municipality)
    if desks < 1:
        raise ValidationError({"desks": _("A contingent needs at least one desk")})
    fixed = list(fixed_desks)
    if len(fixed) > desks:
        raise ValidationError({"fixed_desks": _("Choose at most as many fixed desks as desks")})
    if any(d.kind != Resource.Kind.DESK or d.hub_id != hub.pk for d in fixed):
        raise ValidationError({"fixed_desks": _("Fixed desks must be desks of this hub")})
    contingent, _created = Contingent.objects.update_or_create(
        municipality=municipality,
        hub=hub,
        organisation=organisation,
        defaults={"desks": desks, "valid_from": valid_from, "valid_until": valid_until},
    )
    contingent.fixed_desks.set(fixed)
    audit_log(
        municipality=municipality,
        actor=actor,
        action="change",
        obj=contingent,
        event="booking.contingent_set",
        params={"desks": desks},
        context=context,
    )
    return contingent


# --- booking ---------------------------------------------------------------------------------


def _resolve(
    resource: Resource, start, end, *, now
) -> tuple[Slot | None, dt.datetime, dt.datetime]:
    """The slot and the times a booking request means, or ``ValidationError`` with the reason:
    in the past, beyond the booking window, closed, outside opening hours, not a bookable time."""
    if resource.dated:
        slots = list(Slot.objects.filter(resource=resource, cancelled=False).order_by("start"))
        if not slots:
            raise ValidationError({"bookable": _("This event has no dates.")})
        if resource.kind == Resource.Kind.COURSE:
            if slots[0].start <= now:
                raise ValidationError({"bookable": _("This course has already begun.")})
            return None, slots[0].start, slots[-1].end
        if start is None:
            upcoming = [s for s in slots if s.start > now]
            if len(upcoming) != 1:
                raise ValidationError({"start": _("Choose the date of the event (start)")})
            slot = upcoming[0]
        else:
            slot = next((s for s in slots if s.start == start), None)
            if slot is None:
                raise ValidationError({"start": _("The event has no date at this time")})
        if slot.start <= now:
            raise ValidationError({"start": _("This date has passed.")})
        return slot, slot.start, slot.end

    if start is None:
        raise ValidationError({"start": _("Enter the start as date and time (ISO 8601)")})
    if resource.slotted and end is None:
        end = start + dt.timedelta(minutes=resource.duration_minutes)
    if end is None:
        raise ValidationError({"end": _("Enter the end as date and time (ISO 8601)")})
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start")})
    if start <= now:
        raise ValidationError({"start": _("This time has passed. Choose a time in the future.")})
    day = start.astimezone(tz()).date()
    last = (now + dt.timedelta(days=resource.booking_window_days)).astimezone(tz()).date()
    if day > last:
        raise ValidationError(
            {
                "start": _("Bookings are possible up to %(days)s days ahead, until %(date)s.")
                % {"days": resource.booking_window_days, "date": last.strftime("%d.%m.%Y")}
            }
        )
    calendar = calendar_for(resource, day, day)
    reason = calendar.closed_reason(day)
    if reason:
        raise ValidationError({"start": _("Closed on this day: %(reason)s") % {"reason": reason}})

    if resource.slotted:
        slot = Slot.objects.filter(resource=resource, start=start, cancelled=False).first()
        if slot is None or slot.end != end:
            raise ValidationError({"start": _("There is no appointment at this time.")})
        return slot, start, end
    if not calendar.within_hours(start, end):
        raise ValidationError({"start": _("This time is outside the opening hours.")})
    if resource.kind == Resource.Kind.DESK:
        if (start, end) not in calendar.desk_periods(day, half_days=resource.half_days):
            raise ValidationError(
                {
                    "start": _(
                        "Desks are booked for a whole day or a half day (until or from 13:00)."
                    )
                }
            )
    else:
        step = dt.timedelta(minutes=resource.duration_minutes)
        opens = next(a for a, b in calendar.intervals(day) if a <= start and end <= b)
        if (start - opens) % step or (end - start) % step:
            raise ValidationError(
                {
                    "start": _("Rooms are booked in steps of %(minutes)s minutes.")
                    % {"minutes": resource.duration_minutes}
                }
            )
    return None, start, end


def _contingent(resource: Resource, *, organisation, actor, day: dt.date) -> Contingent | None:
    """The contingent a desk booking counts against, checking membership and fixed desks."""
    if resource.kind != Resource.Kind.DESK:
        if organisation is not None:
            raise ValidationError({"organisation": _("Only desks are booked for an organisation.")})
        return None
    fixed_for = list(resource.fixed_for.all())
    if organisation is None:
        if fixed_for:
            raise BookingUnavailable(
                _("This desk is reserved for a company. Choose another desk."), code="fixed-desk"
            )
        return None
    if actor is not None and not organisation.memberships.filter(user=actor).exists():
        raise PermissionDenied(_("You do not act for this organisation."))
    contingent = (
        Contingent.objects.filter(hub_id=resource.hub_id, organisation=organisation)
        .filter(valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .first()
    )
    if contingent is None:
        raise ValidationError(
            {"organisation": _("This organisation has no contingent at this hub on this day.")}
        )
    if fixed_for and all(c.pk != contingent.pk for c in fixed_for):
        raise BookingUnavailable(
            _("This desk is reserved for another company. Choose another desk."),
            code="fixed-desk",
        )
    return contingent


def _person_key(email: str) -> int:
    return zlib.crc32(email.lower().encode())


def _place_key(resource: Resource, slot: Slot | None) -> tuple[str, int]:
    return ("booking.slot", slot.pk) if slot is not None else ("booking.resource", resource.pk)


def _taken(resource: Resource, slot: Slot | None) -> int:
    qs = Booking.objects.filter(status__in=Booking.ACTIVE)
    return (
        qs.filter(slot=slot).count() if slot is not None else qs.filter(resource=resource).count()
    )


def _capacity(resource: Resource, slot: Slot | None) -> int:
    return slot.capacity if slot is not None else resource.capacity


def booking_create(
    *,
    resource: Resource,
    actor=None,
    email: str = "",
    name: str = "",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    organisation=None,
    answers: dict | None = None,
    series=None,
    context: AuditContext | None = None,
    now: dt.datetime | None = None,
    notify_person: bool = True,
) -> Booking:
    """Book ``resource`` for ``actor`` (or a bare ``email``). Returns the booking: confirmed,
    reserved (until the e-mail link confirms it), requested (approval) or waitlisted. The same
    person asking again for the same place gets the booking they have (a double click).

    Raises ``ValidationError`` (the time is wrong, with the reason), ``BookingUnavailable``
    (409), ``BookingLimitReached`` (429), ``LockBusy`` (try again), ``PermissionDenied``."""
    now = now or timezone.now()
    if not resource.active:
        raise ValidationError({"bookable": _("This cannot be booked.")})
    email = (email or getattr(actor, "email", "") or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter your e-mail address")})
    slot, start, end = _resolve(resource, start, end, now=now)
    contingent = _contingent(
        resource, organisation=organisation, actor=actor, day=start.astimezone(tz()).date()
    )
    keys = []
    if not resource.exclusive:
        keys.append(_place_key(resource, slot))
    if contingent is not None:
        keys.append(("booking.contingent", contingent.pk))
    if resource.max_open_per_person:
        keys.append(("booking.person", _person_key(email)))
    try:
        with transaction.atomic():
            lock(keys)
            return _book_locked(
                resource=resource,
                slot=slot,
                start=start,
                end=end,
                actor=actor,
                email=email,
                name=name,
                organisation=organisation,
                contingent=contingent,
                answers=answers or {},
                series=series,
                context=context,
                now=now,
                notify_person=notify_person,
            )
    except OperationalError as exc:
        if is_lock_timeout(exc):
            raise LockBusy from exc
        raise


def _book_locked(
    *,
    resource,
    slot,
    start,
    end,
    actor,
    email,
    name,
    organisation,
    contingent,
    answers,
    series,
    context,
    now,
    notify_person,
) -> Booking:
    mine = Booking.objects.filter(
        resource=resource,
        email=email,
        start=start,
        end=end,
        status__in=(*Booking.ACTIVE, Booking.Status.WAITLISTED),
    ).first()
    if mine is not None:
        return mine
    if resource.max_open_per_person:
        open_count = Booking.objects.filter(
            email=email,
            resource__kind=resource.kind,
            status__in=Booking.ACTIVE,
            end__gt=now,
        ).count()
        if open_count >= resource.max_open_per_person:
            raise BookingLimitReached(
                _(
                    "You already have %(count)s open bookings of this kind, as many as allowed. "
                    "Cancel one or wait until it has passed."
                )
                % {"count": open_count}
            )
    if contingent is not None:
        others = list(
            Booking.objects.filter(
                contingent=contingent, status__in=Booking.ACTIVE, start__lt=end, end__gt=start
            ).values_list("start", "end")
        )
        if max_concurrent([*others, (start, end)], start, end) > contingent.desks:
            raise BookingUnavailable(
                _("All %(desks)s desks of your company's contingent are booked at this time.")
                % {"desks": contingent.desks},
                code="contingent-exhausted",
            )

    status = Booking.Status.CONFIRMED
    if resource.exclusive:
        if Booking.objects.filter(
            resource=resource, status__in=Booking.ACTIVE, start__lt=end, end__gt=start
        ).exists():
            raise BookingUnavailable(
                _("This time is already booked. Choose another time or another %(kind)s.")
                % {"kind": resource.get_kind_display()},
                code="taken",
            )
    elif _taken(resource, slot) >= _capacity(resource, slot):
        if not resource.waiting_list:
            raise BookingUnavailable(_("All places are booked. Choose another date."), code="full")
        status = Booking.Status.WAITLISTED
    if status == Booking.Status.CONFIRMED:
        if resource.confirm_by_email:
            status = Booking.Status.RESERVED
        elif resource.requires_approval:
            status = Booking.Status.REQUESTED
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                municipality_id=resource.municipality_id,
                resource=resource,
                slot=slot,
                series=series,
                user=actor,
                organisation=organisation,
                contingent=contingent,
                name=name.strip()[:200],
                email=email,
                start=start,
                end=end,
                exclusive=resource.exclusive,
                status=status,
                hold_expires_at=(
                    now + dt.timedelta(minutes=resource.hold_minutes)
                    if status == Booking.Status.RESERVED
                    else None
                ),
                answers=answers,
            )
    except IntegrityError as exc:
        if "booking_exclusive_no_overlap" in str(exc):
            raise BookingUnavailable(
                _("This time has just been booked by someone else. Choose another time."),
                code="taken",
            ) from exc
        raise
    _audit(
        booking,
        actor=actor,
        action="create",
        event="booking.created",
        params={"status": str(status)},
        context=context,
    )
    if notify_person:
        event = {
            Booking.Status.RESERVED: "booking_confirm",
            Booking.Status.CONFIRMED: "booking_confirmed",
            Booking.Status.REQUESTED: "booking_requested",
            Booking.Status.WAITLISTED: "booking_waitlisted",
        }[status]
        _notify(booking, event)
    return booking


def _notify(booking: Booking, event: str) -> None:
    from revier.notifications.services import notify

    local_start = booking.start.astimezone(tz())
    notify(
        municipality=booking.municipality,
        event=event,
        link=links.booking_link(booking),
        user=booking.user,
        email="" if booking.user_id else booking.email,
        context={
            "reference": f"{booking.resource.name}, {local_start:%d.%m.%Y %H:%M}",
            "service_name": booking.resource.name,
            "status_label": str(booking.get_status_display()),
        },
    )


def booking_by_token(token: str) -> Booking | None:
    return Booking.objects.select_related("resource", "slot").filter(token=token).first()


def _usable_link(booking: Booking | None, *, now) -> Booking:
    if booking is None:
        raise BookingLinkInvalid(_("This link is not valid. Check that you copied it whole."))
    if booking.status == Booking.Status.CANCELLED:
        raise BookingLinkInvalid(_("This booking was cancelled."), booking=booking)
    if booking.status in (Booking.Status.EXPIRED, Booking.Status.REJECTED):
        raise BookingLinkInvalid(
            _("This booking was not confirmed in time and has expired. Please book again."),
            booking=booking,
        )
    if booking.end <= now:
        raise BookingLinkInvalid(_("This booking has passed."), booking=booking)
    return booking


def booking_confirm(*, token: str, context: AuditContext | None = None, now=None) -> Booking:
    """Confirm a reservation or a waiting-list offer by its e-mail link, within the hold time.
    A link used again after confirmation shows the booking; an expired or cancelled one raises
    ``BookingLinkInvalid`` and changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _usable_link(
            Booking.objects.select_for_update().filter(token=token).first(), now=now
        )
        if booking.status in (Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN):
            return booking
        if booking.status not in (Booking.Status.RESERVED, Booking.Status.OFFERED):
            raise BookingLinkInvalid(_("This booking needs no confirmation."), booking=booking)
        if booking.hold_expires_at is not None and booking.hold_expires_at <= now:
            raise BookingLinkInvalid(
                _("The time to confirm has passed; the place was released. Please book again."),
                booking=booking,
            )
        booking.status = (
            Booking.Status.REQUESTED
            if booking.resource.requires_approval
            else Booking.Status.CONFIRMED
        )
        booking.hold_expires_at = None
        booking.save(update_fields=["status", "hold_expires_at", "updated_at"])
        _audit(
            booking,
            actor=booking.user,
            action="change",
            event="booking.confirmed",
            context=context,
        )
        _notify(booking, "booking_confirmed")
        return booking


def booking_cancel(
    *,
    booking: Booking,
    actor=None,
    by_token: bool = False,
    context: AuditContext | None = None,
    now=None,
) -> Booking:
    """Cancel: the place is free at once, and offered to the waiting list's next person.
    ``actor`` must be the person who booked or counter staff (unless ``by_token``: the link)."""
    now = now or timezone.now()
    if not by_token and actor is not None and booking.user_id != actor.pk:
        _require(actor, PERM_COUNTER, booking.municipality)
    if booking.status == Booking.Status.CANCELLED:
        raise BookingLinkInvalid(_("This booking was cancelled already."), booking=booking)
    if booking.status not in (*Booking.ACTIVE, Booking.Status.WAITLISTED):
        raise BookingLinkInvalid(_("This booking cannot be cancelled any more."), booking=booking)
    if booking.end <= now:
        raise BookingLinkInvalid(_("This booking has passed."), booking=booking)
    resource = booking.resource
    try:
        with transaction.atomic():
            lock([] if resource.exclusive else [_place_key(resource, booking.slot)])
            won = Booking.objects.filter(
                pk=booking.pk, status__in=(*Booking.ACTIVE, Booking.Status.WAITLISTED)
            ).update(
                status=Booking.Status.CANCELLED,
                cancelled_at=now,
                sequence=booking.sequence + 1,
                hold_expires_at=None,
                updated_at=now,
            )
            booking.refresh_from_db()
            if not won:
                raise BookingLinkInvalid(_("This booking was cancelled already."), booking=booking)
            _audit(
                booking, actor=actor, action="change", event="booking.cancelled", context=context
            )
            _notify(booking, "booking_cancelled")
            _offer_next(resource, booking.slot, now=now)
    except OperationalError as exc:
        if is_lock_timeout(exc):
            raise LockBusy from exc
        raise
    return booking


def _offer_next(resource: Resource, slot: Slot | None, *, now) -> int:
    """Inside the place's lock: offer freed places to the waiting list, first come first."""
    if not resource.waiting_list or resource.exclusive:
        return 0
    free = _capacity(resource, slot) - _taken(resource, slot)
    if free <= 0:
        return 0
    waiting = Booking.objects.filter(resource=resource, status=Booking.Status.WAITLISTED)
    waiting = waiting.filter(slot=slot) if slot is not None else waiting
    offered = 0
    for booking in waiting.order_by("created_at", "id")[:free]:
        booking.status = Booking.Status.OFFERED
        booking.hold_expires_at = now + dt.timedelta(minutes=resource.hold_minutes)
        booking.save(update_fields=["status", "hold_expires_at", "updated_at"])
        _audit(booking, actor=None, action="change", event="booking.offered")
        _notify(booking, "booking_offer")
        offered += 1
    return offered


def bookings_expire(*, municipality, now=None) -> int:
    """Reservations and offers not confirmed in time expire; their places go to the waiting
    list. Each is expired by a conditional UPDATE under the place's lock (two workers: once)."""
    now = now or timezone.now()
    due = (
        Booking.objects.filter(
            status__in=(Booking.Status.RESERVED, Booking.Status.OFFERED),
            hold_expires_at__lte=now,
        )
        .select_related("resource", "slot")
        .order_by("hold_expires_at", "id")[:1000]
    )
    expired = 0
    for booking in due:
        with transaction.atomic():
            resource = booking.resource
            lock([] if resource.exclusive else [_place_key(resource, booking.slot)])
            won = Booking.objects.filter(
                pk=booking.pk,
                status__in=(Booking.Status.RESERVED, Booking.Status.OFFERED),
                hold_expires_at__lte=now,
            ).update(status=Booking.Status.EXPIRED, updated_at=now, sequence=booking.sequence + 1)
            if won:
                expired += 1
                _audit(booking, actor=None, action="change", event="booking.expired")
                _offer_next(resource, booking.slot, now=now)
    return expired


def booking_check_in(*, booking: Booking, actor=None, context=None, now=None) -> Booking:
    """Check in (QR code or link) from 15 minutes before the start until the end."""
    now = now or timezone.now()
    if booking.status == Booking.Status.CHECKED_IN:
        return booking
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingLinkInvalid(_("Only a confirmed booking can be checked in."), booking=booking)
    if not (booking.start - dt.timedelta(minutes=15) <= now < booking.end):
        raise BookingLinkInvalid(
            _("Check-in is possible from 15 minutes before the start until the end."),
            booking=booking,
        )
    Booking.objects.filter(pk=booking.pk, status=Booking.Status.CONFIRMED).update(
        status=Booking.Status.CHECKED_IN, checked_in_at=now, updated_at=now
    )
    booking.refresh_from_db()
    _audit(booking, actor=actor, action="change", event="booking.checked_in", context=context)
    return booking


def bookings_release_no_shows(*, municipality, now=None) -> int:
    """Desks and rooms not checked in within their grace period are released (no-show)."""
    now = now or timezone.now()
    candidates = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        exclusive=True,
        resource__check_in_grace_minutes__gt=0,
        start__lte=now,
        end__gt=now,
    ).select_related("resource")[:1000]
    released = 0
    for booking in candidates:
        if booking.start + dt.timedelta(minutes=booking.resource.check_in_grace_minutes) > now:
            continue
        won = Booking.objects.filter(pk=booking.pk, status=Booking.Status.CONFIRMED).update(
            status=Booking.Status.NO_SHOW, updated_at=now
        )
        if won:
            released += 1
            _audit(booking, actor=None, action="change", event="booking.released")
    return released


def slots_materialise_all(*, municipality, today: dt.date | None = None) -> int:
    """Materialise the slots of every active slotted resource for its booking window."""
    today = today or timezone.localdate()
    made = 0
    for resource in Resource.objects.filter(
        active=True, kind__in=list(Resource.SLOTTED_KINDS)
    ).select_related("municipality"):
        made += slots_materialise(
            resource=resource,
            start_date=today,
            end_date=today + dt.timedelta(days=resource.booking_window_days),
        )
    return made


# How long bookings keep the person's data after their end, per kind (then anonymised).
RETENTION = {
    Resource.Kind.APPOINTMENT: dt.timedelta(days=1),
    Resource.Kind.CONSULTING: dt.timedelta(days=90),
    Resource.Kind.DESK: dt.timedelta(days=365),
    Resource.Kind.ROOM: dt.timedelta(days=365),
    Resource.Kind.EVENT: dt.timedelta(days=365),
    Resource.Kind.COURSE: dt.timedelta(days=365),
}


def _anonymise(qs) -> int:
    return qs.update(user=None, name="", email="", answers={}, anonymised_at=timezone.now())


def bookings_anonymise(*, municipality, now=None) -> int:
    """Anonymise bookings whose retention per kind has ended: the time, place and status stay
    (occupancy reports), the person goes. Appointments the day after."""
    now = now or timezone.now()
    done = 0
    for kind, keep in RETENTION.items():
        done += _anonymise(
            Booking.objects.filter(
                resource__kind=kind, end__lt=now - keep, anonymised_at__isnull=True
            )
        )
    if done:
        audit_log(
            municipality=municipality,
            actor=None,
            action="change",
            object_type="booking",
            event="booking.anonymised",
            params={"count": done},
        )
    return done


def booking_mark(*, booking: Booking, what: str, actor, context=None, now=None) -> Booking:
    """The counter records arrival (checked in) or no-show of a confirmed booking."""
    _require(actor, PERM_COUNTER, booking.municipality)
    now = now or timezone.now()
    target = {"arrived": Booking.Status.CHECKED_IN, "no_show": Booking.Status.NO_SHOW}[what]
    won = Booking.objects.filter(pk=booking.pk, status=Booking.Status.CONFIRMED).update(
        status=target,
        checked_in_at=now if target == Booking.Status.CHECKED_IN else None,
        updated_at=now,
    )
    if not won:
        raise BookingLinkInvalid(_("Only a confirmed booking can be marked."), booking=booking)
    booking.refresh_from_db()
    _audit(
        booking,
        actor=actor,
        action="change",
        event={"arrived": "booking.marked_arrived", "no_show": "booking.marked_no_show"}[what],
        context=context,
    )
    return booking


SERIES_MAX = 100


@dataclass
class SeriesResult:
    series: Series
    booked: list[Booking]
    conflicts: list[tuple[dt.date, str]]


def series_create(
    *,
    resource: Resource,
    actor,
    rrule: str,
    start: dt.datetime,
    end: dt.datetime,
    exdates: list[dt.date] | None = None,
    organisation=None,
    context: AuditContext | None = None,
    now: dt.datetime | None = None,
) -> SeriesResult:
    """A recurring booking (RFC 5545 RRULE, e.g. ``FREQ=WEEKLY;BYDAY=TU;COUNT=10``) with
    exception dates: every date is booked on its own (its own short transaction), dates that
    collide or are closed are reported with the reason, the others booked (as Indico does)."""
    from dateutil.rrule import rrulestr

    now = now or timezone.now()
    if not resource.exclusive:
        raise ValidationError({"bookable": _("Only desks and rooms can be booked as a series.")})
    if start is None or end is None or end <= start:
        raise ValidationError({"end": _("The end must be after the start")})
    try:
        rule = rrulestr(rrule.strip(), dtstart=start.astimezone(tz()))
    except (ValueError, TypeError):
        raise ValidationError(
            {"rrule": _("Write the recurrence as an iCalendar RRULE, e.g. FREQ=WEEKLY;COUNT=10")}
        ) from None
    skip = set(exdates or [])
    dates = []
    for occurrence in rule:
        if len(dates) >= SERIES_MAX:
            break
        if occurrence.date() not in skip:
            dates.append(occurrence)
    if not dates:
        raise ValidationError({"rrule": _("The recurrence has no dates.")})
    length = end - start
    series = Series.objects.create(
        municipality_id=resource.municipality_id,
        resource=resource,
        user=actor,
        rrule=rrule.strip(),
        exdates=[d.isoformat() for d in sorted(skip)],
    )
    booked, conflicts = [], []
    for occurrence in dates:
        try:
            booked.append(
                booking_create(
                    resource=resource,
                    actor=actor,
                    start=occurrence,
                    end=occurrence + length,
                    organisation=organisation,
                    series=series,
                    context=context,
                    now=now,
                    notify_person=False,
                )
            )
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            conflicts.append(
                (occurrence.date(), " ".join(m for ms in messages.values() for m in ms))
            )
        except (BookingUnavailable, BookingLimitReached) as exc:
            conflicts.append((occurrence.date(), exc.message))
        except LockBusy:
            conflicts.append(
                (occurrence.date(), _("Many people are booking right now. Please try again."))
            )
    return SeriesResult(series=series, booked=booked, conflicts=conflicts)
