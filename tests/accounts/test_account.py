"""The person's own account below /<slug>/konto/: profile and organisations."""

import pytest

from revier.accounts.models import Membership, Organisation
from revier.accounts.services import organisation_create
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

KONTO = "/zeitz/konto/"


@pytest.fixture
def anna(client, zeitz):
    user = make_user("anna@example.org", first_name="Anna", last_name="Schmidt")
    client.force_login(user)
    return user


@pytest.fixture
def company(anna):
    return organisation_create(name="Hub-Partner GmbH", admin=anna, city="Zeitz")


def _membership(organisation, user):
    return Membership.objects.filter(organisation=organisation, user=user).first()


def test_anonymous_is_sent_to_login(client, zeitz):
    response = client.get(KONTO)
    assert response.status_code == 302
    assert response["Location"] == "/zeitz/accounts/login/?next=/zeitz/konto/"


def test_overview_shows_profile_and_organisations(client, anna, company):
    response = client.get(KONTO)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Schmidt" in html and "anna@example.org" in html
    assert [m.organisation for m in response.context["memberships"]] == [company]
    assert f'href="/zeitz/konto/organisationen/{company.pk}/"' in html


def test_profile_update(client, anna):
    response = client.post(
        KONTO + "profil/",
        {"first_name": " Anna-Lena ", "last_name": "Schmidt", "preferred_language": "en"},
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert (anna.first_name, anna.preferred_language) == ("Anna-Lena", "en")


def test_profile_with_unknown_language_changes_nothing(client, anna):
    response = client.post(
        KONTO + "profil/",
        {"first_name": "Changed", "last_name": "Name", "preferred_language": "xx"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["preferred_language"]
    assert 'value="Changed"' in response.content.decode()
    anna.refresh_from_db()
    assert (anna.first_name, anna.preferred_language) == ("Anna", "de")


def test_create_organisation_makes_creator_admin(client, anna):
    response = client.post(
        KONTO + "organisationen/neu/",
        {"name": "Verein Zeitzer Kultur e. V.", "kind": "association", "city": "Zeitz"},
    )
    organisation = Organisation.objects.get(name="Verein Zeitzer Kultur e. V.")
    assert response.status_code == 302
    assert response["Location"] == f"{KONTO}organisationen/{organisation.pk}/"
    assert organisation.kind == "association"
    assert _membership(organisation, anna).role == Membership.Role.ADMIN


def test_create_organisation_with_bad_input_keeps_values(client, anna):
    response = client.post(
        KONTO + "organisationen/neu/",
        {"name": "", "kind": "company", "city": "Zeitz", "email": "kein-mail"},
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "email"}
    assert 'value="Zeitz"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_admin_adds_existing_person_and_sets_role(client, anna, company):
    ben = make_user("ben@example.org")
    response = client.post(
        f"{KONTO}organisationen/{company.pk}/mitglieder/neu/",
        {"email": "BEN@example.org", "role": "member"},
    )
    assert response.status_code == 302
    membership = _membership(company, ben)
    assert membership.role == "member"

    response = client.post(
        f"{KONTO}organisationen/{company.pk}/mitglieder/{membership.pk}/", {"role": "admin"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "admin"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.org", "Nobody with this e-mail address has an account."),
        ("anna@example.org", "This person is already a member."),
    ],
)
def test_adding_unknown_or_existing_member_is_a_field_error(client, anna, company, email, message):
    response = client.post(
        f"{KONTO}organisationen/{company.pk}/mitglieder/neu/", {"email": email, "role": "member"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["email"][0].startswith(message)
    assert Membership.objects.filter(organisation=company).count() == 1


def test_admin_removes_member(client, anna, company):
    ben = make_user("ben@example.org")
    Membership.objects.create(organisation=company, user=ben)
    membership = _membership(company, ben)
    url = f"{KONTO}organisationen/{company.pk}/mitglieder/{membership.pk}/entfernen/"
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert _membership(company, ben) is None


def test_last_admin_cannot_leave_or_step_down(client, anna, company):
    own = _membership(company, anna)
    response = client.post(f"{KONTO}organisationen/{company.pk}/mitglieder/{own.pk}/entfernen/")
    assert response.status_code == 400
    assert "at least one administrator" in response.content.decode()
    response = client.post(
        f"{KONTO}organisationen/{company.pk}/mitglieder/{own.pk}/", {"role": "member"}
    )
    assert response.status_code == 400
    assert "at least one administrator" in response.content.decode()
    own.refresh_from_db()
    assert own.role == "admin"


def test_member_sees_organisation_but_cannot_manage(client, zeitz, anna, company):
    ben = make_user("ben@example.org")
    Membership.objects.create(organisation=company, user=ben)
    client.force_login(ben)

    response = client.get(f"{KONTO}organisationen/{company.pk}/")
    assert response.status_code == 200
    assert {m.user.email for m in response.context["members"]} == {
        "anna@example.org",
        "ben@example.org",
    }
    assert "mitglieder/neu/" not in response.content.decode()

    carla = make_user("carla@example.org")
    response = client.post(
        f"{KONTO}organisationen/{company.pk}/mitglieder/neu/",
        {"email": carla.email, "role": "admin"},
    )
    assert response.status_code == 403
    anna_membership = _membership(company, anna)
    remove = f"{KONTO}organisationen/{company.pk}/mitglieder/{anna_membership.pk}/entfernen/"
    assert client.post(remove).status_code == 403
    assert _membership(company, carla) is None
    assert _membership(company, anna) is not None


def test_outsider_does_not_see_organisation(client, zeitz, company):
    client.force_login(make_user("eve@example.org"))
    assert client.get(f"{KONTO}organisationen/{company.pk}/").status_code == 404
    response = client.post(
        f"{KONTO}organisationen/{company.pk}/mitglieder/neu/",
        {"email": "eve@example.org", "role": "admin"},
    )
    assert response.status_code == 404
    assert Membership.objects.filter(organisation=company).count() == 1
