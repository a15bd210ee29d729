"""Secrets at rest, for every app: plugin secrets (OAuth client secrets, HMAC keys, tokens),
sealed packages waiting for delivery, private keys.

AES-256-GCM with a key derived from Django's ``SECRET_KEY`` by HKDF-SHA256 with a purpose label,
the purpose bound as associated data. Values sealed before with Fernet (AES-128-CBC +
HMAC-SHA256, same key derivation) are still opened. ``SECRET_KEY_FALLBACKS`` are accepted for
decryption, so the secret key can be rotated: set the old key as a fallback, re-save the
configurations, then drop it. Losing ``SECRET_KEY`` makes these values unreadable. AES-GCM rather
than Fernet because a delivery package is a few hundred KB of binary data: Fernet base64-encodes
its output and needs a second pass for the HMAC, about 8 % of a submission's CPU time
(benchmarks/RESULTS.md).

Base layer: imports no domain app. Encryption in transit (FIT-Connect's JWE and signed event
tokens) is specific to delivery and stays in ``revier.delivery.crypto``.
"""

from __future__ import annotations

import base64
import json
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["SEALED_MAGIC", "seal", "seal_json", "unseal", "unseal_json"]

# A sealed value starts with this marker; Fernet tokens (the earlier format) start with "gAAAA".
SEALED_MAGIC = b"RVS1"
NONCE_BYTES = 12


@lru_cache(maxsize=64)
def _derived_key(secret: str, purpose: str) -> bytes:
    # Cached: HKDF per value would cost more than sealing a small secret.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"revier.{purpose}".encode()
    ).derive(secret.encode())


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _fernet(purpose: str) -> MultiFernet:
    keys = [Fernet(base64.urlsafe_b64encode(_derived_key(s, purpose))) for s in _secrets()]
    return MultiFernet(keys)


def seal(value: bytes, *, purpose: str) -> bytes:
    """``value`` encrypted and authenticated for storage: marker, nonce, AES-256-GCM output."""
    nonce = os.urandom(NONCE_BYTES)
    key = _derived_key(settings.SECRET_KEY, purpose)
    return SEALED_MAGIC + nonce + AESGCM(key).encrypt(nonce, value, purpose.encode())


def unseal(token: bytes, *, purpose: str) -> bytes:
    token = bytes(token)
    if token.startswith(SEALED_MAGIC):
        start = len(SEALED_MAGIC)
        nonce, body = token[start : start + NONCE_BYTES], token[start + NONCE_BYTES :]
        for secret in _secrets():
            try:
                return AESGCM(_derived_key(secret, purpose)).decrypt(nonce, body, purpose.encode())
            except InvalidTag:
                continue
    else:
        try:
            return _fernet(purpose).decrypt(token)
        except InvalidToken:
            pass
    raise ValueError(
        "Cannot decrypt a stored secret: was SECRET_KEY changed without keeping the old "
        "one in SECRET_KEY_FALLBACKS?"
    )


def seal_json(value: dict, *, purpose: str) -> str:
    """For text columns: the sealed JSON, URL-safe base64."""
    sealed = seal(json.dumps(value).encode(), purpose=purpose)
    return base64.urlsafe_b64encode(sealed).decode("ascii")


def unseal_json(token: str, *, purpose: str) -> dict:
    if not token:
        return {}
    raw = token.encode("ascii")
    # Fernet tokens (the earlier format) are URL-safe base64 themselves, starting with "gAAAA".
    sealed = raw if raw.startswith(b"gAAAA") else base64.urlsafe_b64decode(raw)
    return json.loads(unseal(sealed, purpose=purpose))
