"""The certificate chain (``x5c``) of a FIT-Connect destination's key, checked against the
trust anchors of the Verwaltungs-PKI (V-PKI).

In FIT-Connect's production environment every key of a destination is derived from a V-PKI
certificate, and the JWK carries that certificate and its issuers in ``x5c``. A sender must not
encrypt to, or believe signatures of, a key whose certificate does not lead to a trusted root,
has expired, is not meant for that use, or has been revoked. FIT-Connect's test environment uses
keys without V-PKI certificates, so the check applies where the installation names its trust
anchors (``settings.FITCONNECT_TRUST_ANCHORS``, a PEM file); see ADR 0014.

What is checked, every failure refusing the key:

* ``x5c`` is a non-empty list of base64 DER certificates, the first being the key's own: its
  RSA public key is the JWK's (``n``, ``e``), its key usage allows the use (``keyEncipherment``
  to encrypt to, ``digitalSignature`` or ``nonRepudiation`` to verify);
* the chain verifies up to one of the trust anchors at the current time (signatures, validity
  periods, CA basic constraints and key usage: cryptography's RFC 5280 path validation);
* no certificate of the chain below the anchor is on its issuer's certificate revocation list
  (CRL, from the certificate's CRL distribution points; the CRL's signature, issuer and
  ``nextUpdate`` are checked). A certificate without a distribution point cannot be checked and
  is refused; a CRL that cannot be fetched is a temporary failure (``RevocationUnavailable``):
  the delivery waits and is tried again.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import itertools
import threading
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import verification
from cryptography.x509.oid import ExtensionOID
from django.conf import settings

from revier.delivery.crypto import KeyRefused

# A CRL is fetched again after this long even if its nextUpdate is later: a revocation becomes
# known within the hour.
CRL_MAX_AGE = dt.timedelta(hours=1)
MAX_CHAIN = 6


class RevocationUnavailable(Exception):
    """No CRL of a certificate could be fetched or read: worth trying again later."""


# --- trust anchors ------------------------------------------------------------------------------

_anchors: dict[tuple[str, float], tuple[x509.Certificate, ...]] = {}
_lock = threading.Lock()


def trust_anchors() -> tuple[x509.Certificate, ...]:
    """The configured V-PKI root certificates, or () where none are configured (FIT-Connect's
    test environment). Read once per file version; a broken file is an error, never "none"."""
    path = getattr(settings, "FITCONNECT_TRUST_ANCHORS", "") or ""
    if not path:
        return ()
    file = Path(path)
    key = (str(file), file.stat().st_mtime)
    anchors = _anchors.get(key)
    if anchors is None:
        anchors = tuple(x509.load_pem_x509_certificates(file.read_bytes()))
        with _lock:
            _anchors.clear()
            _anchors[key] = anchors
    return anchors


# --- the chain ----------------------------------------------------------------------------------


def _b64url_int(value) -> int:
    if not isinstance(value, str):
        raise KeyRefused("the key's n or e is not a string")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise KeyRefused(f"the key's n or e is not base64url: {exc}") from exc
    return int.from_bytes(raw, "big")


def _certificates(x5c) -> list[x509.Certificate]:
    if not isinstance(x5c, list) or not x5c:
        raise KeyRefused("the key carries no certificate chain (x5c)")
    if len(x5c) > MAX_CHAIN:
        raise KeyRefused(f"the certificate chain is longer than {MAX_CHAIN}")
    certificates = []
    for number, entry in enumerate(x5c, start=1):
        try:
            # x5c is standard base64 (RFC 7517 4.7), not base64url.
            der = base64.b64decode(entry, validate=True)
            certificates.append(x509.load_der_x509_certificate(der))
        except (TypeError, ValueError, binascii.Error) as exc:
            raise KeyRefused(f"x5c entry {number} is not a base64 DER certificate") from exc
    return certificates


def _name(certificate: x509.Certificate) -> str:
    return certificate.subject.rfc4514_string()


def _usage_check(certificate: x509.Certificate, *, use: str) -> None:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound as exc:
        raise KeyRefused(f"the certificate {_name(certificate)} states no key usage") from exc
    if use == "enc":
        allowed, wanted = usage.key_encipherment, "keyEncipherment"
    else:
        allowed, wanted = usage.digital_signature or usage.content_commitment, "digitalSignature"
    if not allowed:
        raise KeyRefused(f"the certificate {_name(certificate)} is not for {wanted}")


def chain_check(
    key: dict,
    *,
    use: str,
    anchors: tuple[x509.Certificate, ...],
    fetch: Callable[[str], bytes],
    now: dt.datetime | None = None,
) -> list[x509.Certificate]:
    """The verified chain of ``key`` (its certificate first, the anchor last), or
    ``KeyRefused`` saying why the key must not be used. ``use`` is "enc" or "sig"; ``fetch``
    returns the body at a CRL URL or raises ``RevocationUnavailable``."""
    now = now or dt.datetime.now(dt.UTC)
    certificates = _certificates(key.get("x5c"))
    leaf = certificates[0]
    public = leaf.public_key()
    if not isinstance(public, rsa.RSAPublicKey):
        raise KeyRefused("the key's certificate does not hold an RSA key")
    numbers = public.public_numbers()
    if (numbers.n, numbers.e) != (_b64url_int(key.get("n")), _b64url_int(key.get("e"))):
        raise KeyRefused("the key differs from the key of its certificate (x5c)")
    _usage_check(leaf, use=use)

    verifier = (
        verification.PolicyBuilder()
        .store(verification.Store(list(anchors)))
        .time(now)
        .max_chain_depth(MAX_CHAIN)
        # CA certificates as RFC 5280 and the CA/B profile want them; the end entity is a V-PKI
        # encryption or signature certificate, not a TLS one: its key usage is checked above.
        .extension_policies(
            ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
            ee_policy=verification.ExtensionPolicy.permit_all(),
        )
        .build_client_verifier()
    )
    try:
        chain = verifier.verify(leaf, certificates[1:]).chain
    except verification.VerificationError as exc:
        raise KeyRefused(f"the certificate chain is not trusted: {exc}") from exc
    for certificate, issuer in itertools.pairwise(chain):
        _revocation_check(certificate, issuer, fetch=fetch, now=now)
    return chain


# --- revocation ---------------------------------------------------------------------------------

_crls: dict[str, tuple[x509.CertificateRevocationList, dt.datetime]] = {}  # url → (crl, until)


def caches_clear() -> None:
    with _lock:
        _crls.clear()
        _anchors.clear()


def _crl_urls(certificate: x509.Certificate) -> list[str]:
    try:
        points = certificate.extensions.get_extension_for_oid(
            ExtensionOID.CRL_DISTRIBUTION_POINTS
        ).value
    except x509.ExtensionNotFound:
        return []
    return [
        name.value
        for point in points
        for name in point.full_name or []
        if isinstance(name, x509.UniformResourceIdentifier)
        and name.value.lower().startswith(("http://", "https://"))
    ]


def _crl_load(body: bytes) -> x509.CertificateRevocationList:
    if body.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_crl(body)
    return x509.load_der_x509_crl(body)


def _crl(url: str, issuer: x509.Certificate, *, fetch, now: dt.datetime):
    cached = _crls.get(url)
    if cached is not None and now < cached[1]:
        return cached[0]
    try:
        crl = _crl_load(fetch(url))
    except ValueError as exc:
        raise RevocationUnavailable(f"the CRL at {url} is unreadable: {exc}") from exc
    # A list that someone else signed, or an outdated one, says nothing about revocation. Not a
    # refusal of the key: whoever can alter a CRL on its way must not stop deliveries for good.
    if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer.public_key()):
        raise RevocationUnavailable(f"the CRL at {url} is not signed by {_name(issuer)}")
    next_update = crl.next_update_utc
    if next_update is None or next_update <= now:
        raise RevocationUnavailable(f"the CRL at {url} is out of date")
    with _lock:
        _crls[url] = (crl, min(next_update, now + CRL_MAX_AGE))
    return crl


def _revocation_check(certificate, issuer, *, fetch, now) -> None:
    urls = _crl_urls(certificate)
    if not urls:
        raise KeyRefused(
            f"the certificate {_name(certificate)} names no CRL distribution point: "
            "its revocation status cannot be checked"
        )
    problems = []
    for url in urls:
        try:
            crl = _crl(url, issuer, fetch=fetch, now=now)
        except RevocationUnavailable as exc:
            problems.append(str(exc))
            continue
        if crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None:
            raise KeyRefused(f"the certificate {_name(certificate)} has been revoked")
        return
    raise RevocationUnavailable("; ".join(problems))
