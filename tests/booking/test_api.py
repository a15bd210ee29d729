"""The API contract of issue 14: bookables, availability, bookings, me/bookings."""

import datetime as dt

import pytest
from django_scopes import scope
from rest_framework.test import APIClient

from revier.booking.models import Booking
from tests.booking.conftest import at, make_event, make_resource, token_client, workday
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

BASE = "/api/v1/zeitz"


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


def test_bookables_list_by_kind(zeitz, hub, desk, room):
    event = make_event(zeitz, hub=hub)
    body = APIClient().get(f"{BASE}/bookables/").json()
    rows = {r["id"]: r for r in body["results"]}
    assert rows[desk.pk] == {
        "id": desk.pk,
        "kind": "desk",
        "name": "Schreibtisch 01",
        "capacity": 1,
        "ical_url": "http://127.0.0.1:8000/zeitz/termine/hub/hub/kalender.ics",
    }
    only = APIClient().get(f"{BASE}/bookables/?kind=event").json()["results"]
    assert [r["id"] for r in only] == [event.pk]
    assert problem(APIClient().get(f"{BASE}/bookables/?kind=boat"), 400)["errors"]["kind"]


def test_module_switched_off_is_404(naumburg):
    from revier.tenancy.services import municipality_update

    municipality_update(municipality=naumburg, enabled_modules=[])
    assert APIClient().get("/api/v1/naumburg/bookables/").status_code == 404


def test_availability_of_a_desk(zeitz, desk, anna):
    day = workday()
    url = f"{BASE}/bookables/{desk.pk}/availability/?from={day}&to={day}"
    free = APIClient().get(url).json()
    assert [(f["start"], f["end"], f["remaining"]) for f in free] == [
        (at(day, 8).isoformat(), at(day, 18).isoformat(), 1),
        (at(day, 8).isoformat(), at(day, 13).isoformat(), 1),
        (at(day, 13).isoformat(), at(day, 18).isoformat(), 1),
    ]
    token_client(anna).post(
        f"{BASE}/bookings/",
        {"bookable": desk.pk, "start": at(day, 8).isoformat(), "end": at(day, 13).isoformat()},
        format="json",
    )
    free = APIClient().get(url).json()
    assert [(f["start"], f["end"]) for f in free] == [
        (at(day, 13).isoformat(), at(day, 18).isoformat())
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2027-01-01", "to"), ("from=x&to=2027-01-01", "from"),
     ("from=2027-01-10&to=2027-01-01", "to"), ("from=2027-01-01&to=2027-06-01", "to")],
)  # fmt: skip
def test_availability_bad_dates(zeitz, desk, query, field):
    body = problem(APIClient().get(f"{BASE}/bookables/{desk.pk}/availability/?{query}"), 400)
    assert field in body["errors"]


def test_availability_queries_do_not_grow_with_bookings(zeitz, hub, django_assert_max_num_queries):
    room = make_resource(zeitz, "room", "Raum", hub=hub)
    day = workday()
    url = f"{BASE}/bookables/{room.pk}/availability/?from={day}&to={day + dt.timedelta(days=30)}"
    with django_assert_max_num_queries(8):
        APIClient().get(url)
    for i, hour in enumerate(range(8, 17)):
        client = token_client(make_user(f"r{i}@example.org"))
        response = client.post(
            f"{BASE}/bookings/",
            {"bookable": room.pk, "start": at(day, hour).isoformat(),
             "end": at(day, hour, 30).isoformat()},
            format="json",
        )  # fmt: skip
        assert response.status_code == 201, response.content
    with django_assert_max_num_queries(8):
        free = APIClient().get(url).json()
    assert at(day, 8).isoformat() not in [f["start"] for f in free]


