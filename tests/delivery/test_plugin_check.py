""" "Verbindung testen" of delivery routes: FIT-Connect against the local Submission API, e-mail
against a local SMTP server, and the back-office button (refused for other municipalities)."""

import pytest
from django.utils import translation
from django_scopes import scope

from revier.delivery.fitconnect import FitConnectClient
from revier.delivery.models import DeliveryRoute
from revier.delivery.registry import register
from revier.delivery.services import delivery_route_set
from tests.backoffice.conftest import mu_url
from tests.conftest import make_staff
from tests.delivery.conftest import LEIKA, route_options
from tests.notifications.servers import SMTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_fitconnect_check_gets_a_token_and_reads_the_destination(fitconnect_server):
    options = route_options(fitconnect_server)
    result = register.get("fitconnect").check_config(options)
    assert result.ok, result
    assert result.message == "FIT-Connect is reachable with this configuration."
    assert result.details[0] == "Token endpoint: access token received."
    assert result.details[1].startswith(f"Destination {options['destination']} is active")
    # Nothing was sent.
    assert fitconnect_server.submissions == {}


def test_fitconnect_check_names_the_step_that_failed(fitconnect_server):
    options = route_options(fitconnect_server)
    wrong_secret = register.get("fitconnect").check_config({**options, "client_secret": "falsch"})
    assert not wrong_secret.ok
    assert wrong_secret.message == (
        "The token endpoint refused the client credentials or is not reachable."
    )
    assert wrong_secret.details[0].startswith("token: ")

    unknown = register.get("fitconnect").check_config(
        {**options, "destination": "00000000-0000-4000-8000-000000000000"}
    )
    assert not unknown.ok
    assert unknown.message == "The destination cannot be read."
    assert unknown.details[0] == "Token endpoint: access token received."

    down = register.get("fitconnect").check_config(
        {**options, "token_url": "http://127.0.0.1:9/token"}
    )
    assert not down.ok
    assert "ConnectError" in down.details[0]


def test_email_check_connects_to_the_mail_server(settings):
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        result = register.get("email").check_config({"address": "poststelle@zeitz.example"})
    finally:
        server.stop()
    assert result.ok, result
    assert result.message == "The mail server accepts connections."
    assert result.details == [
        f"127.0.0.1:{server.port}",
        "Packages go to poststelle@zeitz.example.",
    ]
    assert server.messages == []  # nothing sent

    settings.EMAIL_PORT = 9
    down = register.get("email").check_config({"address": "poststelle@zeitz.example"})
    assert (down.ok, down.message) == (False, "The mail server cannot be reached.")
    assert down.details[0].startswith("127.0.0.1:9: ConnectionRefusedError")


def test_local_routes_are_ok_and_say_what_they_do(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    own = register.get("backoffice").check_config({})
    assert own.ok
    assert own.details == [
        "Applications are stored encrypted on this installation and become cases in the "
        "back office."
    ]
    mail = register.get("email").check_config({"address": "poststelle@zeitz.example"})
    assert (mail.ok, mail.message) == (
        True,
        "Mail is not sent over a network on this installation.",
    )


def test_route_secret_is_sealed_at_rest(zeitz_scope, fitconnect_route, fitconnect_server):
    route = DeliveryRoute.objects.get()
    assert "client_secret" not in route.options
    assert fitconnect_server.client_secret not in route.secrets_sealed
    assert route.options["destination"] == fitconnect_server.destination.destination_id


# --- the back office ----------------------------------------------------------------------------


@pytest.fixture
def zeitz_route(zeitz, fitconnect_server):
    with scope(municipality=zeitz):
        return delivery_route_set(
            municipality=zeitz,
            leika=LEIKA,
            plugin="fitconnect",
            options=route_options(fitconnect_server),
        )


def test_admin_sees_routes_without_secrets_and_tests_the_connection(
    client, zeitz, zeitz_route, fitconnect_server
):
    client.force_login(make_staff(zeitz))
    page = client.get(mu_url(zeitz, "delivery:routes"))
    assert page.status_code == 200
    html = page.content.decode()
    assert LEIKA in html
    assert fitconnect_server.destination.destination_id in html
    assert "Secrets: saved, not shown" in html
    assert fitconnect_server.client_secret not in html
    check_url = mu_url(zeitz, "delivery:route_check", pk=zeitz_route.pk)
    assert f'action="{check_url}"' in html

    assert client.get(check_url).status_code == 405  # a check is a POST (CSRF-protected)
    result = client.post(check_url)
    assert result.status_code == 200
    html = result.content.decode()
    assert 'class="kern-alert kern-alert--success"' in html
    assert "Connection test succeeded" in html
    assert "FIT-Connect is reachable with this configuration." in html
    assert fitconnect_server.client_secret not in html


def test_a_failing_check_shows_the_reason_not_a_traceback(client, zeitz, zeitz_route, monkeypatch):
    def broken(self):
        raise RuntimeError("proxy settings unreadable")

    monkeypatch.setattr(FitConnectClient, "access_token", broken)
    client.force_login(make_staff(zeitz))
    result = client.post(mu_url(zeitz, "delivery:route_check", pk=zeitz_route.pk))
    assert result.status_code == 200
    html = result.content.decode()
    assert 'class="kern-alert kern-alert--danger"' in html
    assert "Connection test failed" in html
    assert "The check failed." in html
    assert "proxy settings unreadable" in html
    assert "Traceback" not in html and "RuntimeError" not in html


def test_other_municipalities_and_case_workers_cannot_test_a_route(
    client, zeitz, naumburg, zeitz_route
):
    check_url = mu_url(zeitz, "delivery:route_check", pk=zeitz_route.pk)
    client.force_login(make_staff(naumburg))
    assert client.post(check_url).status_code == 403
    assert client.get(mu_url(zeitz, "delivery:routes")).status_code == 403
    # In their own back office, Zeitz's route does not exist.
    own = mu_url(naumburg, "delivery:route_check", pk=zeitz_route.pk)
    assert client.post(own).status_code == 404

    client.force_login(make_staff(zeitz, "case_worker"))
    assert client.post(check_url).status_code == 403


def test_secrets_that_cannot_be_unsealed_fail_the_check_with_the_reason(
    client, zeitz, zeitz_route, settings
):
    # The route was saved with another SECRET_KEY, and that key was not kept as a fallback.
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    client.force_login(make_staff(zeitz))
    result = client.post(mu_url(zeitz, "delivery:route_check", pk=zeitz_route.pk))
    assert result.status_code == 200
    html = result.content.decode()
    assert 'class="kern-alert kern-alert--danger"' in html
    assert "The configuration could not be read." in html
    assert "Cannot decrypt a stored secret" in html
    assert "Traceback" not in html
