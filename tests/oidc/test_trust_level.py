"""The mapping of what a provider reports to Revier's trust levels, the profile claims, and
the configuration by environment variables."""

import datetime
import json
import os
import subprocess
import sys

import pytest

from revier.accounts.models import TrustLevel
from revier.accounts.oidc import (
    meets,
    profile_from_claims,
    trust_level_from_claims,
    trust_level_from_value,
)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        # BundID's STORK-QAA levels (also as a URN, any case, with blanks around)
        ("STORK-QAA-Level-1", TrustLevel.LOW),
        ("STORK-QAA-Level-2", TrustLevel.LOW),
        ("STORK-QAA-Level-3", TrustLevel.SUBSTANTIAL),
        ("STORK-QAA-Level-4", TrustLevel.HIGH),
        ("stork-qaa-level-4", TrustLevel.HIGH),
        ("  STORK-QAA-Level-3 ", TrustLevel.SUBSTANTIAL),
        ("urn:eu:stork:names:tc:STORK:1.0:assertion:STORK-QAA-Level-4", TrustLevel.HIGH),
        # eIDAS level-of-assurance URIs
        ("http://eidas.europa.eu/LoA/low", TrustLevel.LOW),
        ("http://eidas.europa.eu/LoA/substantial", TrustLevel.SUBSTANTIAL),
        ("http://eidas.europa.eu/LoA/high", TrustLevel.HIGH),
        ("https://eidas.europa.eu/LoA/high", TrustLevel.HIGH),
        ("http://eidas.europa.eu/NotNotified/LoA/substantial", TrustLevel.SUBSTANTIAL),
        # plain words, English and German
        ("low", TrustLevel.LOW),
        ("substantial", TrustLevel.SUBSTANTIAL),
        ("high", TrustLevel.HIGH),
        ("HIGH", TrustLevel.HIGH),
        ("niedrig", TrustLevel.LOW),
        ("substanziell", TrustLevel.SUBSTANTIAL),
        ("substantiell", TrustLevel.SUBSTANTIAL),
        ("hoch", TrustLevel.HIGH),
        # a list: the highest known value counts
        (["STORK-QAA-Level-1", "http://eidas.europa.eu/LoA/high"], TrustLevel.HIGH),
        (["unknown", "low"], TrustLevel.LOW),
    ],
)
def test_known_values_map_to_levels(value, level):
    assert trust_level_from_value(value) == level


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "STORK-QAA-Level-5",
        "STORK-QAA-Level-0",
        "urn:oid:1.2.3:unknown-level",
        "http://eidas.europa.eu/LoA/highest",
        "http://evil.example/LoA/high",
        "1",
        "4",
        4,
        {"level": "high"},
        [],
        ["nothing"],
    ],
)
def test_unknown_values_give_no_level(value):
    assert trust_level_from_value(value) == ""


def test_claim_is_read_by_name():
    claims = {"acr": "STORK-QAA-Level-4", "loa": "low"}
    assert trust_level_from_claims(claims, claim="acr") == TrustLevel.HIGH
    assert trust_level_from_claims(claims, claim="loa") == TrustLevel.LOW
    assert trust_level_from_claims(claims, claim="missing") == ""


def test_meets_compares_ranks():
    assert meets(TrustLevel.HIGH, TrustLevel.SUBSTANTIAL)
    assert meets(TrustLevel.SUBSTANTIAL, TrustLevel.SUBSTANTIAL)
    assert not meets(TrustLevel.SUBSTANTIAL, TrustLevel.HIGH)
    assert not meets("", TrustLevel.LOW)
    assert meets("", "")


def test_profile_claims_only_well_formed_values():
    profile = profile_from_claims(
        {
            "given_name": " Erika ",
            "family_name": "Mustermann",
            "birthdate": "1964-08-12",
            "address": {
                "street_address": "Heidestraße  17",
                "postal_code": "06712",
                "locality": "Zeitz",
            },
            "phone_number": "+49 3441 0",
            "email": "ignored@example.org",
        }
    )
    assert profile == {
        "first_name": "Erika",
        "last_name": "Mustermann",
        "birth_date": datetime.date(1964, 8, 12),
        "street": "Heidestraße 17",
        "postcode": "06712",
        "city": "Zeitz",
        "phone": "+49 3441 0",
    }
    # A year alone, or a date of birth with unknown month, is no date; an address as text is
    # not structured.
    assert profile_from_claims({"birthdate": "0000-05-17"}) == {}
    assert profile_from_claims({"birthdate": "1964"}) == {}
    assert profile_from_claims({"address": "Heidestraße 17, Zeitz", "given_name": 3}) == {}


# Both configurations in one process (reloading the settings module): a Python start with
# Django's imports is the slow part.
_LOAD_TWICE = """
import importlib, json, os, sys
from revier.config import settings as s
first = {"providers": s.SOCIALACCOUNT_PROVIDERS, "claim": s.REVIER_OIDC_TRUST_CLAIM}
for name in [k for k in os.environ if k.startswith("REVIER_OIDC_")]:
    del os.environ[name]
s = importlib.reload(s)
second = {"providers": s.SOCIALACCOUNT_PROVIDERS, "claim": s.REVIER_OIDC_TRUST_CLAIM}
print(json.dumps([first, second]))
"""


def test_provider_from_environment_or_none():
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIER_OIDC_")}
    env.update(
        {
            "REVIER_OIDC_NAME": "BundID",
            "REVIER_OIDC_SERVER_URL": "https://broker.example/realms/bund",
            "REVIER_OIDC_CLIENT_ID": "revier",
            "REVIER_OIDC_CLIENT_SECRET": "geheim",
            "REVIER_OIDC_TRUST_CLAIM": "loa",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", _LOAD_TWICE],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,  # a Python start with Django imports, on a busy test machine
    )
    configured, unconfigured = json.loads(result.stdout.strip().splitlines()[-1])
    oidc = configured["providers"]["openid_connect"]
    assert oidc["OAUTH_PKCE_ENABLED"] is True
    assert oidc["provider_class"] == "revier.accounts.oidc.OIDCProvider"
    assert oidc["APPS"] == [
        {
            "provider_id": "bundid",
            "name": "BundID",
            "client_id": "revier",
            "secret": "geheim",
            "settings": {
                "server_url": "https://broker.example/realms/bund",
                "trust_claim": "loa",
                "scope": ["openid", "profile", "email"],
            },
        }
    ]
    assert configured["claim"] == "loa"
    # Without the variables no provider is configured (the operator admin may add one).
    assert unconfigured["providers"]["openid_connect"]["APPS"] == []
    assert unconfigured["claim"] == "acr"