def test_book_an_event_without_dates_and_cancel(zeitz, anna):
    event = make_event(zeitz, capacity=1)
    client = token_client(anna)
    response = client.post(f"{BASE}/bookings/", {"bookable": event.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["ics_url"].endswith("/kalender.ics")
    assert set(body) >= {"id", "status", "start", "end", "ics_url"}
    ics = APIClient().get(body["ics_url"].replace("http://127.0.0.1:8000", ""))
    assert ics.status_code == 200
    assert b"TZID=Europe/Berlin" in ics.content and b"SEQUENCE:0" in ics.content
    # Full, no waiting list: 409, nothing booked.
    other = token_client(make_user("ben@example.org"))
    assert problem(other.post(f"{BASE}/bookings/", {"bookable": event.pk}, format="json"), 409)
    # Cancel: the place is free at once.
    assert client.delete(f"{BASE}/bookings/{body['id']}/").json()["status"] == "cancelled"
    response = other.post(f"{BASE}/bookings/", {"bookable": event.pk}, format="json")
    assert response.status_code == 201
    # Cancelled again: a clear problem, nothing changes.
    assert problem(client.delete(f"{BASE}/bookings/{body['id']}/"), 409)


def test_waitlisted_when_full_with_waiting_list(zeitz, anna):
    event = make_event(zeitz, capacity=1, waiting_list=True)
    token_client(anna).post(f"{BASE}/bookings/", {"bookable": event.pk}, format="json")
    response = token_client(make_user("ben@example.org")).post(
        f"{BASE}/bookings/", {"bookable": event.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"


def test_appointment_is_reserved_until_confirmed(zeitz, anna):
    from revier.booking import services

    resource = make_resource(
        zeitz, "appointment", "Reisepass", capacity=1, duration_minutes=20, confirm_by_email=True
    )
    day = workday()
    with scope(municipality=zeitz):
        services.slots_materialise(resource=resource, start_date=day, end_date=day)
    response = token_client(anna).post(
        f"{BASE}/bookings/", {"bookable": resource.pk, "start": at(day, 9).isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "reserved"
    assert response.json()["end"] == at(day, 9, 20).isoformat()


def test_idempotency_key_one_booking(zeitz, desk, anna):
    day = workday()
    client = token_client(anna)
    data = {"bookable": desk.pk, "start": at(day, 8).isoformat(), "end": at(day, 18).isoformat()}
    first = client.post(f"{BASE}/bookings/", data, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post(f"{BASE}/bookings/", data, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    with scope(municipality=zeitz):
        assert Booking.objects.count() == 1
    other = {**data, "start": at(day, 13).isoformat()}
    assert problem(
        client.post(f"{BASE}/bookings/", other, format="json", HTTP_IDEMPOTENCY_KEY="k1"), 422
    )


def test_double_post_without_key_one_booking(zeitz, desk, anna):
    day = workday()
    client = token_client(anna)
    data = {"bookable": desk.pk, "start": at(day, 8).isoformat(), "end": at(day, 18).isoformat()}
    a = client.post(f"{BASE}/bookings/", data, format="json").json()
    b = client.post(f"{BASE}/bookings/", data, format="json").json()
    assert a["id"] == b["id"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"bookable": None}, "bookable"),
        ({"bookable": "x"}, "bookable"),
        ({"bookable": 999999}, "bookable"),
        ({"start": "tomorrow"}, "start"),
        ({"start": "2020-01-06T08:00:00+01:00", "end": "2020-01-06T18:00:00+01:00"}, "start"),
    ],
)
def test_bad_booking_input_names_the_field(zeitz, desk, anna, data, field):
    if "bookable" not in data:
        data = {"bookable": desk.pk, **data}
    body = problem(token_client(anna).post(f"{BASE}/bookings/", data, format="json"), 400)
    assert field in body["errors"]


def test_booking_needs_a_token(zeitz, desk):
    problem(APIClient().post(f"{BASE}/bookings/", {"bookable": desk.pk}, format="json"), 401)


def test_limit_per_person_is_429(zeitz, anna):
    from revier.booking import services

    resource = make_resource(
        zeitz, "appointment", "Wohnsitz", capacity=3, duration_minutes=30, max_open_per_person=1
    )
    day = workday()
    with scope(municipality=zeitz):
        services.slots_materialise(resource=resource, start_date=day, end_date=day)
    client = token_client(anna)
    for hour, status in ((9, 201), (10, 429)):
        response = client.post(
            f"{BASE}/bookings/", {"bookable": resource.pk, "start": at(day, hour).isoformat()},
            format="json",
        )  # fmt: skip
        assert response.status_code == status
    assert response["Retry-After"]


def test_hub_manager_creates_an_event(zeitz, hub_manager, anna):
    data = {
        "kind": "event",
        "name": "Gründerabend",
        "start": at(workday(5), 18).isoformat(),
        "end": at(workday(5), 20).isoformat(),
        "capacity": 30,
        "waiting_list": True,
    }
    response = token_client(hub_manager).post(f"{BASE}/bookables/", data, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    listed = APIClient().get(f"{BASE}/bookables/?kind=event").json()["results"]
    assert [(r["id"], r["capacity"]) for r in listed] == [(pk, 30)]
    # A resident may not; bad input names the field.
    assert problem(token_client(anna).post(f"{BASE}/bookables/", data, format="json"), 403)
    bad = {**data, "end": data["start"]}
    body = problem(token_client(hub_manager).post(f"{BASE}/bookables/", bad, format="json"), 400)
    assert "end" in body["errors"]
    # Numbers beyond the database's integers are field errors, not overflows (500).
    for field, value in (("capacity", 2**40), ("hub", 2**64)):
        huge = {**data, field: value}
        body = problem(
            token_client(hub_manager).post(f"{BASE}/bookables/", huge, format="json"), 400
        )
        assert field in body["errors"]


def test_me_bookings_across_municipalities(zeitz, naumburg, anna):
    event = make_event(zeitz)
    other = make_event(naumburg, name="Naumburger Abend")
    make_event(zeitz, name="Not mine")
    client = token_client(anna)
    client.post(f"{BASE}/bookings/", {"bookable": event.pk}, format="json")
    client.post("/api/v1/naumburg/bookings/", {"bookable": other.pk}, format="json")
    response = client.get("/api/v1/me/bookings/")
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert sorted((r["municipality"], r["bookable_name"]) for r in rows) == [
        ("naumburg", "Naumburger Abend"),
        ("zeitz", "Netzwerkabend"),
    ]
    assert (
        token_client(make_user("ben@example.org")).get("/api/v1/me/bookings/").json()["results"]
        == []
    )


def test_cannot_cancel_someone_elses_booking(zeitz, anna):
    event = make_event(zeitz)
    body = token_client(anna).post(f"{BASE}/bookings/", {"bookable": event.pk}, format="json")
    ben = token_client(make_user("ben@example.org"))
    problem(ben.delete(f"{BASE}/bookings/{body.json()['id']}/"), 404)
