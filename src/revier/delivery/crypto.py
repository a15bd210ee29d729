"""Encryption used by delivery.

Two different jobs:

* **At rest** (route secrets such as the OAuth client secret, the sealed package waiting for
  delivery, the back-office private keys): Fernet (AES-128-CBC + HMAC-SHA256) with a key derived
  from Django's ``SECRET_KEY`` by HKDF-SHA256 with a purpose label. ``SECRET_KEY_FALLBACKS`` are
  accepted for decryption, so the secret key can be rotated: set the old key as a fallback,
  re-save the routes, then drop it. Losing ``SECRET_KEY`` makes these values unreadable.
* **In transit** to the receiving authority: JWE compact serialisation with RSA-OAEP-256 and
  A256GCM as FIT-Connect prescribes (jwcrypto), to a public key that is checked first.
"""

from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from jwcrypto import jwe, jwk

JWE_ALG = "RSA-OAEP-256"
JWE_ENC = "A256GCM"
MIN_RSA_BITS = 4096


class KeyRefused(Exception):
    """The receiver's public key must not be used (too weak, wrong use, wrong algorithm)."""


# --- at rest ------------------------------------------------------------------------------------


def _fernet_key(secret: str, purpose: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"revier.{purpose}".encode()
    ).derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


def _fernet(purpose: str) -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_fernet_key(s, purpose)) for s in secrets])


def seal(value: bytes, *, purpose: str) -> bytes:
    return _fernet(purpose).encrypt(value)


def unseal(token: bytes, *, purpose: str) -> bytes:
    try:
        return _fernet(purpose).decrypt(bytes(token))
    except InvalidToken as exc:
        raise ValueError(
            "Cannot decrypt a stored secret: was SECRET_KEY changed without keeping the old "
            "one in SECRET_KEY_FALLBACKS?"
        ) from exc


def seal_json(value: dict, *, purpose: str) -> str:
    return seal(json.dumps(value).encode(), purpose=purpose).decode("ascii")


def unseal_json(token: str, *, purpose: str) -> dict:
    if not token:
        return {}
    return json.loads(unseal(token.encode("ascii"), purpose=purpose))


# --- in transit ---------------------------------------------------------------------------------


def public_key_check(key: dict, *, kid: str) -> jwk.JWK:
    """The receiver's JWK as a jwcrypto key, or ``KeyRefused`` saying why it is unusable."""
    if not isinstance(key, dict):
        raise KeyRefused("the key is not a JSON object")
    if key.get("kid") != kid:
        raise KeyRefused(f"the key has kid {key.get('kid')!r}, {kid!r} was asked for")
    if key.get("kty") != "RSA":
        raise KeyRefused(f"key type {key.get('kty')!r}, RSA is required")
    if key.get("alg") != JWE_ALG:
        raise KeyRefused(f"algorithm {key.get('alg')!r}, {JWE_ALG} is required")
    if "wrapKey" not in (key.get("key_ops") or []):
        raise KeyRefused("key_ops does not contain wrapKey")
    if "d" in key:
        raise KeyRefused("a private key was served")
    try:
        public = jwk.JWK(**{k: key[k] for k in ("kty", "n", "e", "kid", "alg")})
    except (KeyError, ValueError, TypeError) as exc:
        raise KeyRefused(f"not a valid RSA public key: {exc}") from exc
    bits = public.get_op_key("wrapKey").key_size
    if bits < MIN_RSA_BITS:
        raise KeyRefused(f"RSA key of {bits} bits, at least {MIN_RSA_BITS} are required")
    return public


def jwe_encrypt(plaintext: bytes, *, key: jwk.JWK) -> str:
    """JWE compact serialisation; ``zip`` is deliberately absent (FIT-Connect forbids it)."""
    header = {"alg": JWE_ALG, "enc": JWE_ENC, "kid": key.get("kid")}
    token = jwe.JWE(plaintext=plaintext, protected=header, recipient=key)
    return token.serialize(compact=True)


def jwe_decrypt(token: str, *, key: jwk.JWK) -> bytes:
    envelope = jwe.JWE()
    envelope.deserialize(token, key=key)
    return envelope.payload


def rsa_key_pair_generate(*, kid: str, bits: int = MIN_RSA_BITS) -> tuple[dict, dict]:
    """A new RSA key pair for receiving JWE: (public JWK, private JWK) as dicts."""
    private = jwk.JWK.generate(kty="RSA", size=bits, kid=kid, alg=JWE_ALG)
    public = json.loads(private.export_public())
    public["key_ops"] = ["wrapKey"]
    public["alg"] = JWE_ALG
    private_dict = json.loads(private.export_private())
    private_dict["key_ops"] = ["unwrapKey"]
    return public, private_dict
