"""Public pages: hub with floor plan and list, booking a desk/room/appointment/event without
JavaScript, the booking's link page (confirm, cancel, used again), check-in, iCal."""

import datetime as dt

import pytest
from django_scopes import scope

from revier.booking import services
from revier.booking.models import Booking
from tests.booking.conftest import at, book, make_event, make_resource, reload, workday

pytestmark = pytest.mark.django_db

SITE = "/zeitz/termine"


@pytest.fixture
def appointment(zeitz):
    resource = make_resource(
        zeitz, "appointment", "Personalausweis", capacity=1, duration_minutes=20,
        confirm_by_email=True, hold_minutes=15, max_open_per_person=1,
    )  # fmt: skip
    day = workday()
    with scope(municipality=zeitz):
        services.slots_materialise(resource=resource, start_date=day, end_date=day)
    return resource


def test_index_lists_what_can_be_booked(client, zeitz, hub, appointment):
    make_event(zeitz, hub=hub, name="Gründerabend")
    html = client.get(f"{SITE}/").content.decode()
    assert "Personalausweis" in html and "Digital Hub Zeitz" in html and "Gründerabend" in html


def test_module_off_is_404(client, zeitz):
    from revier.tenancy.services import municipality_update

    municipality_update(municipality=zeitz, enabled_modules=["news"])
    assert client.get(f"{SITE}/").status_code == 404


def test_hub_floor_plan_and_list_say_the_same(client, zeitz, hub, anna):
    desk = make_resource(
        zeitz, "desk", "Desk A", hub=hub, floor_x=10, floor_y=10, floor_w=80, floor_h=60
    )
    make_resource(zeitz, "desk", "Desk B", hub=hub, floor_x=110, floor_y=10, floor_w=80, floor_h=60)
    day = workday()
    book(desk, anna, start=at(day, 8), end=at(day, 18))
    html = client.get(f"{SITE}/hub/hub/?tag={day.isoformat()}").content.decode()
    assert 'aria-label="Desk A: booked"' in html
    assert 'aria-label="Desk B: free"' in html
    assert "<svg" in html and "<table" in html


def test_hub_queries_do_not_grow(client, zeitz, hub, django_assert_max_num_queries, anna):
    day = workday()
    desks = [make_resource(zeitz, "desk", f"D{i}", hub=hub) for i in range(3)]
    with django_assert_max_num_queries(20) as ctx:
        client.get(f"{SITE}/hub/hub/?tag={day.isoformat()}")
    few = len(ctx.captured_queries)
    desks += [make_resource(zeitz, "desk", f"E{i}", hub=hub) for i in range(10)]
    for d in desks[:8]:
        book(d, anna, start=at(day, 8), end=at(day, 13))
    with django_assert_max_num_queries(few):
        client.get(f"{SITE}/hub/hub/?tag={day.isoformat()}")


def test_book_a_desk_without_javascript(client, zeitz, hub, desk, anna):
    client.force_login(anna)
    day = workday()
    url = f"{SITE}/angebot/{desk.pk}/?tag={day.isoformat()}"
    page = client.get(url).content.decode()
    period = f"{at(day, 8).isoformat()}|{at(day, 13).isoformat()}"
    assert f'value="{period}"' in page
    response = client.post(url, {"period": period})
    assert response.status_code == 302
    with scope(municipality=zeitz):
        booking = Booking.objects.get()
    assert response["Location"].endswith(f"/termine/buchung/{booking.token}/")
    # The same period again (a double click): one booking.
    client.post(url, {"period": period})
    with scope(municipality=zeitz):
        assert Booking.objects.count() == 1


def test_desk_taken_meanwhile_is_a_clear_error(client, zeitz, desk, anna, ben):
    day = workday()
    url = f"{SITE}/angebot/{desk.pk}/?tag={day.isoformat()}"
    period = f"{at(day, 8).isoformat()}|{at(day, 18).isoformat()}"
    book(desk, ben, start=at(day, 8), end=at(day, 18))
    client.force_login(anna)
    response = client.post(url, {"period": period})
    assert response.status_code == 400  # no longer one of the choices
    assert "error-summary" in response.content.decode()


