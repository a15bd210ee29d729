"""Encryption used by delivery in transit (secrets at rest: ``revier.core.crypto``).

* **In transit** to the receiving authority: JWE compact serialisation with RSA-OAEP-256 and
  A256GCM as FIT-Connect prescribes (jwcrypto), to a public key that is checked first.
* **Answers** of FIT-Connect (its event log): Security Event Tokens (RFC 8417), JWS signed
  with PS512, verified against a checked signature key (``set_verify``).
"""

from __future__ import annotations

import base64
import json

from jwcrypto import jwe, jwk, jws
from jwcrypto.common import JWException

JWE_ALG = "RSA-OAEP-256"
JWE_ENC = "A256GCM"
SET_ALG = "PS512"
SET_TYPE = "secevent+jwt"
MIN_RSA_BITS = 4096


class KeyRefused(Exception):
    """The receiver's public key must not be used (too weak, wrong use, wrong algorithm)."""


class SignatureInvalid(Exception):
    """A signed token that is malformed, signed with another key or algorithm, or altered."""


# --- in transit ---------------------------------------------------------------------------------


def public_key_check(key: dict, *, kid: str, alg: str = JWE_ALG) -> jwk.JWK:
    """The receiver's JWK as a jwcrypto key, or ``KeyRefused`` saying why it is unusable.

    ``alg`` RSA-OAEP-256 (the default): a key to encrypt to (``wrapKey``); PS512: a key to
    verify the receiver's signatures with (``verify``)."""
    operation = "wrapKey" if alg == JWE_ALG else "verify"
    if not isinstance(key, dict):
        raise KeyRefused("the key is not a JSON object")
    if key.get("kid") != kid:
        raise KeyRefused(f"the key has kid {key.get('kid')!r}, {kid!r} was asked for")
    if key.get("kty") != "RSA":
        raise KeyRefused(f"key type {key.get('kty')!r}, RSA is required")
    if key.get("alg") != alg:
        raise KeyRefused(f"algorithm {key.get('alg')!r}, {alg} is required")
    if operation not in (key.get("key_ops") or []):
        raise KeyRefused(f"key_ops does not contain {operation}")
    if "d" in key:
        raise KeyRefused("a private key was served")
    try:
        public = jwk.JWK(**{k: key[k] for k in ("kty", "n", "e", "kid", "alg")})
    except (KeyError, ValueError, TypeError) as exc:
        raise KeyRefused(f"not a valid RSA public key: {exc}") from exc
    bits = public.get_op_key(operation).key_size
    if bits < MIN_RSA_BITS:
        raise KeyRefused(f"RSA key of {bits} bits, at least {MIN_RSA_BITS} are required")
    return public


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def set_header(token: str) -> dict:
    """The protected header of a Security Event Token, checked for what FIT-Connect requires
    (``typ`` secevent+jwt, PS512, a ``kid``), before any key is looked up."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise SignatureInvalid("not a JWS in compact serialisation")
    try:
        header = json.loads(_b64url_decode(parts[0]))
    except ValueError as exc:
        raise SignatureInvalid(f"unreadable header: {exc}") from exc
    if not isinstance(header, dict):
        raise SignatureInvalid("the header is not a JSON object")
    if header.get("typ") != SET_TYPE:
        raise SignatureInvalid(f"typ {header.get('typ')!r}, {SET_TYPE} is required")
    if header.get("alg") != SET_ALG:
        raise SignatureInvalid(f"algorithm {header.get('alg')!r}, {SET_ALG} is required")
    if not header.get("kid"):
        raise SignatureInvalid("the header names no kid")
    return header


def set_unverified_payload(token: str) -> dict:
    """The payload before verification: only to learn which key should have signed it."""
    try:
        payload = json.loads(_b64url_decode(token.split(".")[1]))
    except (IndexError, ValueError) as exc:
        raise SignatureInvalid(f"unreadable payload: {exc}") from exc
    if not isinstance(payload, dict):
        raise SignatureInvalid("the payload is not a JSON object")
    return payload


def set_verify(token: str, *, key: jwk.JWK) -> dict:
    """The payload of a Security Event Token whose PS512 signature ``key`` verifies."""
    set_header(token)
    signed = jws.JWS()
    try:
        signed.deserialize(token)
        signed.verify(key, alg=SET_ALG)
    except (JWException, ValueError) as exc:
        raise SignatureInvalid(f"the signature does not verify: {exc}") from exc
    try:
        payload = json.loads(signed.payload)
    except ValueError as exc:
        raise SignatureInvalid(f"unreadable payload: {exc}") from exc
    if not isinstance(payload, dict):
        raise SignatureInvalid("the payload is not a JSON object")
    return payload


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
