"""One booking engine for town-hall appointments, desks, rooms, events, courses and consulting.

Scarce things are protected by the database (ADR 0042): exclusive resources (a desk, a room) by a
PostgreSQL exclusion constraint over ``(resource, tstzrange(start, end))`` of the active
bookings; counted capacities (seats of an event, counters of an appointment slot, a company's
contingent) by advisory locks taken in sorted order before counting (``revier.core.locking``).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from revier.core.models import TenantOwnedModel


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Hub(TenantOwnedModel):
    """A Digital Hub (co-working space) of the municipality; several are allowed."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    # The floor plan's drawing area (SVG viewBox units); resources carry their rectangles.
    floor_width = models.PositiveIntegerField(_("floor plan width"), default=1000)
    floor_height = models.PositiveIntegerField(_("floor plan height"), default=600)
    # Secret of the hub's public iCal feed is not needed (public); the feed lists public events.
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="booking_hub_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name


class Resource(TenantOwnedModel):
    """Something bookable ("bookable" in the API)."""

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", _("appointment")
        DESK = "desk", _("desk")
        ROOM = "room", _("room")
        EVENT = "event", _("event")
        COURSE = "course", _("course")
        CONSULTING = "consulting", _("consulting")

    # Held by one booking at a time (exclusion constraint); the others count places.
    EXCLUSIVE_KINDS = frozenset({Kind.DESK, Kind.ROOM})
    # Bookable at times computed from opening hours, materialised as slots.
    SLOTTED_KINDS = frozenset({Kind.APPOINTMENT, Kind.CONSULTING})

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    hub = models.ForeignKey(
        Hub, null=True, blank=True, on_delete=models.CASCADE, related_name="resources"
    )
    # Town-hall appointments: the service of the catalogue at one office.
    office = models.ForeignKey(
        "services.Office",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("office"),
    )
    service = models.ForeignKey(
        "services.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("service"),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        default=1,
        help_text=_("Seats of an event or course, counters per appointment slot; 1 for a desk."),
    )
    duration_minutes = models.PositiveIntegerField(
        _("duration in minutes"),
        default=30,
        help_text=_("Length of an appointment or consulting slot; the grid of room bookings."),
    )
    half_days = models.BooleanField(_("bookable by half-day"), default=True)
    waiting_list = models.BooleanField(_("waiting list"), default=False)
    confirm_by_email = models.BooleanField(
        _("confirm by e-mail"),
        default=False,
        help_text=_("A booking is reserved until the person confirms it by the link in an e-mail."),
    )
    requires_approval = models.BooleanField(_("requires approval"), default=False)
    public = models.BooleanField(_("public"), default=True)
    booking_window_days = models.PositiveIntegerField(_("bookable days ahead"), default=90)
    hold_minutes = models.PositiveIntegerField(
        _("minutes to confirm"),
        default=30,
        help_text=_("How long a reservation or a waiting-list offer is held."),
    )
    max_open_per_person = models.PositiveIntegerField(
        _("open bookings per person"), default=0, help_text=_("0: no limit.")
    )
    check_in_grace_minutes = models.PositiveIntegerField(
        _("check-in grace period in minutes"),
        default=0,
        help_text=_("A desk or room not checked in by then is released; 0: no check-in."),
    )
    equipment = models.CharField(_("equipment"), max_length=300, blank=True)
    # The rectangle on the hub's floor plan (viewBox units).
    floor_x = models.PositiveIntegerField(null=True, blank=True)
    floor_y = models.PositiveIntegerField(null=True, blank=True)
    floor_w = models.PositiveIntegerField(null=True, blank=True)
    floor_h = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bookable resource")
        verbose_name_plural = _("bookable resources")
        ordering = ["kind", "name", "id"]
        indexes = [models.Index(fields=["municipality", "kind"], name="booking_res_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def plan_label(self) -> str:
        """A short label for the floor plan: a desk's number, a room's name (shortened)."""
        last = self.name.rsplit(" ", 1)[-1]
        if self.kind == self.Kind.DESK and last.isdigit():
            return last
        return self.name if len(self.name) <= 18 else self.name[:17] + "…"

    @property
    def exclusive(self) -> bool:
        return self.kind in self.EXCLUSIVE_KINDS

    @property
    def slotted(self) -> bool:
        return self.kind in self.SLOTTED_KINDS

    @property
    def dated(self) -> bool:
        """Events and courses have their own dates (sessions); a booking names no time."""
        return self.kind in (self.Kind.EVENT, self.Kind.COURSE)


class OpeningHours(TenantOwnedModel):
    """When a resource can be booked on a weekday (several rows for a split day)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # 0 Monday … 6 Sunday
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["resource", "weekday", "opens"]


class Closure(TenantOwnedModel):
    """Days on which nothing (of a hub, or of one resource) can be booked; public holidays of
    the municipality's Land are closures without a row."""

    hub = models.ForeignKey(
        Hub, null=True, blank=True, on_delete=models.CASCADE, related_name="closures"
    )
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="closures"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["start_date", "id"]


class Slot(TenantOwnedModel):
    """A materialised time of a resource with its own capacity: an appointment slot, an event's
    occurrence, a course's session. Bookings of slotted and dated resources point to one."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveIntegerField(_("capacity"))
    sequence = models.PositiveIntegerField(default=0)  # iTIP SEQUENCE when the time changes
    cancelled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "resource", "start"], name="booking_slot_unique_start"
            )
        ]
        indexes = [models.Index(fields=["resource", "start"], name="booking_slot_res_start")]


class Contingent(TenantOwnedModel):
    """An organisation's share of a hub: at most ``desks`` desks booked at once by its members,
    and the fixed desks only they may book."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="contingents")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    desks = models.PositiveIntegerField(_("desks"))
    fixed_desks = models.ManyToManyField(
        Resource, blank=True, related_name="fixed_for", verbose_name=_("fixed desks")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("contingent")
        verbose_name_plural = _("contingents")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "hub", "organisation"], name="booking_contingent_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.desks}"


class Series(TenantOwnedModel):
    """A recurring booking (RRULE with exceptions); its dates are bookings each."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rrule = models.CharField(_("recurrence"), max_length=500)
    exdates = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)


class Booking(TenantOwnedModel):
    """One person's (or organisation's) booking of a resource for ``[start, end)``."""

    class Status(models.TextChoices):
        RESERVED = "reserved", _("reserved (confirmation pending)")
        REQUESTED = "requested", _("requested (approval pending)")
        OFFERED = "offered", _("place offered from the waiting list")
        CONFIRMED = "confirmed", _("confirmed")
        CHECKED_IN = "checked_in", _("checked in")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")
        REJECTED = "rejected", _("rejected")
        NO_SHOW = "no_show", _("did not come")

    # These hold a place; the others do not.
    ACTIVE = (
        Status.RESERVED,
        Status.REQUESTED,
        Status.OFFERED,
        Status.CONFIRMED,
        Status.CHECKED_IN,
    )

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="bookings")
    slot = models.ForeignKey(
        Slot, null=True, blank=True, on_delete=models.CASCADE, related_name="bookings"
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contingent = models.ForeignKey(
        Contingent, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True, db_index=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # Copied from the resource: the exclusion constraint's condition cannot join.
    exclusive = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    hold_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The secret of the booking's links; unique with the municipality (Citus-ready).
    token = models.CharField(max_length=64, default=new_token)
    sequence = models.PositiveIntegerField(default=0)  # iTIP SEQUENCE, increases on change
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["resource", "start"], name="booking_bk_res_start"),
            models.Index(fields=["slot", "status"], name="booking_bk_slot_status"),
            models.Index(fields=["user", "start"], name="booking_bk_user_start"),
            models.Index(fields=["contingent", "start"], name="booking_bk_cont_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="booking_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["municipality", "token"], name="booking_booking_unique_token"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def uid(self) -> str:
        """Stable iCalendar UID (RFC 5545) of this booking."""
        return f"booking-{self.pk}-{self.municipality_id}@revier"
