"""Back office of notifications: templates per event and language with preview and reset,
refused placeholders, the sent list (filters, constant query count), SMS settings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from revier.core import kit
from revier.core.models import AuditLogEntry
from revier.notifications.models import Notification, NotificationTemplate, SmsSettings
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

BASE = "/zeitz/backoffice/benachrichtigungen/"
EDIT = BASE + "vorlagen/case_message/de/"


@pytest.fixture
def admin_client(client, zeitz):
    client.force_login(make_staff(zeitz))
    return client


def test_template_list_edit_preview_save_and_reset(admin_client, zeitz):
    page = admin_client.get(BASE)
    assert page.status_code == 200
    # Every declared event in both languages, whichever modules declare them.
    assert page.content.decode().count(">default text<") == 2 * len(kit.notification_events())
    page = admin_client.get(EDIT)
    assert page.status_code == 200
    assert "Preview with sample values" in page.content.decode()

    data = {"subject": "Neu: {reference}", "body": "Hallo, {service}: {link}", "sms_text": ""}
    preview = admin_client.post(EDIT, {**data, "preview": "1"})
    assert preview.status_code == 200
    assert "Neu: MUS-2026-000123" in preview.content.decode()
    with scope(municipality=zeitz):
        assert not NotificationTemplate.objects.exists()

    bad = admin_client.post(EDIT, {**data, "body": "Hallo {name} {reference.__class__}"})
    assert bad.status_code == 400
    assert 'id="id_body-error"' in bad.content.decode()
    assert "Hallo {name}" in bad.content.decode()  # what was typed is kept

    assert admin_client.post(EDIT, {**data, "save": "1"}).status_code == 302
    with scope(municipality=zeitz):
        template = NotificationTemplate.objects.get()
        assert (template.event, template.language, template.subject) == (
            "case_message",
            "de",
            "Neu: {reference}",
        )
    assert "customised" in admin_client.get(BASE).content.decode()
    assert admin_client.post(EDIT + "zuruecksetzen/").status_code == 302
    with scope(municipality=zeitz):
        assert not NotificationTemplate.objects.exists()
        summaries = list(
            AuditLogEntry.objects.filter(object_type="notifications.NotificationTemplate")
            .order_by("id")
            .values_list("summary", flat=True)
        )
    assert summaries == [
        "Saved the notification template case_message (de)",
        "Reset the notification template case_message (de) to the default",
    ]
    assert admin_client.get(BASE + "vorlagen/nope/de/").status_code == 404
    assert admin_client.get(BASE + "vorlagen/case_message/fr/").status_code == 404


def test_sent_list_filters_and_query_count_is_constant(admin_client, zeitz, naumburg):
    def make(municipality, n, status="sent"):
        with scope(municipality=municipality):
            Notification.objects.bulk_create(
                Notification(
                    municipality=municipality,
                    event="case_status",
                    channel="email",
                    address=f"p{i}@{municipality.slug}.example",
                    language="de",
                    status=status,
                )
                for i in range(n)
            )

    make(zeitz, 2)
    make(zeitz, 1, status="failed")
    make(naumburg, 3)
    admin_client.get(BASE + "versand/")  # warm the municipality cache
    with CaptureQueriesContext(connection) as few:
        response = admin_client.get(BASE + "versand/")
    assert response.context["page"].paginator.count == 3
    assert "naumburg.example" not in response.content.decode()
    assert "Status changed" in response.content.decode()  # the event by its name
    failed = admin_client.get(BASE + "versand/?status=failed")
    assert [n.status for n in failed.context["page"].object_list] == ["failed"]
    assert admin_client.get(BASE + "versand/?status=bogus").status_code == 400
    make(zeitz, 60)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(BASE + "versand/")
    assert len(response.context["page"].object_list) == 50
    assert len(many) == len(few)


def test_sms_settings_seal_the_token_and_keep_it_when_left_empty(admin_client, zeitz):
    url = BASE + "sms/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"plugin": "http", "enabled": "on", "url": ""})
    assert response.status_code == 400  # url and token required
    response = admin_client.post(
        url,
        {
            "plugin": "http",
            "enabled": "on",
            "url": "https://sms.example/send",
            "token": "geheim-123",
        },
    )
    assert response.status_code == 302
    response = admin_client.post(
        url, {"plugin": "http", "enabled": "on", "url": "https://sms.example/v2", "token": ""}
    )
    assert response.status_code == 302
    from revier.notifications.selectors import sms_options

    with scope(municipality=zeitz):
        stored = SmsSettings.objects.get()
        assert "geheim-123" not in stored.secrets_sealed
        assert sms_options(stored) == {"url": "https://sms.example/v2", "token": "geheim-123"}
    assert "geheim-123" not in admin_client.get(url).content.decode()


def test_case_workers_cannot_edit_templates(client, zeitz):
    client.force_login(make_staff(zeitz, "case_worker", email="cw@zeitz.example"))
    assert client.get(BASE).status_code == 403
    assert client.post(EDIT, {"subject": "x", "body": "y", "save": "1"}).status_code == 403
