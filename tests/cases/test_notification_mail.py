"""The notification of a decision as the applicant reads it (issue 12, items 4 and 5): from the
town, its contact in the footer, text and HTML, and the link built from the configured public
URL — not from port 8000 whatever port the server runs on."""

import pytest
from django.core import mail
from django_scopes import scope

from revier.cases import services
from tests.cases.conftest import make_case

pytestmark = pytest.mark.django_db


def test_decision_notification_from_the_town_with_the_public_link(
    zeitz, worker, resident, settings, django_capture_on_commit_callbacks
):
    from revier.tenancy.services import municipality_update

    settings.REVIER_PUBLIC_URL = "http://127.0.0.1:9412"
    municipality_update(
        municipality=zeitz,
        official_name="Stadt Zeitz",
        street="Altmarkt 1",
        postcode="06712",
        city="Zeitz",
        phone="03441 12345-0",
    )
    resident.preferred_language = "de"
    resident.save()
    case = make_case(zeitz, 1, applicant=resident)
    with scope(municipality=zeitz), django_capture_on_commit_callbacks(execute=True):
        services.case_decision_create(
            case=case, actor=worker, result="granted", subject="Bescheid", text="Bewilligt."
        )
    [message] = mail.outbox
    link = "http://127.0.0.1:9412/zeitz/konto/antraege/ZEI-C-000001/"
    assert message.from_email == "Stadt Zeitz <noreply@revier.localhost>"
    assert message.reply_to == ["rathaus@zeitz.example"]
    assert message.subject == "Bescheid zu Ihrem Antrag ZEI-C-000001"
    assert message.body == (
        "Guten Tag,\n\n"
        "Zu Ihrem Antrag „Hundesteuer Anmeldung“ (ZEI-C-000001) liegt ein Bescheid in Ihrem "
        "Konto vor.\n\n"
        "Zu Ihrem Schutz enthält diese E-Mail nicht den Inhalt. Bitte melden Sie sich an, um "
        f"ihn zu lesen:\n{link}\n\n"
        "Mit freundlichen Grüßen\nStadt Zeitz\n\n"
        "-- \n"
        "Stadt Zeitz\n"
        "Altmarkt 1, 06712 Zeitz\n"
        "Telefon 03441 12345-0 · E-Mail rathaus@zeitz.example\n"
    )
    assert ":8000" not in message.body
    (html, kind), *_rest = message.alternatives
    assert kind == "text/html" and '<html lang="de">' in html
    assert f'<a href="{link}">{link}</a>' in html