def test_booking_needs_login_for_desks(client, zeitz, desk):
    day = workday()
    response = client.post(f"{SITE}/angebot/{desk.pk}/", {"period": "x"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert "Log in to book" in client.get(f"{SITE}/angebot/{desk.pk}/?tag={day}").content.decode()


def test_room_by_time(client, zeitz, room, anna):
    client.force_login(anna)
    day = workday()
    response = client.post(
        f"{SITE}/angebot/{room.pk}/?tag={day}",
        {"start": at(day, 9).isoformat(), "duration": 90},
    )
    assert response.status_code == 302
    with scope(municipality=zeitz):
        booking = Booking.objects.get()
    assert (booking.start, booking.end) == (at(day, 9), at(day, 10, 30))


def test_appointment_reserve_confirm_cancel_by_link(
    client, zeitz, appointment, mailoutbox, django_capture_on_commit_callbacks
):
    day = workday()
    url = f"{SITE}/angebot/{appointment.pk}/?tag={day}"
    period = f"{at(day, 9).isoformat()}|{at(day, 9, 20).isoformat()}"
    # Bad input: the errors name the fields, the answers stay.
    response = client.post(url, {"period": period, "name": "Max", "email": "nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter an e-mail address like name@example.org" in html and 'value="Max"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"period": period, "name": "Max", "email": "max@example.org"})
    assert response.status_code == 302
    with scope(municipality=zeitz):
        booking = Booking.objects.get()
    assert booking.status == "reserved"
    mail = next(m for m in mailoutbox if booking.token in m.body)
    assert "bestätigen" in mail.subject.lower()  # the default language
    link = f"{SITE}/buchung/{booking.token}/"
    assert "Confirm booking" in client.get(link).content.decode()
    assert client.post(link, {"action": "confirm"}).status_code == 302
    assert reload(booking).status == "confirmed"
    # Confirm again: the page shows the booking, nothing changes.
    assert client.post(link, {"action": "confirm"}).status_code == 302
    assert client.post(link, {"action": "cancel"}).status_code == 302
    assert reload(booking).status == "cancelled"
    # The cancelled booking's link used again: a clear page, nothing changed.
    response = client.post(link, {"action": "cancel"})
    assert response.status_code == 409
    assert "cancelled already" in response.content.decode()


def test_expired_confirmation_link_is_a_clear_page(client, zeitz, appointment):
    day = workday()
    booking = book(appointment, email="a@example.org", start=at(day, 9))
    with scope(municipality=zeitz):
        Booking.objects.filter(pk=booking.pk).update(
            hold_expires_at=booking.created_at - dt.timedelta(minutes=1)
        )
    response = client.post(f"{SITE}/buchung/{booking.token}/", {"action": "confirm"})
    assert response.status_code == 409
    assert "The time to confirm has passed" in response.content.decode()
    assert reload(booking).status == "reserved"  # the sweep expires it, the link changes nothing


def test_unknown_link(client, zeitz):
    assert client.get(f"{SITE}/buchung/nope/").status_code == 404


def test_appointment_limit_per_address_429(client, zeitz, appointment):
    day = workday()
    book(appointment, email="max@example.org", start=at(day, 10))
    url = f"{SITE}/angebot/{appointment.pk}/?tag={day}"
    period = f"{at(day, 9).isoformat()}|{at(day, 9, 20).isoformat()}"
    response = client.post(url, {"period": period, "name": "Max", "email": "max@example.org"})
    assert response.status_code == 429 and response["Retry-After"]


def test_register_for_an_event(client, zeitz, anna):
    event = make_event(zeitz, capacity=1, waiting_list=True)
    client.force_login(anna)
    page = client.get(f"{SITE}/angebot/{event.pk}/").content.decode()
    assert "1 place free." in page
    assert client.post(f"{SITE}/angebot/{event.pk}/").status_code == 302
    with scope(municipality=zeitz):
        assert Booking.objects.get().status == "confirmed"


def test_check_in_by_link_and_qr(client, zeitz, hub, anna):
    from django.utils import timezone

    desk = make_resource(zeitz, "desk", "Desk", hub=hub, check_in_grace_minutes=30)
    day = workday()
    booking = book(desk, anna, start=at(day, 8), end=at(day, 18))
    html = client.get(f"{SITE}/buchung/{booking.token}/").content.decode()
    assert 'class="segno"' in html and "/einchecken/" in html
    response = client.post(f"{SITE}/buchung/{booking.token}/einchecken/")
    assert response.status_code == 409  # not yet: the day has not come
    with scope(municipality=zeitz):
        Booking.objects.filter(pk=booking.pk).update(
            start=timezone.now() - dt.timedelta(minutes=5),
            end=timezone.now() + dt.timedelta(hours=2),
        )
    assert client.post(f"{SITE}/buchung/{booking.token}/einchecken/").status_code == 302
    assert reload(booking).status == "checked_in"


def test_hub_ical_feed(client, zeitz, hub):
    make_event(zeitz, hub=hub, name="Gründerabend")
    response = client.get(f"{SITE}/hub/hub/kalender.ics")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:Gründerabend" in body and "DTSTART;TZID=Europe/Berlin:" in body
    assert "BEGIN:VTIMEZONE" in body


def test_my_bookings_in_the_account(client, zeitz, naumburg, hub, anna):
    from revier.accounts.services import organisation_create

    company = organisation_create(name="Hub-Partner GmbH", admin=anna)
    with scope(municipality=zeitz):
        services.contingent_set(
            municipality=zeitz, hub=hub, organisation=company, desks=5,
            valid_from=workday(-30),
        )  # fmt: skip
    book(make_event(zeitz, name="Zeitzer Abend"), anna)
    book(make_event(naumburg, name="Naumburger Abend"), anna)
    book(make_event(zeitz, name="Not mine"), make_user_("ben@example.org"))
    client.force_login(anna)
    html = client.get("/zeitz/konto/termine/").content.decode()
    assert "Zeitzer Abend" in html and "Naumburger Abend" in html and "Not mine" not in html
    assert "Hub-Partner GmbH at Digital Hub Zeitz: 5 desks, 0 booked today" in html
    assert client.get("/zeitz/termine/").content.decode().count("/zeitz/konto/termine/") == 1


def make_user_(email):
    from tests.conftest import make_user

    return make_user(email)
