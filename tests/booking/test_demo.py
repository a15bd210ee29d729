"""The demo's part of the contract: Digital Hub Zeitz (≥ 20 desks, 3 rooms), the contingent of
five desks of the company of firma@hub-partner.example, appointment services at the
Bürgerbüro, two upcoming events and a course with sessions."""

import pytest
from django.utils import timezone
from django_scopes import scope

from revier.booking.models import Booking, Contingent, Hub, Resource, Slot
from revier.core.demo import load_demo
from revier.tenancy.models import Municipality

pytestmark = pytest.mark.django_db


def test_demo_has_what_the_contract_names_and_is_idempotent():
    load_demo()
    zeitz = Municipality.objects.get(slug="zeitz")
    assert zeitz.module_enabled("booking")
    with scope(municipality=zeitz):
        counts = (Resource.objects.count(), Slot.objects.count(), Contingent.objects.count())
        hub = Hub.objects.get(name="Digital Hub Zeitz")
        assert Resource.objects.filter(hub=hub, kind="desk").count() >= 20
        assert Resource.objects.filter(hub=hub, kind="room").count() == 3
        contingent = Contingent.objects.get(hub=hub)
        assert contingent.desks == 5
        assert contingent.organisation.memberships.filter(
            user__email="firma@hub-partner.example"
        ).exists()
        appointments = Resource.objects.filter(kind="appointment", office__name="Bürgerbüro")
        assert appointments.count() >= 3
        assert Slot.objects.filter(resource__in=appointments, start__gt=timezone.now()).exists()
        events = Resource.objects.filter(kind="event")
        assert Slot.objects.filter(resource__in=events, start__gt=timezone.now()).count() >= 2
        course = Resource.objects.get(kind="course")
        assert Slot.objects.filter(resource=course).count() >= 2
    load_demo()
    with scope(municipality=zeitz):
        again = (Resource.objects.count(), Slot.objects.count(), Contingent.objects.count())
        assert again == counts
        assert Booking.objects.count() == 0


def test_demo_company_books_within_its_contingent():
    from revier.accounts.models import User
    from revier.booking import services
    from tests.booking.conftest import at, workday

    load_demo()
    zeitz = Municipality.objects.get(slug="zeitz")
    user = User.objects.get(email="firma@hub-partner.example")
    organisation = user.memberships.get().organisation
    day = workday()
    with scope(municipality=zeitz):
        desks = list(Resource.objects.filter(kind="desk").order_by("name")[:6])
        for desk in desks[:5]:
            services.booking_create(
                resource=desk,
                actor=user,
                organisation=organisation,
                start=at(day, 8),
                end=at(day, 18),
            )
        with pytest.raises(services.BookingUnavailable):
            services.booking_create(
                resource=desks[5],
                actor=user,
                organisation=organisation,
                start=at(day, 8),
                end=at(day, 18),
            )
