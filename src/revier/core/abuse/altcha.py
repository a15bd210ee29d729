"""ALTCHA proof of work, self-hosted: challenges made and checked here, no third party asked.

The challenge format is ALTCHA's (v1, as the vendored widget ``altcha`` 2.x solves it):

    {"algorithm": "SHA-256", "challenge": sha256(salt + str(number)), "maxnumber": N,
     "salt": "<24 hex>?expires=<unix time>&", "signature": hmac_sha256(key, challenge)}

The browser searches ``number`` in 0..maxnumber and sends back base64(JSON of algorithm,
challenge, number, salt, signature). The salt's shape is checked exactly, so digits cannot be
moved between the salt and the number to stretch ``expires`` (the salt ends with ``&``, the
number is a plain integer within maxnumber). A solution is accepted once: its challenge is
remembered in the cache until it expires. ADR 0028.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import time

from django.conf import settings
from django.core.cache import caches

ALGORITHM = "SHA-256"
_SALT_RE = re.compile(r"^(?P<nonce>[0-9a-f]{24})\?expires=(?P<expires>[0-9]{10})&$")
_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
# A payload is a few hundred bytes; anything much longer is not a solution.
MAX_PAYLOAD_LENGTH = 2000
MAX_NUMBER_CAP = 10**9

# Tests move the clock by replacing this.
_now = time.time


def _hmac_key() -> bytes:
    configured = getattr(settings, "REVIER_ALTCHA_HMAC_KEY", "")
    if configured:
        return configured.encode()
    return hashlib.sha256(f"revier.core.abuse.altcha:{settings.SECRET_KEY}".encode()).digest()


def max_number() -> int:
    return int(getattr(settings, "REVIER_ALTCHA_MAX_NUMBER", 100_000))


def lifetime() -> int:
    return int(getattr(settings, "REVIER_ALTCHA_EXPIRES", 3600))


def _sign(challenge: str) -> str:
    return hmac.new(_hmac_key(), challenge.encode(), hashlib.sha256).hexdigest()


def _hash(salt: str, number: int) -> str:
    return hashlib.sha256(f"{salt}{number}".encode()).hexdigest()


def create_challenge(*, maxnumber: int | None = None, expires_in: int | None = None) -> dict:
    """A new challenge for the widget (``challengejson``) or an API client."""
    maxnumber = max_number() if maxnumber is None else int(maxnumber)
    expires = int(_now()) + (lifetime() if expires_in is None else int(expires_in))
    salt = f"{secrets.token_hex(12)}?expires={expires}&"
    number = secrets.randbelow(maxnumber + 1)
    challenge = _hash(salt, number)
    return {
        "algorithm": ALGORITHM,
        "challenge": challenge,
        "maxnumber": maxnumber,
        "salt": salt,
        "signature": _sign(challenge),
    }


def decode_payload(payload: str) -> dict | None:
    """The solution's fields, or None when ``payload`` is not base64 JSON of an object."""
    if not isinstance(payload, str) or not payload or len(payload) > MAX_PAYLOAD_LENGTH:
        return None
    try:
        data = json.loads(base64.b64decode(payload.strip(), validate=True))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def verify_solution(payload: str, *, consume: bool = True) -> bool:
    """True when ``payload`` solves a challenge this server signed, before it expired, and was
    not used before (``consume`` marks it used)."""
    data = decode_payload(payload)
    if data is None:
        return False
    algorithm, challenge = data.get("algorithm"), data.get("challenge")
    salt, signature, number = data.get("salt"), data.get("signature"), data.get("number")
    if algorithm != ALGORITHM or not all(isinstance(v, str) for v in (challenge, salt, signature)):
        return False
    if isinstance(number, bool) or not isinstance(number, int):
        return False
    if not 0 <= number <= MAX_NUMBER_CAP or not _HEX64_RE.match(challenge):
        return False
    match = _SALT_RE.match(salt)
    if match is None or int(match["expires"]) < _now():
        return False
    if not hmac.compare_digest(_hash(salt, number), challenge):
        return False
    if not hmac.compare_digest(_sign(challenge), signature):
        return False
    if consume:
        # cache.add is atomic: of two requests with the same solution only one gets True.
        timeout = max(1, int(match["expires"]) - int(_now()) + 1)
        if not caches["default"].add(f"revier:altcha:used:{challenge}", 1, timeout=timeout):
            return False
    return True


def solve(challenge: dict) -> str:
    """The payload a browser would send for ``challenge`` (tests, API clients' examples)."""
    for number in range(int(challenge["maxnumber"]) + 1):
        if _hash(challenge["salt"], number) == challenge["challenge"]:
            body = {
                "algorithm": challenge["algorithm"],
                "challenge": challenge["challenge"],
                "number": number,
                "salt": challenge["salt"],
                "signature": challenge["signature"],
            }
            return base64.b64encode(json.dumps(body).encode()).decode()
    raise ValueError("challenge has no solution below maxnumber")
