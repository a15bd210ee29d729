"""`revier check-plugins`: every configured plugin of every municipality and of the platform,
one bounded line each, the reason of a failure, exit status 1 when one failed."""

import base64
from io import StringIO

import pytest
from allauth.socialaccount.models import SocialApp
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django_scopes import scope

from revier.delivery.models import DeliveryRoute
from revier.delivery.services import delivery_route_set
from revier.notifications.services import sms_settings_set
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

LEIKA = "99115001001000"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with translation.override("en"):
        yield


def run(*args) -> tuple[str, str]:
    out = StringIO()
    try:
        call_command("check-plugins", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), ""


def test_every_configured_plugin_is_checked(zeitz, naumburg):
    with scope(municipality=zeitz):
        delivery_route_set(
            municipality=zeitz,
            leika=LEIKA,
            plugin="email",
            options={"address": "poststelle@zeitz.example"},
        )
    with scope(municipality=naumburg):
        sms_settings_set(
            municipality=naumburg,
            plugin="http",
            options={"url": "http://127.0.0.1:9/send", "token": "geheim-123"},
            actor=make_staff(naumburg),
        )
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="bundid",
        name="BundID",
        client_id="revier",
        secret="oidc-secret",
        settings={"server_url": "http://127.0.0.1:9/o"},
    )

    out, error = run()
    lines = out.splitlines()
    # One line per configuration, in the order the apps are installed.
    checks = sorted(lines[:-1], key=lambda line: line.split()[1])
    assert len(checks) == 3
    assert checks[0].startswith(f"ok     delivery zeitz {LEIKA} (email): Mail is not sent over")
    assert checks[1].startswith(
        "FAILED identity platform BundID (oidc): The identity provider is not reachable."
    )
    assert checks[2].startswith(
        "FAILED sms naumburg SMS (http): The SMS gateway is not reachable. "
        "http://127.0.0.1:9/send: ConnectError"
    )
    assert lines[-1] == "3 checked, 2 failed."
    assert error == "2 plugin configuration(s) failed their check."
    assert "geheim-123" not in out and "oidc-secret" not in out
    assert all(len(line) <= 500 for line in lines)

    out, error = run("--municipality", "zeitz")
    assert out.splitlines()[-1] == "1 checked, 0 failed."
    assert error == ""

    # Secrets sealed with a key that is gone: the reason, and the other checks still run.
    with scope(municipality=zeitz):
        route = delivery_route_set(
            municipality=zeitz,
            leika="99115001002000",
            plugin="fitconnect",
            options={
                "api_url": "http://127.0.0.1:9",
                "token_url": "http://127.0.0.1:9/token",
                "client_id": "zeitz",
                "client_secret": "geheim",
                "destination": "6a5b6c1d-3f1e-4c42-9f0e-0d2b3a4c5d6e",
            },
        )
        DeliveryRoute.objects.filter(pk=route.pk).update(
            secrets_sealed=base64.urlsafe_b64encode(b"RVS1" + bytes(40)).decode()
        )
    out, error = run("--municipality", "zeitz")
    lines = out.splitlines()
    assert lines[1] == (
        "FAILED delivery zeitz 99115001002000 (fitconnect): The configuration could not be "
        "read. Cannot decrypt a stored secret: was SECRET_KEY changed without keeping the old "
        "one in SECRET_KEY_FALLBACKS?"
    )
    assert lines[-1] == "2 checked, 1 failed."
    out, _error = run("--kind", "identity", "--limit", "0")
    assert out.splitlines() == ["… stopped after 0 checks (--limit).", "0 checked, 0 failed."]
