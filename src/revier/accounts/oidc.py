"""Login through an identity provider by OpenID Connect (BundID through a broker), ADR 0009.

- ``trust_level_from_value`` maps what a provider reports as the Vertrauensniveau (STORK-QAA
  levels, eIDAS level-of-assurance URIs, plain words) to ``TrustLevel``; anything else is no
  level at all, never a guess.
- ``OIDCProvider`` is allauth's OpenID Connect provider with a nonce in the authorization
  request (allauth sends state and PKCE, but no nonce); ``SocialAccountAdapter`` checks it.
- The level of the *current session* is kept in the session: a password login after an eID
  login does not count as eID (``session_trust_level``).
- ``OIDCIdentityPlugin`` declares a provider's options and checks its discovery document
  (``revier check-plugins``; the providers are configured platform-wide in the operator admin).
"""

from __future__ import annotations

import contextlib
import datetime
import re
import secrets

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from revier.accounts.models import TrustLevel
from revier.core.plugins import CheckResult, Option, Plugin, PluginRegistry, http_check

SESSION_KEY = "revier_trust_level"
NONCE_STATE_KEY = "nonce"

# STORK QAA 1 is BundID's Basisregistrierung (user name and password), 2 is rarely used; both
# are below "substantial". 3 is e.g. the ELSTER certificate, 4 the Online-Ausweis (eID).
_STORK = {
    "1": TrustLevel.LOW,
    "2": TrustLevel.LOW,
    "3": TrustLevel.SUBSTANTIAL,
    "4": TrustLevel.HIGH,
}
_WORDS = {
    "low": TrustLevel.LOW,
    "niedrig": TrustLevel.LOW,
    "basisregistrierung": TrustLevel.LOW,
    "substantial": TrustLevel.SUBSTANTIAL,
    "substantiell": TrustLevel.SUBSTANTIAL,
    "substanziell": TrustLevel.SUBSTANTIAL,
    "high": TrustLevel.HIGH,
    "hoch": TrustLevel.HIGH,
}
_STORK_RE = re.compile(r"^(?:urn:[a-z0-9:.-]*:)?stork-qaa-level-([1-4])$")
# http(s)://eidas.europa.eu/LoA/high, also the .../NotNotified/LoA/... variants of the broker.
_EIDAS_RE = re.compile(r"^https?://eidas\.europa\.eu/(?:notnotified/)?loa/(low|substantial|high)$")


def trust_level_from_value(value) -> str:
    """The ``TrustLevel`` for one reported value (or a list of them: the highest known one);
    ``""`` for an unknown or missing value."""
    if isinstance(value, list | tuple):
        levels = [trust_level_from_value(item) for item in value]
        return max(levels, key=TrustLevel.rank, default="")
    if not isinstance(value, str):
        return ""
    text = value.strip().lower()
    if match := _STORK_RE.match(text):
        return _STORK[match.group(1)]
    if match := _EIDAS_RE.match(text):
        return _WORDS[match.group(1)]
    return _WORDS.get(text, "")


def trust_claim_name(app_settings: dict | None) -> str:
    """The claim that carries the level: the app's ``trust_claim`` setting, else the default."""
    return (app_settings or {}).get("trust_claim") or settings.REVIER_OIDC_TRUST_CLAIM


def claims_of(extra_data: dict) -> dict:
    """ID token claims, completed by the userinfo answer (allauth keeps both)."""
    claims = dict(extra_data.get("userinfo") or {})
    claims.update(extra_data.get("id_token") or {})
    return claims


def trust_level_from_claims(claims: dict, *, claim: str) -> str:
    return trust_level_from_value(claims.get(claim))


def profile_from_claims(claims: dict) -> dict:
    """Profile fields a provider may fill (OIDC standard claims); only well-formed values."""
    profile: dict = {}
    for field, name in (("first_name", "given_name"), ("last_name", "family_name")):
        if isinstance(claims.get(name), str) and claims[name].strip():
            profile[field] = claims[name].strip()[:150]
    birthdate = claims.get("birthdate")
    if isinstance(birthdate, str):
        # "0000-05-17" or a year alone is no complete date: left out.
        with contextlib.suppress(ValueError):
            profile["birth_date"] = datetime.date.fromisoformat(birthdate.strip())
    address = claims.get("address")
    if isinstance(address, dict):
        for field, name, length in (
            ("street", "street_address", 200),
            ("postcode", "postal_code", 10),
            ("city", "locality", 200),
        ):
            value = address.get(name)
            if isinstance(value, str) and value.strip():
                profile[field] = " ".join(value.split())[:length]
    phone = claims.get("phone_number")
    if isinstance(phone, str) and phone.strip():
        profile["phone"] = phone.strip()[:50]
    return profile


