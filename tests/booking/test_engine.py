"""The engine: times, closures and holidays, exclusive and counted places, holds, waiting list,
contingents, limits. Runs on SQLite and PostgreSQL alike."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope

from revier.booking import services
from revier.booking.models import Booking
from revier.core.holidays import public_holidays
from tests.booking.conftest import at, book, make_event, make_resource, reload, workday
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


# --- public holidays ---------------------------------------------------------------------------


def test_holidays_of_sachsen_anhalt_2026():
    days = public_holidays("15", 2026)
    assert days[dt.date(2026, 1, 6)] == "Heilige Drei Könige"
    assert days[dt.date(2026, 4, 3)] == "Karfreitag"  # Easter 2026: 5 April
    assert days[dt.date(2026, 4, 6)] == "Ostermontag"
    assert days[dt.date(2026, 5, 14)] == "Christi Himmelfahrt"
    assert days[dt.date(2026, 5, 25)] == "Pfingstmontag"
    assert days[dt.date(2026, 10, 31)] == "Reformationstag"
    assert len(days) == 11


@pytest.mark.parametrize(
    ("land", "count", "special"),
    [
        ("09", 12, dt.date(2026, 6, 4)),  # Bayern: Fronleichnam
        ("14", 11, dt.date(2026, 11, 18)),  # Sachsen: Buß- und Bettag
        ("11", 10, dt.date(2026, 3, 8)),  # Berlin: Frauentag
        ("12", 12, dt.date(2026, 4, 5)),  # Brandenburg: Ostersonntag
        ("16", 11, dt.date(2026, 9, 20)),  # Thüringen: Weltkindertag
        ("03", 10, dt.date(2026, 10, 31)),  # Niedersachsen: Reformationstag since 2018
    ],
)
def test_holidays_per_land(land, count, special):
    days = public_holidays(land, 2026)
    assert len(days) == count
    assert special in days


def test_buss_und_bettag_is_the_wednesday_before_23_november():
    for year, expected in [(2024, 20), (2025, 19), (2026, 18), (2027, 17), (2028, 22)]:
        assert dt.date(year, 11, expected) in public_holidays("14", year)


# --- desks and rooms (exclusive) ---------------------------------------------------------------


def test_desk_whole_and_half_days(desk, anna, ben):
    day = workday()
    morning = book(desk, anna, start=at(day, 8), end=at(day, 13))
    assert morning.status == Booking.Status.CONFIRMED
    assert morning.exclusive
    afternoon = book(desk, ben, start=at(day, 13), end=at(day, 18))
    assert afternoon.status == Booking.Status.CONFIRMED
    with pytest.raises(services.BookingUnavailable) as exc:
        book(desk, make_user("carla@example.org"), start=at(day, 8), end=at(day, 18))
    assert exc.value.code == "taken"


def test_desk_only_whole_or_half_days(desk, anna):
    day = workday()
    with pytest.raises(ValidationError) as exc:
        book(desk, anna, start=at(day, 9), end=at(day, 11))
    assert "half day" in exc.value.message_dict["start"][0]


def test_same_person_twice_gets_one_booking(desk, anna):
    day = workday()
    first = book(desk, anna, start=at(day, 8), end=at(day, 18))
    again = book(desk, anna, start=at(day, 8), end=at(day, 18))
    assert again.pk == first.pk
    with scope(municipality=desk.municipality):
        assert Booking.objects.count() == 1


def test_cancel_frees_the_desk_at_once(desk, anna, ben):
    day = workday()
    booking = book(desk, anna, start=at(day, 8), end=at(day, 18))
    with scope(municipality=desk.municipality):
        services.booking_cancel(booking=booking, actor=anna)
    assert book(desk, ben, start=at(day, 8), end=at(day, 18)).status == "confirmed"


def test_room_by_time_on_its_grid(room, anna, ben):
    day = workday()
    book(room, anna, start=at(day, 9), end=at(day, 10, 30))
    with pytest.raises(services.BookingUnavailable):
        book(room, ben, start=at(day, 10), end=at(day, 11))
    assert book(room, ben, start=at(day, 10, 30), end=at(day, 11)).status == "confirmed"
    with pytest.raises(ValidationError) as exc:
        book(room, ben, start=at(day, 11, 10), end=at(day, 11, 40))
    assert "steps of 30 minutes" in exc.value.message_dict["start"][0]


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        (lambda day: (at(day, 6), at(day, 8)), "outside the opening hours"),
        (lambda day: (at(day, 17), at(day, 19)), "outside the opening hours"),
    ],
)
def test_room_outside_opening_hours_refused(room, anna, when, reason):
    start, end = when(workday())
    with pytest.raises(ValidationError) as exc:
        book(room, anna, start=start, end=end)
    assert reason in exc.value.message_dict["start"][0]


def test_past_and_beyond_window_refused(room, anna):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        book(room, anna, start=at(yesterday, 9), end=at(yesterday, 10))
    assert "passed" in exc.value.message_dict["start"][0]
    far = workday(120)
    with pytest.raises(ValidationError) as exc:
        book(room, anna, start=at(far, 9), end=at(far, 10))
    assert "90 days ahead" in exc.value.message_dict["start"][0]


def test_closures_and_public_holidays_refused(zeitz, hub, room, anna):
    day = workday()
    with scope(municipality=zeitz):
        services.closure_create(
            municipality=zeitz, hub=hub, start_date=day, end_date=day, reason="Betriebsausflug"
        )
    with pytest.raises(ValidationError) as exc:
        book(room, anna, start=at(day, 9), end=at(day, 10))
    assert exc.value.message_dict["start"] == ["Closed on this day: Betriebsausflug"]
    # The next 3 October on a weekday: Tag der Deutschen Einheit.
    year = timezone.localdate().year
    unity = next(
        dt.date(y, 10, 3)
        for y in range(year, year + 8)
        if dt.date(y, 10, 3).weekday() < 5 and dt.date(y, 10, 3) > timezone.localdate()
    )
    with scope(municipality=zeitz):
        room.booking_window_days = 3000
        room.save()
    with pytest.raises(ValidationError) as exc:
        book(room, anna, start=at(unity, 9), end=at(unity, 10))
    assert exc.value.message_dict["start"] == ["Closed on this day: Tag der Deutschen Einheit"]


# --- events: capacity and waiting list ---------------------------------------------------------


def test_event_full_without_waiting_list(zeitz, anna, ben):
    event = make_event(zeitz, capacity=1)
    assert book(event, anna).status == "confirmed"
    with pytest.raises(services.BookingUnavailable) as exc:
        book(event, ben)
    assert exc.value.code == "full"
    with scope(municipality=zeitz):
        assert Booking.objects.filter(status__in=Booking.ACTIVE).count() == 1


def test_waiting_list_offers_a_freed_place_and_moves_on_when_it_expires(zeitz, anna, ben):
    carla = make_user("carla@example.org")
    event = make_event(zeitz, capacity=1, waiting_list=True, hold_minutes=30)
    first = book(event, anna)
    second = book(event, ben)
    third = book(event, carla)
    assert (second.status, third.status) == ("waitlisted", "waitlisted")
    with scope(municipality=zeitz):
        services.booking_cancel(booking=first, actor=anna)
    second, third = reload(second), reload(third)
    assert second.status == "offered" and second.hold_expires_at is not None
    assert third.status == "waitlisted"
    # Ben lets the offer expire: Carla is offered the place.
    later = second.hold_expires_at + dt.timedelta(seconds=1)
    with scope(municipality=zeitz):
        assert services.bookings_expire(municipality=zeitz, now=later) == 1
    assert reload(second).status == "expired"
    assert reload(third).status == "offered"
    with scope(municipality=zeitz):
        confirmed = services.booking_confirm(token=third.token, now=later)
    assert confirmed.status == "confirmed"
    # Ben's expired link changes nothing.
    with scope(municipality=zeitz), pytest.raises(services.BookingLinkInvalid) as exc:
        services.booking_confirm(token=second.token, now=later)
    assert "expired" in exc.value.message


def test_course_books_all_sessions_with_one_place(zeitz, anna, ben):
    day = workday(10)
    with scope(municipality=zeitz):
        course = services.event_create(
            municipality=zeitz,
            kind="course",
            name="IT-Sicherheit",
            start=None,
            end=None,
            sessions=[
                (at(day + dt.timedelta(weeks=w), 17), at(day + dt.timedelta(weeks=w), 19))
                for w in range(3)
            ],
            capacity=1,
        )
    booking = book(course, anna)
    assert (booking.start, booking.end) == (at(day, 17), at(day + dt.timedelta(weeks=2), 19))
    with pytest.raises(services.BookingUnavailable):
        book(course, ben)


# --- appointments: reserve, confirm by link, expire, limit -------------------------------------


@pytest.fixture
def appointment(zeitz):
    resource = make_resource(
        zeitz,
        "appointment",
        "Personalausweis beantragen",
        capacity=2,
        duration_minutes=20,
        confirm_by_email=True,
        hold_minutes=15,
        max_open_per_person=2,
    )
    with scope(municipality=zeitz):
        services.slots_materialise(
            resource=resource,
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + dt.timedelta(days=30),
        )
    return resource


def test_slots_materialised_without_holidays_and_weekends(zeitz, appointment):
    from revier.booking.models import Slot

    day = workday()
    with scope(municipality=zeitz):
        slots = Slot.objects.filter(resource=appointment)
        assert slots.filter(start=at(day, 8)).exists()
        assert slots.filter(start=at(day, 17, 40)).exists()
        assert not slots.filter(start=at(day, 18)).exists()
        local_days = {s.start.astimezone(at(day, 8).tzinfo).date() for s in slots}
    assert all(d.weekday() < 5 for d in local_days)
    assert not local_days & set(public_holidays("15", day.year))


def test_appointment_reserved_then_confirmed_by_link(
    zeitz, appointment, mailoutbox, django_capture_on_commit_callbacks
):
    day = workday()
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(appointment, email="max@example.org", name="Max", start=at(day, 9))
    assert booking.status == "reserved"
    assert booking.end == at(day, 9, 20)
    assert booking.hold_expires_at is not None
    assert any(booking.token in m.body for m in mailoutbox)
    with scope(municipality=zeitz):
        assert services.booking_confirm(token=booking.token).status == "confirmed"
        # The link used again shows the booking, nothing changes.
        assert services.booking_confirm(token=booking.token).status == "confirmed"


def test_expired_hold_frees_the_counter(zeitz, appointment):
    day = workday()
    a = book(appointment, email="a@example.org", start=at(day, 9))
    book(appointment, email="b@example.org", start=at(day, 9))
    with pytest.raises(services.BookingUnavailable):
        book(appointment, email="c@example.org", start=at(day, 9))
    later = a.hold_expires_at + dt.timedelta(seconds=1)
    with scope(municipality=zeitz):
        assert services.bookings_expire(municipality=zeitz, now=later) == 2
        with pytest.raises(services.BookingLinkInvalid):
            services.booking_confirm(token=a.token, now=later)
    assert book(appointment, email="c@example.org", start=at(day, 9)).status == "reserved"


def test_not_a_slot_time(appointment):
    day = workday()
    with pytest.raises(ValidationError) as exc:
        book(appointment, email="a@example.org", start=at(day, 9, 5))
    assert exc.value.message_dict["start"] == ["There is no appointment at this time."]


def test_open_appointments_per_address_limited(appointment):
    day = workday()
    book(appointment, email="a@example.org", start=at(day, 9))
    book(appointment, email="A@example.org", start=at(day, 10))
    with pytest.raises(services.BookingLimitReached):
        book(appointment, email="a@example.org", start=at(day, 11))


# --- company contingents -----------------------------------------------------------------------


@pytest.fixture
def company(anna):
    from revier.accounts.services import organisation_create

    return organisation_create(name="Hub-Partner GmbH", admin=anna)


def test_contingent_limits_the_company_desks(zeitz, hub, anna, ben, company):
    from revier.accounts.services import membership_add

    membership_add(organisation=company, user=ben, actor=anna)
    desks = [make_resource(zeitz, "desk", f"Desk {n}", hub=hub) for n in range(3)]
    with scope(municipality=zeitz):
        services.contingent_set(
            municipality=zeitz,
            hub=hub,
            organisation=company,
            desks=2,
            valid_from=timezone.localdate(),
        )
    day = workday()
    full = dict(start=at(day, 8), end=at(day, 18), organisation=company)
    assert book(desks[0], anna, **full).contingent is not None
    assert book(desks[1], ben, start=at(day, 8), end=at(day, 13), organisation=company)
    # A third desk in the morning: three at once, one too many.
    with pytest.raises(services.BookingUnavailable) as exc:
        book(desks[2], ben, start=at(day, 8), end=at(day, 13), organisation=company)
    assert exc.value.code == "contingent-exhausted"
    # In the afternoon only two are in use at once: allowed.
    assert book(desks[2], ben, start=at(day, 13), end=at(day, 18), organisation=company)
    # Without the company, anybody books a free desk.
    carla = make_user("carla@example.org")
    assert book(desks[1], carla, start=at(day, 13), end=at(day, 18)).contingent is None


def test_fixed_desk_only_for_its_company(zeitz, hub, anna, ben, company):
    fixed = make_resource(zeitz, "desk", "Fixed", hub=hub)
    with scope(municipality=zeitz):
        services.contingent_set(
            municipality=zeitz,
            hub=hub,
            organisation=company,
            desks=1,
            valid_from=timezone.localdate(),
            fixed_desks=[fixed],
        )
    day = workday()
    with pytest.raises(services.BookingUnavailable) as exc:
        book(fixed, ben, start=at(day, 8), end=at(day, 18))
    assert exc.value.code == "fixed-desk"
    assert book(fixed, anna, start=at(day, 8), end=at(day, 18), organisation=company)


def test_non_member_cannot_book_for_the_company(zeitz, hub, desk, ben, company):
    from django.core.exceptions import PermissionDenied

    with scope(municipality=zeitz):
        services.contingent_set(
            municipality=zeitz,
            hub=hub,
            organisation=company,
            desks=1,
            valid_from=timezone.localdate(),
        )
    day = workday()
    with pytest.raises(PermissionDenied):
        book(desk, ben, start=at(day, 8), end=at(day, 18), organisation=company)


# --- check-in and no-shows, retention ----------------------------------------------------------


def test_no_show_released_after_grace_period(zeitz, hub, anna):
    desk = make_resource(zeitz, "desk", "Desk", hub=hub, check_in_grace_minutes=60)
    day = workday()
    booking = book(desk, anna, start=at(day, 8), end=at(day, 18))
    with scope(municipality=zeitz):
        assert services.bookings_release_no_shows(municipality=zeitz, now=at(day, 8, 59)) == 0
        assert services.bookings_release_no_shows(municipality=zeitz, now=at(day, 9, 1)) == 1
    assert reload(booking).status == "no_show"


def test_check_in_keeps_the_desk(zeitz, hub, anna):
    desk = make_resource(zeitz, "desk", "Desk", hub=hub, check_in_grace_minutes=60)
    day = workday()
    booking = book(desk, anna, start=at(day, 8), end=at(day, 18))
    with scope(municipality=zeitz):
        services.booking_check_in(booking=booking, now=at(day, 8, 30))
        assert services.bookings_release_no_shows(municipality=zeitz, now=at(day, 10)) == 0
    assert reload(booking).status == "checked_in"


def test_appointments_anonymised_the_day_after(zeitz, appointment):
    day = workday()
    booking = book(appointment, email="a@example.org", name="Anna", start=at(day, 9))
    with scope(municipality=zeitz):
        assert services.bookings_anonymise(municipality=zeitz, now=at(day, 12)) == 0
        later = at(day + dt.timedelta(days=2), 9)
        assert services.bookings_anonymise(municipality=zeitz, now=later) == 1
    booking = reload(booking)
    assert (booking.email, booking.name, booking.user_id) == ("", "", None)


def test_active_statuses_match_the_exclusion_constraint():
    from pathlib import Path

    import revier.booking.migrations as migrations

    sql = (Path(migrations.__file__).parent / "0002_exclusive_no_overlap.py").read_text()
    for status in Booking.ACTIVE:
        assert f"'{status}'" in sql
    assert "'waitlisted'" not in sql


# --- recurring bookings ------------------------------------------------------------------------


def test_series_books_free_dates_and_lists_the_conflicts(zeitz, hub, room, anna, ben):
    day = workday(7)
    while day.weekday() != 1:  # a Tuesday
        day += dt.timedelta(days=1)
    # Ben has the room on the second Tuesday; the fourth is an exception.
    second = day + dt.timedelta(weeks=1)
    book(room, ben, start=at(second, 9), end=at(second, 10))
    with scope(municipality=zeitz):
        result = services.series_create(
            resource=room,
            actor=anna,
            rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=5",
            start=at(day, 9),
            end=at(day, 10),
            exdates=[day + dt.timedelta(weeks=3)],
        )
    booked_days = [b.start.astimezone(at(day, 9).tzinfo).date() for b in result.booked]
    conflicts = dict(result.conflicts)
    assert second in conflicts and "already booked" in conflicts[second]
    assert day + dt.timedelta(weeks=3) not in booked_days + list(conflicts)
    assert len(booked_days) + len(conflicts) == 4
    assert all(b.series_id == result.series.pk for b in result.booked)
    # Wall-clock time is kept across a change of daylight saving time.
    assert all(b.start.astimezone(at(day, 9).tzinfo).hour == 9 for b in result.booked)


def test_series_needs_a_valid_rule(zeitz, room, anna):
    with scope(municipality=zeitz), pytest.raises(ValidationError) as exc:
        services.series_create(
            resource=room,
            actor=anna,
            rrule="EVERY TUESDAY",
            start=at(workday(), 9),
            end=at(workday(), 10),
        )
    assert "RRULE" in exc.value.message_dict["rrule"][0]
