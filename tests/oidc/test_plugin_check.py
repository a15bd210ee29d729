"""The identity provider as a plugin: its check reads the discovery document of the real local
OpenID provider, and names what is wrong otherwise."""

import pytest
from django.utils import translation

from revier.accounts.oidc import configured_identity_providers, discovery_url, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_discovery_url_follows_allauth():
    assert discovery_url("https://id.example/o") == (
        "https://id.example/o/.well-known/openid-configuration"
    )
    assert discovery_url("https://id.example/o/.well-known/openid-configuration") == (
        "https://id.example/o/.well-known/openid-configuration"
    )


def test_configured_provider_passes_its_check(bundid, oidc_provider):
    [(_name, options)] = [p for p in configured_identity_providers() if p[0] == "BundID"]
    assert options["server_url"] == f"{oidc_provider}/o"
    result = register.get("oidc").check_config(options)
    assert result.ok, result
    assert result.message == "The identity provider's discovery document is readable."
    assert result.details == [f"{oidc_provider}/o/.well-known/openid-configuration: HTTP 200"]


def test_wrong_server_url_and_unreachable_provider_fail_with_the_reason(oidc_provider):
    plugin = register.get("oidc")
    wrong = plugin.check_config({"server_url": f"{oidc_provider}/nirgends", "client_id": "x"})
    assert (wrong.ok, wrong.message) == (
        False,
        "The identity provider answers, but not as expected.",
    )
    assert wrong.details == [
        f"{oidc_provider}/nirgends/.well-known/openid-configuration: HTTP status 404."
    ]
    down = plugin.check_config({"server_url": "http://127.0.0.1:9", "client_id": "x"})
    assert (down.ok, down.message) == (False, "The identity provider is not reachable.")
    missing = plugin.check_config({"server_url": "", "client_id": ""})
    assert missing.details == [
        "server_url: This option is required.",
        "client_id: This option is required.",
    ]
