"""notify(): wording per municipality, event and language; the e-mail carries no content; the
delivery status is recorded (sent, failed after retries, refused address) against a real SMTP
server; SMS through the HTTP gateway with its signed status reports."""

import json
import smtplib
import socket
import time

import pytest
from django.core import mail
from django_scopes import scope

from revier.notifications import events, services
from revier.notifications.models import Notification
from revier.notifications.sms import http as http_plugin
from revier.notifications.tasks import MAX_RETRIES, backoff
from tests.conftest import make_staff, make_user

pytestmark = pytest.mark.django_db

LINK = "https://zeitz.example/konto/vorgaenge/ZEI-2026-000001/"
CONTEXT = {"reference": "ZEI-2026-000001", "service_name": "Hundesteuer Anmeldung"}


def _notify(municipality, capture, **kwargs):
    kwargs.setdefault("event", "case_message")
    kwargs.setdefault("link", LINK)
    kwargs.setdefault("context", CONTEXT)
    with scope(municipality=municipality), capture(execute=True):
        notification = services.notify(municipality=municipality, **kwargs)
    with scope(municipality=municipality):
        notification.refresh_from_db()
    return notification


# --- placeholders -------------------------------------------------------------------------------


def test_placeholders_are_filled_in_but_never_evaluated():
    values = {"reference": "R-1", "municipality": "Zeitz", "link": "L"}
    assert events.render("{municipality}: {reference} {link}", values) == "Zeitz: R-1 L"
    assert events.render("{{literal}} {reference}", values) == "{literal} R-1"
    # Attribute access, indexing, conversions and format specs are refused when saving ...
    for bad in [
        "{reference.__class__}",
        "{reference[0]}",
        "{reference!r}",
        "{reference:>99}",
        "{0}",
        "{}",
        "{unknown}",
        "{reference",
        "reference}",
    ]:
        with pytest.raises(Exception) as exc:
            events.placeholders_check(bad)
        assert exc.type.__name__ == "ValidationError", bad
        # ... and a stored text that does not pass is sent as it is, never evaluated.
        assert events.render(bad, values) == bad


def test_every_event_default_uses_only_known_placeholders():
    from django.utils import translation

    for language in events.LANGUAGES:
        with translation.override(language):
            for event in events.EVENTS.values():
                for text in (event.subject, event.body, event.sms):
                    events.placeholders_check(str(text))
                assert "{link}" in str(event.body)


# --- e-mail -------------------------------------------------------------------------------------


def test_default_wording_in_the_persons_language_without_content(
    zeitz, django_capture_on_commit_callbacks
):
    anna = make_user("anna@example.org")
    anna.preferred_language = "en"
    anna.save()
    notification = _notify(zeitz, django_capture_on_commit_callbacks, user=anna, language="de")
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None
    assert notification.language == "en"
    assert notification.channel == "email"
    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert message.subject == "New message about your application ZEI-2026-000001"
    assert "Hundesteuer Anmeldung" in message.body
    assert LINK in message.body
    assert message.reply_to == ["rathaus@zeitz.example"]


def test_bare_address_and_language_fall_back_to_german(zeitz, django_capture_on_commit_callbacks):
    notification = _notify(
        zeitz, django_capture_on_commit_callbacks, email="ben@example.org", language="fr"
    )
    assert notification.language == "de"
    assert notification.recipient is None
    assert mail.outbox[0].to == ["ben@example.org"]


def test_municipality_wording_is_used_and_other_municipality_keeps_default(
    zeitz, naumburg, django_capture_on_commit_callbacks
):
    admin = make_staff(zeitz)
    with scope(municipality=zeitz):
        services.template_set(
            municipality=zeitz,
            event="case_message",
            language="de",
            subject="Post für {reference}",
            body="Guten Tag, in {service} gibt es Neues: {link}\n{municipality}",
            actor=admin,
        )
    _notify(zeitz, django_capture_on_commit_callbacks, email="a@example.org")
    _notify(naumburg, django_capture_on_commit_callbacks, email="b@example.org")
    zeitz_mail, naumburg_mail = mail.outbox
    assert zeitz_mail.subject == "Post für ZEI-2026-000001"
    # The municipality's wording, then its contact below the signature separator.
    assert zeitz_mail.body == (
        f"Guten Tag, in Hundesteuer Anmeldung gibt es Neues: {LINK}\nZeitz"
        "\n\n-- \nZeitz\nE-Mail rathaus@zeitz.example\n"
    )
    assert naumburg_mail.subject != zeitz_mail.subject
    assert "ZEI-2026-000001" in naumburg_mail.subject


def test_unknown_event_is_a_programming_error(zeitz):
    with scope(municipality=zeitz), pytest.raises(ValueError):
        services.notify(municipality=zeitz, event="nope", link=LINK, email="a@example.org")


