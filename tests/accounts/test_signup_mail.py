"""Sign-up as a resident of Zeitz reads it (issue 12, item 5): the form asks the name and the
form of address, the e-mail comes from the town with every placeholder filled (text and HTML),
and the confirmation page names the address once."""

import re

import pytest
from django.core import mail
from django.test import Client

from revier.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = "/zeitz/accounts/signup/"


@pytest.fixture
def german():
    client = Client(headers={"Accept-Language": "de"})
    client.cookies["django_language"] = "de"
    return client


@pytest.fixture
def town(zeitz):
    from revier.tenancy.services import municipality_update

    return municipality_update(
        municipality=zeitz,
        official_name="Stadt Zeitz",
        street="Altmarkt 1",
        postcode="06712",
        city="Zeitz",
        phone="03441 12345-0",
    )


def _signup(client, **extra):
    data = {
        "email": "anna@example.org",
        "first_name": "Anna",
        "last_name": "Schmidt",
        "form_of_address": "ms",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(extra)
    return client.post(SIGNUP, data)


def test_signup_mail_comes_from_the_town_with_every_placeholder_filled(german, town, run_on_commit):
    with run_on_commit():
        response = _signup(german)
    assert response.status_code == 302
    user = User.objects.get(email="anna@example.org")
    assert (user.first_name, user.last_name, user.form_of_address) == ("Anna", "Schmidt", "ms")

    message = mail.outbox[0]
    assert message.from_email == "Stadt Zeitz <noreply@revier.localhost>"
    assert message.reply_to == ["rathaus@zeitz.example"]
    assert message.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    link = re.search(r"http://testserver/zeitz/accounts/confirm-email/\S+/", message.body)[0]
    assert message.body == (
        "Guten Tag Anna Schmidt,\n\n"
        "vielen Dank für Ihre Registrierung im Serviceportal Stadt Zeitz.\n\n"
        "Bitte bestätigen Sie Ihre E-Mail-Adresse mit diesem Link:\n"
        f"{link}\n\n"
        "Wenn Sie sich nicht registriert haben, können Sie diese E-Mail ignorieren: Ohne "
        "Bestätigung wird kein Konto eröffnet.\n\n"
        "Mit freundlichen Grüßen\n"
        "Ihr Serviceportal Stadt Zeitz\n\n"
        "-- \n"
        "Stadt Zeitz\n"
        "Altmarkt 1, 06712 Zeitz\n"
        "Telefon 03441 12345-0 · E-Mail rathaus@zeitz.example\n"
    )
    (html, kind), *_rest = message.alternatives
    assert kind == "text/html"
    assert '<html lang="de">' in html
    assert f'<a href="{link}">{link}</a>' in html
    assert "<p>vielen Dank für Ihre Registrierung im Serviceportal Stadt Zeitz.</p>" in html
    assert "Telefon 03441 12345-0 · E-Mail rathaus@zeitz.example" in html
    for text in (message.body, html):
        assert "  " not in text.replace("-- \n", "") and " ." not in text
        assert "Serviceportal ." not in text and "bei  zu" not in text

    page = german.get(link.removeprefix("http://testserver")).content.decode()
    assert "Bitte bestätigen Sie, dass anna@example.org Ihre E-Mail-Adresse ist." in page
    assert "eine E-Mail-Adresse von" not in page


def test_signup_asks_the_name_with_autocomplete_and_names_what_is_missing(german, town):
    page = german.get(SIGNUP).content.decode()
    assert 'name="first_name"' in page and 'autocomplete="given-name"' in page
    assert 'name="last_name"' in page and 'autocomplete="family-name"' in page
    assert "Anrede" in page and "Anrede (freiwillig)" not in page
    assert page.index('name="first_name"') < page.index('name="email"')

    response = _signup(german, first_name="", last_name="", form_of_address="")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Geben Sie Ihren Vornamen ein." in body
    assert "Geben Sie Ihren Familiennamen ein." in body
    assert 'value="anna@example.org"' in body  # the other answers stay
    assert not User.objects.filter(email="anna@example.org").exists()


def test_without_a_name_the_mail_greets_neutrally_and_on_the_platform_the_platform_writes(
    german, run_on_commit, settings
):
    settings.REVIER_OPERATOR_NAME = "Demo-Betrieb der Plattform Revier"
    settings.REVIER_OPERATOR_ADDRESS = "Musterstraße 1, 06712 Zeitz"
    settings.REVIER_OPERATOR_EMAIL = "betrieb@revier.example"
    with run_on_commit():
        german.post(
            "/accounts/signup/",
            {
                "email": "kim@example.org",
                "first_name": "Kim",
                "last_name": "Berger",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    message = mail.outbox[0]
    assert message.from_email == "Revier <noreply@revier.localhost>"
    assert message.reply_to == ["betrieb@revier.example"]
    assert message.body.startswith(
        "Guten Tag Kim Berger,\n\nvielen Dank für Ihre Registrierung im Serviceportal Revier.\n"
    )
    assert message.body.endswith(
        "-- \nDemo-Betrieb der Plattform Revier\nMusterstraße 1, 06712 Zeitz\n"
        "E-Mail betrieb@revier.example\n"
    )
