"""``revier create-user … --organisation NAME`` (issue 14's contract)."""

import io

import pytest
from django.core.management import call_command

from revier.accounts.models import Membership

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("create-user", *args, stdout=out)
    return out.getvalue().strip()


def test_organisation_created_then_joined(zeitz):
    assert run("--email", "chefin@firma.example", "--organisation", "Firma GmbH") == (
        "chefin@firma.example"
    )
    assert (
        run(
            "--email",
            "dev@firma.example",
            "--organisation",
            "Firma GmbH",
            "--municipality",
            "zeitz",
            "--role",
            "hub_manager",
        )
        == "dev@firma.example"
    )
    roles = dict(
        Membership.objects.filter(organisation__name="Firma GmbH").values_list(
            "user__email", "role"
        )
    )
    assert roles == {"chefin@firma.example": "admin", "dev@firma.example": "member"}


def test_member_books_within_the_contingent_from_the_command(zeitz, hub):
    from django.utils import timezone
    from django_scopes import scope

    from revier.accounts.models import Organisation, User
    from revier.booking import services
    from tests.booking.conftest import at, make_resource, workday

    run("--email", "m@firma.example", "--organisation", "Firma GmbH")
    company = Organisation.objects.get(name="Firma GmbH")
    desk = make_resource(zeitz, "desk", "D1", hub=hub)
    with scope(municipality=zeitz):
        services.contingent_set(
            municipality=zeitz,
            hub=hub,
            organisation=company,
            desks=1,
            valid_from=timezone.localdate(),
        )
        booking = services.booking_create(
            resource=desk,
            actor=User.objects.get(email="m@firma.example"),
            organisation=company,
            start=at(workday(), 8),
            end=at(workday(), 18),
        )
    assert booking.contingent.organisation == company
