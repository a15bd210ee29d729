"""The accessibility feedback form and the language switch."""

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from revier.portal.models import AccessibilityFeedback

VALID = {
    "message": "Die Tabelle auf der Seite Aktuelles lässt sich nicht mit der Tastatur bedienen.",
    "page_url": "/zeitz/aktuelles/",
    "name": "Erika Mustermann",
    "email": "erika@example.org",
}


@pytest.mark.django_db
def test_feedback_is_stored_in_the_right_municipality_and_mailed(
    client, zeitz, naumburg, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/zeitz/barrierefreiheit/", VALID)
    assert response.status_code == 302
    assert response["Location"] == "/zeitz/barrierefreiheit/"

    with scope(municipality=zeitz):
        feedback = AccessibilityFeedback.objects.get()
    assert (feedback.message, feedback.page_url, feedback.name, feedback.email) == (
        VALID["message"],
        VALID["page_url"],
        VALID["name"],
        VALID["email"],
    )
    assert feedback.status == AccessibilityFeedback.Status.NEW
    with scope(municipality=naumburg):
        assert not AccessibilityFeedback.objects.exists()

    assert len(mail.outbox) == 2
    to_town, receipt = sorted(mail.outbox, key=lambda m: m.to[0] != "barrierefrei@zeitz.example")
    assert to_town.to == ["barrierefrei@zeitz.example"]
    assert to_town.reply_to == ["erika@example.org"]
    assert "Zeitz" in to_town.subject
    assert VALID["message"] in to_town.body
    assert "/zeitz/aktuelles/" in to_town.body
    assert "Erika Mustermann" in to_town.body
    assert receipt.to == ["erika@example.org"]
    assert VALID["message"] in receipt.body
    assert "Hello Erika Mustermann," in receipt.body

    # The success message is shown after the redirect.
    page = client.get("/zeitz/barrierefreiheit/")
    assert "Thank you. Your feedback has been sent" in page.content.decode()


@pytest.mark.django_db
def test_anonymous_feedback_sends_no_receipt(client, zeitz, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/zeitz/barrierefreiheit/", {"message": "Kontrast zu gering."})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["barrierefrei@zeitz.example"]]
    assert mail.outbox[0].reply_to == []


@pytest.mark.django_db
def test_invalid_feedback_shows_errors_and_keeps_every_value(client, zeitz):
    data = {**VALID, "message": "", "email": "keine-adresse"}
    response = client.post("/zeitz/barrierefreiheit/", data)
    assert response.status_code == 400
    html = response.content.decode()
    # Both errors are shown at their fields, linked by aria-describedby, and in the summary.
    assert 'id="id_message-error"' in html
    assert 'id="id_email-error"' in html
    assert 'aria-describedby="id_message-hint id_message-error" aria-invalid="true"' in html
    assert 'href="#id_message"' in html
    assert 'href="#id_email"' in html
    # Every entered value is still there.
    assert 'name="page_url" value="/zeitz/aktuelles/"' in html
    assert 'name="name" value="Erika Mustermann"' in html
    assert 'name="email" value="keine-adresse"' in html
    with scopes_disabled():
        assert not AccessibilityFeedback.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_invalid_feedback_keeps_the_message_text(client, zeitz):
    response = client.post("/zeitz/barrierefreiheit/", {**VALID, "email": "falsch"})
    assert response.status_code == 400
    assert VALID["message"] in response.content.decode()


@pytest.mark.django_db
def test_platform_feedback_goes_to_the_operator(
    client, settings, django_capture_on_commit_callbacks
):
    settings.REVIER_OPERATOR_EMAIL = "betrieb@kommunal-it.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/barrierefreiheit/", {"message": "Schrift zu klein."})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["betrieb@kommunal-it.example"]]
    assert "Schrift zu klein." in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "de"])
def test_language_switch(client, settings, zeitz, language):
    settings.LANGUAGE_CODE = "de"
    response = client.post(
        "/zeitz/i18n/setlang/", {"language": language, "next": "/zeitz/impressum/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/zeitz/impressum/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    page = client.get("/zeitz/impressum/")
    html = page.content.decode()
    assert f'<html lang="{language}"' in html
    # The switch offers the other language (a toggle button, no select to open).
    other = "de" if language == "en" else "en"
    assert f'name="language" value="{other}" lang="{other}"' in html
    assert f'name="language" value="{language}"' not in html
    assert page.context["LANGUAGE_CODE"] == language


@pytest.mark.django_db
def test_german_is_the_default_language(client, settings, zeitz):
    settings.LANGUAGE_CODE = "de"
    html = client.get("/zeitz/").content.decode()
    assert '<html lang="de"' in html
    assert 'name="language" value="en" lang="en"' in html


@pytest.mark.django_db
def test_pages_are_german_whatever_the_browser_asks_until_the_person_switches(
    client, zeitz, settings
):
    settings.LANGUAGE_CODE = "de"  # this folder's tests otherwise default to English
    response = client.get("/zeitz/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="de"' in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en"' in client.get("/zeitz/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="de"' in client.get("/zeitz/").content.decode()


@pytest.mark.django_db
def test_api_negotiates_language_with_accept_language(client, zeitz):
    response = client.get("/api/v1/atlantis/news/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["title"] == "Not found"
    response = client.get("/api/v1/atlantis/news/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.json()["title"] != "Not found"
