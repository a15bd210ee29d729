""" "Verbindung testen" of the SMS gateway against a local gateway; refused for others."""

import pytest

from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

SMS = "/zeitz/backoffice/benachrichtigungen/sms/"
CHECK = SMS + "verbindung-testen/"


def _save(client, url: str, **extra):
    data = {"plugin": "http", "enabled": "on", "url": url, "token": "geheim-123", **extra}
    assert client.post(SMS, data).status_code == 302


def test_http_gateway_reachable_and_token_never_shown(client, zeitz, gateway):
    client.force_login(make_staff(zeitz))
    assert f'action="{CHECK}"' not in client.get(SMS).content.decode()  # nothing saved yet
    _save(client, gateway.url, webhook_secret="hook-456")
    page = client.get(SMS).content.decode()
    assert f'action="{CHECK}"' in page
    assert "geheim-123" not in page and "hook-456" not in page
    assert "Saved — leave empty to keep it." in page

    assert client.get(CHECK).status_code == 405
    result = client.post(CHECK)
    assert result.status_code == 200
    html = result.content.decode()
    assert 'class="kern-alert kern-alert--success"' in html
    assert "The SMS gateway answers." in html
    assert "geheim-123" not in html
    assert gateway.requests == []  # no SMS was sent


def test_unreachable_gateway_and_missing_webhook_secret(client, zeitz, gateway):
    client.force_login(make_staff(zeitz))
    _save(client, gateway.url)
    html = client.post(CHECK).content.decode()
    assert "No secret for status reports: delivery reports will be refused." in html

    _save(client, "http://127.0.0.1:9/send")
    html = client.post(CHECK).content.decode()
    assert 'class="kern-alert kern-alert--danger"' in html
    assert "The SMS gateway is not reachable." in html
    assert "http://127.0.0.1:9/send: ConnectError" in html


def test_log_gateway_is_local_and_ok(client, zeitz):
    client.force_login(make_staff(zeitz))
    assert client.post(SMS, {"plugin": "log", "enabled": "on"}).status_code == 302
    html = client.post(CHECK).content.decode()
    assert "Works on this installation, nothing to connect to." in html
    assert "Each SMS is written to the log" in html


def test_check_refused_without_gateway_and_for_other_municipalities(client, zeitz, naumburg):
    client.force_login(make_staff(zeitz))
    assert client.post(CHECK).status_code == 404
    client.force_login(make_staff(naumburg))
    assert client.post(CHECK).status_code == 403
