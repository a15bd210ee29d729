import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope

from revier.booking.calendar import local
from revier.core.holidays import public_holidays
from tests.conftest import make_municipality, make_staff, make_user

HOURS = {d: [(dt.time(8), dt.time(18))] for d in range(5)}


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def zeitz(db):
    return make_municipality("zeitz", enabled_modules=["news", "booking"])


@pytest.fixture
def naumburg(db):
    return make_municipality("naumburg", enabled_modules=["booking"])


def workday(days_ahead: int = 7, land: str = "15") -> dt.date:
    """A Monday–Friday at least ``days_ahead`` days away that is no public holiday."""
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    while day.weekday() > 4 or day in public_holidays(land, day.year):
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return local(day, dt.time(hour, minute))


def make_resource(municipality, kind="desk", name=None, **fields):
    from revier.booking import services

    with scope(municipality=municipality):
        fields.setdefault("opening_hours", HOURS if kind not in ("event", "course") else None)
        return services.resource_create(
            municipality=municipality, kind=kind, name=name or f"{kind} 1", **fields
        )


def make_event(municipality, *, capacity=3, waiting_list=False, days_ahead=10, **fields):
    from revier.booking import services

    day = workday(days_ahead)
    with scope(municipality=municipality):
        return services.event_create(
            municipality=municipality,
            name=fields.pop("name", "Netzwerkabend"),
            start=at(day, 18),
            end=at(day, 21),
            capacity=capacity,
            waiting_list=waiting_list,
            **fields,
        )


@pytest.fixture
def hub(zeitz):
    from revier.booking import services

    with scope(municipality=zeitz):
        return services.hub_create(municipality=zeitz, name="Digital Hub Zeitz", slug="hub")


@pytest.fixture
def desk(zeitz, hub):
    return make_resource(zeitz, "desk", "Schreibtisch 01", hub=hub)


@pytest.fixture
def room(zeitz, hub):
    return make_resource(zeitz, "room", "Besprechungsraum", hub=hub, duration_minutes=30)


@pytest.fixture
def anna(db):
    return make_user("anna.schmidt@example.org")


@pytest.fixture
def ben(db):
    return make_user("ben.mueller@example.org")


@pytest.fixture
def hub_manager(zeitz):
    return make_staff(zeitz, "hub_manager", "hub-manager@zeitz.example")


def book(resource, user=None, **kwargs):
    from revier.booking import services

    with scope(municipality=resource.municipality):
        return services.booking_create(resource=resource, actor=user, **kwargs)


def reload(obj):
    with scope(municipality=obj.municipality):
        return type(obj).objects.get(pk=obj.pk)


def token_client(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