def test_no_address_is_recorded_as_failed(zeitz, django_capture_on_commit_callbacks):
    notification = _notify(zeitz, django_capture_on_commit_callbacks, email="")
    assert notification.status == Notification.Status.FAILED
    assert notification.error
    assert mail.outbox == []


def test_many_at_once_are_written_together_and_queued_in_batches(
    zeitz, monkeypatch, django_capture_on_commit_callbacks
):
    """A bulk change notifies many people: one wording lookup per language, one INSERT, one
    queue message per hundred e-mails; every e-mail still goes out on its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from revier.core.models import OutboxMessage

    recipients = [
        services.Recipient(
            link=LINK,
            email=f"person{n}@example.org",
            language="en" if n % 2 else "de",
            context={**CONTEXT, "status_label": "in Bearbeitung"},
        )
        for n in range(250)
    ]
    with scope(municipality=zeitz), django_capture_on_commit_callbacks(execute=True):
        with CaptureQueriesContext(connection) as queries:
            rows = services.notify_many(
                municipality=zeitz, event="case_status", recipients=recipients
            )
        # A wording lookup per language and the INSERT: one on PostgreSQL, a few on SQLite,
        # which splits it at its limit of variables; never one per person. Beside them one
        # outbox row per queue message (ADR 0030).
        inserts = [q for q in queries if q["sql"].startswith("INSERT")]
        outbox_table = OutboxMessage._meta.db_table
        queued = [q for q in inserts if outbox_table in q["sql"]]
        assert len(queries) - len(inserts) == 2
        assert len(queued) == 3
        assert len(inserts) - len(queued) <= 5
        if connection.vendor == "postgresql":
            assert len(inserts) - len(queued) == 1
    batches = [
        len(m.kwargs["messages"])
        for m in OutboxMessage.objects.filter(
            task="revier.notifications.tasks.send_notification_emails"
        ).order_by("pk")
    ]
    assert batches == [100, 100, 50]
    assert len(mail.outbox) == 250
    assert {m.to[0] for m in mail.outbox} == {f"person{n}@example.org" for n in range(250)}
    english = next(m for m in mail.outbox if m.to == ["person1@example.org"])
    german = next(m for m in mail.outbox if m.to == ["person0@example.org"])
    assert "New status" in english.subject and "Neuer Status" in german.subject
    with scope(municipality=zeitz):
        statuses = set(
            Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list(
                "status", flat=True
            )
        )
    assert statuses == {Notification.Status.SENT}


def test_sent_through_a_real_smtp_server(zeitz, smtp, django_capture_on_commit_callbacks):
    notification = _notify(zeitz, django_capture_on_commit_callbacks, email="anna@example.org")
    assert notification.status == Notification.Status.SENT
    [message] = smtp.messages
    assert "anna@example.org" in message["to"][0]
    assert b"ZEI-2026-000001" in message["data"]


def test_refused_address_fails_at_once(zeitz, smtp, django_capture_on_commit_callbacks):
    smtp.refuse_recipients = True
    notification = _notify(zeitz, django_capture_on_commit_callbacks, email="gone@example.org")
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert "SMTPRecipientsRefused" in notification.error


def test_unreachable_server_is_retried_then_failed(
    zeitz, settings, django_capture_on_commit_callbacks
):
    # A port nobody listens on: every attempt is refused by the operating system.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    notification = _notify(zeitz, django_capture_on_commit_callbacks, email="anna@example.org")
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == MAX_RETRIES + 1
    assert "ConnectionRefusedError" in notification.error
    assert [backoff(n) for n in range(3)] == [60, 120, 240]
    assert issubclass(smtplib.SMTPRecipientsRefused, smtplib.SMTPException)


# --- SMS ----------------------------------------------------------------------------------------


@pytest.fixture
def sms_zeitz(zeitz, gateway):
    admin = make_staff(zeitz)
    with scope(municipality=zeitz):
        services.sms_settings_set(
            municipality=zeitz,
            plugin="http",
            options={
                "url": gateway.url,
                "sender": "Zeitz",
                "token": "tok-123",
                "webhook_secret": "whsec",
            },
            actor=admin,
        )
    return {"municipality": zeitz, "admin": admin, "gateway": gateway}


def _signed(body: bytes, *, secret="whsec", timestamp=None) -> dict:  # noqa: S107
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "HTTP_X_REVIER_TIMESTAMP": timestamp,
        "HTTP_X_REVIER_SIGNATURE": http_plugin.sign(secret=secret, timestamp=timestamp, body=body),
    }


def test_sms_through_the_http_gateway_with_status_reports(
    client, sms_zeitz, django_capture_on_commit_callbacks
):
    zeitz, gateway = sms_zeitz["municipality"], sms_zeitz["gateway"]
    anna = make_user("anna@example.org")
    anna.phone = "+49 151 1234567"
    anna.save()
    email = _notify(zeitz, django_capture_on_commit_callbacks, user=anna)
    with scope(municipality=zeitz):
        sms = Notification.objects.get(channel="sms")
        # Secrets are sealed at rest.
        from revier.notifications.models import SmsSettings

        stored = SmsSettings.objects.get()
        assert "tok-123" not in stored.secrets_sealed and "tok-123" not in json.dumps(
            stored.options
        )
    assert email.status == "sent"
    assert sms.status == "sent" and sms.provider_reference == "gw-1"
    assert sms.address == "+49 151 1234567"
    [request] = gateway.requests
    assert request["headers"]["Authorization"] == "Bearer tok-123"
    assert request["json"]["to"] == "+49 151 1234567"
    assert request["json"]["sender"] == "Zeitz"
    assert request["json"]["reference"] == str(sms.pk)
    assert "ZEI-2026-000001" in request["json"]["text"]

    url = "/zeitz/backoffice/benachrichtigungen/sms/status/"
    body = json.dumps({"id": "gw-1", "status": "delivered"}).encode()
    # A tampered report (other body, same signature) and an old one are refused.
    tampered = json.dumps({"id": "gw-1", "status": "failed"}).encode()
    response = client.post(url, tampered, content_type="application/json", **_signed(body))
    assert response.status_code == 403
    response = client.post(
        url, body, content_type="application/json", **_signed(body, secret="other")
    )
    assert response.status_code == 403
    old = _signed(body, timestamp=int(time.time()) - 600)
    assert client.post(url, body, content_type="application/json", **old).status_code == 403
    with scope(municipality=zeitz):
        sms.refresh_from_db()
    assert sms.status == "sent"

    response = client.post(url, body, content_type="application/json", **_signed(body))
    assert response.status_code == 204
    with scope(municipality=zeitz):
        sms.refresh_from_db()
    assert sms.status == "delivered"

    failed = json.dumps({"id": "gw-1", "status": "failed", "error": "absent"}).encode()
    assert (
        client.post(url, failed, content_type="application/json", **_signed(failed)).status_code
        == 204
    )
    with scope(municipality=zeitz):
        sms.refresh_from_db()
    assert sms.status == "failed" and sms.error == "absent"
    unknown = json.dumps({"id": "gw-999", "status": "delivered"}).encode()
    assert (
        client.post(url, unknown, content_type="application/json", **_signed(unknown)).status_code
        == 404
    )
    # Naumburg has no gateway: its webhook does not exist.
    assert (
        client.post(
            "/naumburg/backoffice/benachrichtigungen/sms/status/",
            body,
            content_type="application/json",
            **_signed(body),
        ).status_code
        == 404
    )


def test_no_sms_without_phone_or_without_sms_text(sms_zeitz, django_capture_on_commit_callbacks):
    zeitz, gateway = sms_zeitz["municipality"], sms_zeitz["gateway"]
    anna = make_user("anna@example.org")
    _notify(zeitz, django_capture_on_commit_callbacks, user=anna)
    anna.phone = "+49 151 1234567"
    anna.save()
    with scope(municipality=zeitz):
        services.template_set(
            municipality=zeitz,
            event="case_message",
            language="de",
            subject="Neu: {reference}",
            body="{link}",
            sms_text="",
            actor=sms_zeitz["admin"],
        )
    _notify(zeitz, django_capture_on_commit_callbacks, user=anna)
    assert gateway.requests == []
    with scope(municipality=zeitz):
        assert not Notification.objects.filter(channel="sms").exists()


def test_gateway_errors_are_retried_then_failed(sms_zeitz, django_capture_on_commit_callbacks):
    zeitz, gateway = sms_zeitz["municipality"], sms_zeitz["gateway"]
    gateway.status = 503
    anna = make_user("anna@example.org")
    anna.phone = "0151 1234567"
    anna.save()
    _notify(zeitz, django_capture_on_commit_callbacks, user=anna)
    with scope(municipality=zeitz):
        sms = Notification.objects.get(channel="sms")
    assert sms.status == "failed"
    assert sms.attempts == MAX_RETRIES + 1
    assert len(gateway.requests) == MAX_RETRIES + 1
    assert "503" in sms.error


def test_log_gateway_writes_the_outbox(zeitz, tmp_path, django_capture_on_commit_callbacks):
    admin = make_staff(zeitz)
    outbox = tmp_path / "sms.jsonl"
    with scope(municipality=zeitz):
        services.sms_settings_set(
            municipality=zeitz, plugin="log", options={"outbox": str(outbox)}, actor=admin
        )
    anna = make_user("anna@example.org")
    anna.phone = "0151 1234567"
    anna.save()
    _notify(zeitz, django_capture_on_commit_callbacks, user=anna, event="case_decided")
    [line] = [json.loads(x) for x in outbox.read_text().splitlines()]
    assert line["to"] == "0151 1234567"
    assert "ZEI-2026-000001" in line["text"]
    with scope(municipality=zeitz):
        sms = Notification.objects.get(channel="sms")
    assert sms.status == "sent" and sms.provider_reference == line["id"]