def session_trust_level(request) -> str:
    """The level the person proved in this session (empty after a password login)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return ""
    level = request.session.get(SESSION_KEY, "")
    return level if level in TrustLevel.values else ""


def meets(level: str, required: str) -> bool:
    return TrustLevel.rank(level) >= TrustLevel.rank(required)


def oidc_providers(request) -> list:
    """The configured OIDC providers (operator admin and settings), for login buttons."""
    from allauth.socialaccount.adapter import get_adapter
    from allauth.socialaccount.providers import registry

    provider_class = registry.get_class(OIDCProvider.id)
    apps = get_adapter(request).list_apps(request, provider=OIDCProvider.id)
    providers = [provider_class(request=request, app=app) for app in apps]
    return sorted((p for p in providers if not p.app.settings.get("hidden")), key=lambda p: p.name)


class OIDCProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, sending a nonce that the ID token must repeat."""

    # allauth builds the provider's URLs from the package of its class.
    package = "allauth.socialaccount.providers.openid_connect"

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        nonce = secrets.token_urlsafe(32)
        auth_params["nonce"] = nonce
        # The nonce is stashed with the state (in the session) and compared on the way back.
        kwargs[NONCE_STATE_KEY] = nonce
        return super().redirect(
            request, process, next_url=next_url, data=data, auth_params=auth_params, **kwargs
        )


# --- the identity provider as a plugin (check_config, `revier check-plugins`) ---------------------

register: PluginRegistry[Plugin] = PluginRegistry("identity")

WELL_KNOWN = ".well-known/openid-configuration"
DISCOVERY_FIELDS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


def discovery_url(server_url: str) -> str:
    """allauth's rule: the server URL, or the URL of its discovery document itself."""
    if server_url.rstrip("/").endswith(WELL_KNOWN):
        return server_url
    return f"{server_url.rstrip('/')}/{WELL_KNOWN}"


@register("oidc")
class OIDCIdentityPlugin(Plugin):
    """Login by OpenID Connect; configured platform-wide (operator admin or settings)."""

    label = gettext_lazy("OpenID Connect identity provider")
    description = gettext_lazy("People log in at the identity provider (e.g. BundID).")
    options = (
        Option("server_url", gettext_lazy("Server URL"), type="url", required=True),
        Option("client_id", gettext_lazy("Client id"), required=True),
        Option("secret", gettext_lazy("Client secret"), type="secret"),
    )

    def check_config(self, options: dict) -> CheckResult:
        """The discovery document is readable and names the endpoints a login needs."""
        url = discovery_url(options["server_url"])

        def problem(response) -> str | None:
            if response.status_code != 200:
                return gettext("HTTP status %(status)d.") % {"status": response.status_code}
            try:
                document = response.json()
            except ValueError:
                return gettext("The answer is not JSON.")
            if not isinstance(document, dict):
                return gettext("The answer is not a JSON object.")
            missing = [name for name in DISCOVERY_FIELDS if not document.get(name)]
            if missing:
                return gettext("The discovery document lacks %(fields)s.") % {
                    "fields": ", ".join(missing)
                }
            return None

        result = http_check(url, what=gettext("The identity provider"), expect=problem)
        if result.ok:
            return CheckResult.success(
                gettext("The identity provider's discovery document is readable."),
                result.details,
            )
        return result


def configured_identity_providers() -> list[tuple[str, dict]]:
    """``(name, options)`` of every OpenID Connect app: the settings' and the database's."""
    from allauth.socialaccount.models import SocialApp

    apps = [
        *settings.SOCIALACCOUNT_PROVIDERS.get(OIDCProvider.id, {}).get("APPS", []),
        *(
            {
                "provider_id": app.provider_id,
                "name": app.name,
                "client_id": app.client_id,
                "secret": app.secret,
                "settings": app.settings,
            }
            for app in SocialApp.objects.filter(provider=OIDCProvider.id)
        ),
    ]
    return [
        (
            str(app.get("name") or app.get("provider_id") or app.get("client_id")),
            {
                "server_url": (app.get("settings") or {}).get("server_url", ""),
                "client_id": app.get("client_id", ""),
                "secret": app.get("secret", ""),
            },
        )
        for app in apps
    ]
