"""The demo data and the `revier demo-users` contract (email<TAB>municipality-slug<TAB>role)."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django_scopes import scope

from revier.accounts.demo import DEMO_PASSWORD
from revier.accounts.models import Membership, StaffRole, User
from revier.core import kit
from revier.core.demo import load_demo
from revier.tenancy.models import Municipality

pytestmark = pytest.mark.django_db


def test_demo_creates_the_real_municipalities_and_is_idempotent():
    load_demo()
    counts = (Municipality.objects.count(), User.objects.count(), Membership.objects.count())
    load_demo()
    assert (Municipality.objects.count(), User.objects.count(), Membership.objects.count()) == (
        counts
    )
    keys = {m.slug: (m.ags, m.ars, m.land, m.kreis) for m in Municipality.objects.all()}
    assert keys == {
        "zeitz": ("15084590", "150840590590", "Sachsen-Anhalt", "Burgenlandkreis"),
        "naumburg": ("15084355", "150840355355", "Sachsen-Anhalt", "Burgenlandkreis"),
        "elsteraue": ("15084130", "150840130130", "Sachsen-Anhalt", "Burgenlandkreis"),
    }


def test_demo_users_lines_are_real_logins_with_their_roles(capsys):
    load_demo()
    call_command("demo-users")
    lines = capsys.readouterr().out.strip().splitlines()
    rows = [line.split("\t") for line in lines]
    assert all(len(row) == 3 for row in rows)
    roles_by_town: dict[str, set[str]] = {}
    for email, slug, role in rows:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user).verified
        municipality = Municipality.objects.get(slug=slug)
        roles_by_town.setdefault(slug, set()).add(role)
        if role == "company":
            assert Membership.objects.filter(user=user).exists()
        elif role != "resident":
            with scope(municipality=municipality):
                assert StaffRole.objects.filter(user=user, role=role).exists()
    for slug in ("zeitz", "naumburg", "elsteraue"):
        # Every role with something to do; roles of modules not built yet are not offered.
        assert {r for r in StaffRole.Role.values if kit.role_in_use(r)} <= roles_by_town[slug]
        assert not {"archivist", "planner", "funding_officer"} & roles_by_town[slug]
    assert "resident" in roles_by_town["zeitz"]
    assert "company" in roles_by_town["zeitz"]
