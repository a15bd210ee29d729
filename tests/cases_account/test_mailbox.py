"""The mailbox (unread first marked, read on opening, paginated), the overview's counter and the
signed links of notification e-mails (valid, tampered, expired, someone else's)."""

import time

import pytest
from django.conf import settings
from django.core import signing
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import set_urlconf
from django_scopes import scope

from revier.cases.models import Message
from revier.cases.services_account import message_link, message_link_token
from tests.applications.conftest import offer_form
from tests.cases_account.conftest import bare_application, bare_case, message_to
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

MAILBOX = "/zeitz/konto/postfach/"


@pytest.fixture
def case(zeitz, resident):
    version = offer_form(zeitz, with_file=False)["version"]
    return bare_case(zeitz, bare_application(zeitz, version, "ZEI-T-MAIL", applicant=resident))


def test_mailbox_marks_unread_and_reading_marks_read(client, case, resident):
    first = message_to(case, subject="Erste Nachricht")
    second = message_to(case, subject="Zweite Nachricht", requests_information=True)
    with scope(municipality=case.municipality):
        Message.objects.create(
            municipality=case.municipality,
            case=case,
            direction=Message.Direction.FROM_APPLICANT,
            subject="Meine Antwort",
            body="…",
        )
    client.force_login(resident)
    html = client.get(MAILBOX).content.decode()
    assert html.index("Zweite Nachricht") < html.index("Erste Nachricht")  # newest first
    assert "Meine Antwort" not in html  # the mailbox holds the town hall's messages
    assert html.count(">unread<") == 2 and "answer needed" in html
    assert "Mailbox (2 unread)" in html

    detail = client.get(f"{MAILBOX}{second.pk}/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Bitte senden Sie uns den Nachweis." in page
    assert f"/zeitz/konto/antraege/{case.reference}/?antwort={second.pk}#antworten" in page
    with scope(municipality=case.municipality):
        assert Message.objects.get(pk=second.pk).read_at is not None
        assert Message.objects.get(pk=first.pk).read_at is None
    html = client.get(MAILBOX).content.decode()
    assert html.count(">unread<") == 1 and "Mailbox (1 unread)" in html


def test_mailbox_is_paginated(client, case, resident):
    for n in range(23):
        message_to(case, subject=f"Nachricht {n:02d}")
    client.force_login(resident)
    first = client.get(MAILBOX).content.decode()
    assert "Nachricht 22" in first and "Nachricht 02" not in first
    assert "Page 1 of 2" in first
    second = client.get(MAILBOX + "?page=2").content.decode()
    assert "Nachricht 02" in second and "Nachricht 22" not in second


def test_overview_counter_tag(case, resident, zeitz):
    message_to(case)
    message_to(case)
    request = RequestFactory().get("/konto/")
    request.user = resident
    request.municipality = zeitz
    template = Template("{% load casework_account %}{% casework_summary %}")
    # As the tenancy middleware does for a municipality's request (not left to an earlier test).
    set_urlconf(settings.MUNICIPALITY_URLCONF)
    try:
        with scope(municipality=zeitz):
            html = template.render(Context({"request": request}))
    finally:
        set_urlconf(None)
    assert "You have 2 unread messages from the town hall." in html
    assert 'href="/konto/postfach/"' in html
    # On the platform (no municipality) the box is left out.
    request.municipality = None
    assert template.render(Context({"request": request})).strip() == ""


def test_signed_link_leads_to_the_message_after_login(client, case, resident, settings):
    message = message_to(case)
    with scope(municipality=case.municipality):
        link = message_link(message=message)
    assert link.startswith(f"{settings.REVIER_PUBLIC_URL}/zeitz/konto/postfach/link/")
    path = link[len(settings.REVIER_PUBLIC_URL) :]

    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    login = client.post(anonymous["Location"], {"login": resident.email, "password": PASSWORD})
    assert login.status_code == 302 and login["Location"] == path
    opened = client.get(path)
    assert opened.status_code == 302 and opened["Location"] == f"{MAILBOX}{message.pk}/"

    # Someone else following the link sees nothing.
    client.force_login(make_user("mallory@example.org"))
    assert client.get(path).status_code == 404


def test_tampered_link_is_refused(client, case, resident):
    message = message_to(case)
    other = message_to(case, subject="Andere")
    token = message_link_token(message=message)
    client.force_login(resident)
    # Pointing the signed value to another message breaks the signature.
    value, _sep, signature = token.partition(":")
    forged = signing.b64_encode(f'{{"t":{case.municipality_id},"m":{other.pk}}}'.encode()).decode()
    for bad in (f"{forged}:{signature}", token[:-2] + "xx", "nonsense"):
        response = client.get(f"{MAILBOX}link/{bad}/")
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert value  # the original is intact


def test_link_of_another_municipality_is_refused(client, case, resident, naumburg):
    message = message_to(case)
    token = message_link_token(message=message)
    naumburg.enabled_modules = ["news", "services"]
    naumburg.save()
    client.force_login(resident)
    response = client.get(f"/naumburg/konto/postfach/link/{token}/")
    assert response.status_code == 400


def test_expired_link_says_where_the_message_is(client, case, resident, monkeypatch):
    message = message_to(case)
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() - 31 * 24 * 3600)
    token = message_link_token(message=message)
    monkeypatch.setattr(signing.time, "time", real)
    client.force_login(resident)
    response = client.get(f"{MAILBOX}link/{token}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "This link has expired" in html and 'href="/zeitz/konto/postfach/"' in html
    with scope(municipality=case.municipality):
        assert Message.objects.get(pk=message.pk).read_at is None
