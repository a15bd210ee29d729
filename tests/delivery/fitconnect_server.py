"""A local FIT-Connect Submission API for tests: a real HTTP server on 127.0.0.1.

It speaks the sender's side of the API (token, destination, key, create, attachments, submit)
with the state checks of the real service, and the subscriber's side (GET submission and
attachments) so the PyPI ``fitconnect`` client can fetch what was sent. Unlike the real
delivery service it also plays the receiving authority: on submit it decrypts everything with
its private key — with ``cryptography`` primitives, independent of the sender's jwcrypto code —
checks every hash and validates the metadata against the schema shipped in the ``fitconnect``
package, and refuses the submission (RFC 7807) when anything is wrong. With
``open_on_submit=False`` it accepts as the real service does (JWE headers checked, nothing
decrypted) and ``open_received()`` does the authority's part later.

The event log of each case (``GET /v1/cases/{caseId}/events``) holds Security Event Tokens
(RFC 8417) as the real service keeps them: ``submit-submission`` signed with the service's own
key (published at ``/.well-known/jwks.json``), and ``accept-submission`` or
``reject-submission`` signed with the destination's signature key (``accept()``,
``reject()``: what the receiving authority posts), all PS512.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID
from jsonschema import Draft202012Validator

PROBLEM = "https://schema.fitko.de/fit-connect/submission-api/problems/"
EVENTS = "https://schema.fitko.de/fit-connect/events/"
SET_SCHEMA = "https://schema.fitko.de/fit-connect/set-payload/1.0.0/set-payload.schema.json"
UUID_RE = r"[0-9a-fA-F-]{36}"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


@cache
def rsa_key(bits: int = 4096, use: str = "enc") -> rsa.RSAPrivateKey:
    """One key per size and use per test session: RSA-4096 generation takes a second or two."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def public_jwk(
    key: rsa.RSAPrivateKey, kid: str, *, use: str = "enc", x5c: list[str] | None = None
) -> dict:
    numbers = key.public_key().public_numbers()
    jwk = {
        "kty": "RSA",
        "kid": kid,
        "alg": "RSA-OAEP-256" if use == "enc" else "PS512",
        "key_ops": ["wrapKey"] if use == "enc" else ["verify"],
        "n": b64url(_int_bytes(numbers.n)),
        "e": b64url(_int_bytes(numbers.e)),
    }
    if x5c is not None:
        jwk["x5c"] = x5c
    return jwk


# --- a test PKI in the shape of the V-PKI: root → CA → the destinations' certificates -------


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Revier Test-PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def certificate(
    subject: str,
    public_key,
    *,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey] | None,
    signing_key: rsa.RSAPrivateKey,
    ca: bool = False,
    usage: tuple[str, ...] = ("key_encipherment",),
    crl_url: str | None = None,
    valid_days: tuple[int, int] = (-1, 365),
) -> x509.Certificate:
    """A certificate as a V-PKI CA issues them: key identifiers, basic constraints, key usage
    (certificate and CRL signing for CAs), the issuer's CRL distribution point."""
    now = dt.datetime.now(dt.UTC)
    issuer_name = issuer[0].subject if issuer else _name(subject)
    issuer_public = issuer[1].public_key() if issuer else public_key
    flags = dict.fromkeys(_USAGES, False)
    flags.update(dict.fromkeys(("key_cert_sign", "crl_sign") if ca else usage, True))
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=valid_days[0]))
        .not_valid_after(now + dt.timedelta(days=valid_days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**flags), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public), critical=False
        )
    )
    if crl_url:
        point = x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)],
            relative_name=None,
            reasons=None,
            crl_issuer=None,
        )
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def der_b64(cert: x509.Certificate) -> str:
    """An ``x5c`` entry: standard base64 of the DER certificate (RFC 7517 4.7)."""
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")


class Pki:
    """A root and an issuing CA whose CRLs the FIT-Connect test server publishes at
    ``{base_url}/pki/root.crl`` and ``/pki/ca.crl``. The CA keys are 2048-bit (quicker)."""

    def __init__(self, base_url: str, *, name: str = "V-PKI"):
        self.base_url = base_url
        self.root_key = rsa_key(2048, f"{name} root")
        self.root = certificate(
            f"Test {name} Root",
            self.root_key.public_key(),
            issuer=None,
            signing_key=self.root_key,
            ca=True,
        )
        self.ca_key = rsa_key(2048, f"{name} ca")
        self.ca = certificate(
            f"Test {name} CA",
            self.ca_key.public_key(),
            issuer=(self.root, self.root_key),
            signing_key=self.root_key,
            ca=True,
            crl_url=f"{base_url}/pki/root.crl",
        )
        self.revoked: set[int] = set()
        self.crl_requests = 0
        self.crl_unavailable = False  # answer 503 for the CRLs

    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def issue(self, key: rsa.RSAPrivateKey, *, use: str, **kwargs) -> x509.Certificate:
        options = {
            "usage": ("key_encipherment",) if use == "enc" else ("digital_signature",),
            "crl_url": f"{self.base_url}/pki/ca.crl",
            **kwargs,
        }
        return certificate(
            f"Zustellpunkt Test ({use})",
            key.public_key(),
            issuer=(self.ca, self.ca_key),
            signing_key=self.ca_key,
            **options,
        )

    def x5c(self, key: rsa.RSAPrivateKey, *, use: str, **kwargs) -> list[str]:
        """The ``x5c`` of a JWK: the key's certificate, then the CA's."""
        return [der_b64(self.issue(key, use=use, **kwargs)), der_b64(self.ca)]

    def revoke(self, cert: x509.Certificate | str) -> None:
        if isinstance(cert, str):  # an x5c entry
            cert = x509.load_der_x509_certificate(base64.b64decode(cert))
        self.revoked.add(cert.serial_number)

    def crl(self, name: str) -> bytes:
        """A fresh DER CRL of the root ("root") or the CA ("ca")."""
        issuer, key = (self.root, self.root_key) if name == "root" else (self.ca, self.ca_key)
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(issuer.subject)
            .last_update(now - dt.timedelta(minutes=1))
            .next_update(now + dt.timedelta(days=1))
        )
        for serial in sorted(self.revoked):
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(now - dt.timedelta(minutes=1))
                .build()
            )
        return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def set_sign(payload: dict, *, key: rsa.RSAPrivateKey, kid: str) -> str:
    """A Security Event Token: JWS compact, PS512 (RSASSA-PSS, SHA-512, 64-byte salt)."""
    header = {"typ": "secevent+jwt", "alg": "PS512", "kid": kid}
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    signature = key.sign(
        signing_input.encode("ascii"),
        padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64),
        hashes.SHA512(),
    )
    return f"{signing_input}.{b64url(signature)}"


class Dropped(Exception):
    """Close the connection without an answer: the request was carried out, its answer lost
    (a timeout or crash between sending and recording, as the sender sees it)."""


# The sender's steps that change a submission, by the view that serves them (fault injection).
STEPS = {"_create": "create", "_attachment": "attachment", "_submit": "submit"}


class Refused(Exception):
    def __init__(self, status: int, slug: str, title: str, detail: str):
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail


def jwe_header(token: str, *, kid: str) -> tuple[list[str], dict]:
    """The compact parts and protected header of a JWE, checked as the delivery service checks
    them on submit (it cannot decrypt): five parts, RSA-OAEP-256 + A256GCM, no ``zip``, the
    destination's ``kid``."""
    parts = token.strip().split(".")
    if len(parts) != 5:
        raise Refused(422, "encryption-issue", "Not a JWE", "expected 5 compact parts")
    try:
        header = json.loads(b64url_decode(parts[0]))
    except ValueError as exc:
        raise Refused(422, "encryption-issue", "Broken JWE header", str(exc)) from exc
    if header.get("alg") != "RSA-OAEP-256" or header.get("enc") != "A256GCM":
        raise Refused(422, "encryption-issue", "Wrong algorithms", json.dumps(header))
    if "zip" in header:
        raise Refused(422, "encryption-issue", "Compression not allowed", "zip is set")
    if header.get("kid") != kid:
        raise Refused(422, "unknown-kid", "Unknown key", f"kid {header.get('kid')!r}")
    return parts, header


def jwe_decrypt(token: str, *, key: rsa.RSAPrivateKey, kid: str) -> tuple[dict, bytes]:
    """Decrypt a JWE compact token (RSA-OAEP-256 + A256GCM) with plain ``cryptography``."""
    parts, header = jwe_header(token, kid=kid)
    try:
        cek = key.decrypt(
            b64url_decode(parts[1]),
            padding.OAEP(
                mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
            ),
        )
        plaintext = AESGCM(cek).decrypt(
            b64url_decode(parts[2]),
            b64url_decode(parts[3]) + b64url_decode(parts[4]),
            parts[0].encode("ascii"),
        )
    except Exception as exc:
        raise Refused(
            422, "encryption-issue", "Decryption failed", f"{type(exc).__name__}"
        ) from exc
    return header, plaintext


@cache
def metadata_schema_validator() -> Draft202012Validator:
    schema_file = resources.files("fitconnect") / "schema" / "metadata.schema.v1.0.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@dataclass
class Destination:
    destination_id: str
    kid: str
    key: rsa.RSAPrivateKey
    services: list[str]
    served_key: dict | None = None  # serve this instead of the real public key (tests)
    # The authority's key for signing its events (accept, reject).
    signing_kid: str = ""
    signing_key: rsa.RSAPrivateKey | None = None
    served_signing_key: dict | None = None  # serve this instead (tests)
    # The certificate chains of both keys, issued when first served.
    x5c: list[str] = field(default_factory=list)
    signing_x5c: list[str] = field(default_factory=list)


@dataclass
class Submission:
    submission_id: str
    case_id: str
    destination_id: str
    service_type: dict
    announced: list[str]
    attachments: dict[str, str] = field(default_factory=dict)
    status: str = "created"
    encrypted_metadata: str = ""
    encrypted_data: str = ""
    # Filled on a successful submit, from decryption:
    metadata: dict | None = None
    data: bytes = b""
    headers: list[dict] = field(default_factory=list)
    attachment_contents: dict[str, bytes] = field(default_factory=dict)


class FitConnectServer:
    def __init__(self, *, client_id="revier-sender", client_secret=None, open_on_submit=True):
        self.client_id = client_id
        # True: on submit, play the receiving authority at once (decrypt, check, refuse).
        # False: accept like the real delivery service, which only checks the JWE headers and
        # never holds the private key; ``open_received()`` plays the authority afterwards.
        self.open_on_submit = open_on_submit
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.tokens: set[str] = set()
        self.destinations: dict[str, Destination] = {}
        self.submissions: dict[str, Submission] = {}
        self.requests: list[tuple[str, str]] = []
        self.unavailable = False  # answer 503 to everything
        # Faults to inject, each once, in order: (step, "before") answers 503 without doing
        # anything; (step, "lost") does the step and closes the connection without an answer.
        # Steps: "create", "attachment", "submit".
        self.faults: list[tuple[str, str]] = []
        # The delivery service's own key for the events it issues (JWKS at /.well-known).
        self.signing_kid = str(uuid.uuid4())
        self.signing_key = rsa_key(4096, "sig-service")
        self.events: dict[str, list[str]] = {}  # case id → SETs, oldest first
        self.pki: Pki | None = None  # issues the destinations' certificates (x5c), at start
        self.lock = threading.RLock()  # re-entered: a view adds events
        self.port = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FitConnectServer:
        handler = type("Handler", (_Handler,), {"state": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.port = self._httpd.server_address[1]  # keep the port across stop/start
        if self.pki is None:
            self.pki = Pki(self.api_url)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(5)
            self._httpd = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_url(self) -> str:
        return f"{self.api_url}/token"

    def add_destination(self, *, services: list[str], bits: int = 4096) -> Destination:
        destination = Destination(
            destination_id=str(uuid.uuid4()),
            kid=str(uuid.uuid4()),
            key=rsa_key(bits),
            services=services,
            signing_kid=str(uuid.uuid4()),
            signing_key=rsa_key(4096, "sig-destination"),
        )
        self.destinations[destination.destination_id] = destination
        return destination

    def submitted(self) -> list[Submission]:
        return [s for s in self.submissions.values() if s.status == "submitted"]

    # --- the API ------------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers, body: bytes) -> tuple[int, str, bytes]:
        with self.lock:
            self.requests.append((method, path))
        if self.unavailable:
            raise Refused(503, "unavailable", "Service Unavailable", "maintenance")
        if method == "POST" and path == "/token":
            return self._token(headers, body)
        if method == "GET" and path in ("/pki/root.crl", "/pki/ca.crl"):  # the PKI's, public
            with self.lock:
                self.pki.crl_requests += 1
            if self.pki.crl_unavailable:
                raise Refused(503, "unavailable", "Service Unavailable", "CRL")
            return 200, "application/pkix-crl", self.pki.crl(path[5:-4])
        if method == "GET" and path == "/.well-known/jwks.json":  # public, as the real one
            keys = [public_jwk(self.signing_key, self.signing_kid, use="sig")]
            return 200, "application/json", json.dumps({"keys": keys}).encode()
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            raise Refused(401, "unauthorized", "Unauthorized", "missing or unknown access token")
        routes = [
            ("GET", rf"/v1/destinations/({UUID_RE})", self._destination),
            ("GET", rf"/v1/destinations/({UUID_RE})/keys/([^/]+)", self._key),
            ("POST", r"/v1/submissions", self._create),
            ("PUT", rf"/v1/submissions/({UUID_RE})/attachments/({UUID_RE})", self._attachment),
            ("PUT", rf"/v1/submissions/({UUID_RE})", self._submit),
            ("GET", rf"/v1/submissions/({UUID_RE})", self._get_submission),
            ("GET", rf"/v1/submissions/({UUID_RE})/attachments/({UUID_RE})", self._get_attachment),
            ("GET", rf"/v1/cases/({UUID_RE})/events", self._events),
        ]
        for route_method, pattern, view in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                step = STEPS.get(view.__name__)
                with self.lock:
                    if self._fault(step, "before"):
                        raise Refused(503, "unavailable", "Service Unavailable", "injected")
                    answer = view(*match.groups(), headers=headers, body=body)
                    if self._fault(step, "lost"):
                        raise Dropped(f"{method} {path}")
                    return answer
        raise Refused(404, "not-found", "Not Found", f"{method} {path}")

    def _fault(self, step: str | None, how: str) -> bool:
        if step is not None and (step, how) in self.faults:
            self.faults.remove((step, how))
            return True
        return False

    def _token(self, headers, body):
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != self.client_id
            or not secrets.compare_digest(form.get("client_secret", ""), self.client_secret)
        ):
            return 401, "application/json", json.dumps({"error": "invalid_client"}).encode()
        token = secrets.token_urlsafe(32)
        self.tokens.add(token)
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": 1800}
        return 200, "application/json", json.dumps(answer).encode()

    def _get_destination(self, destination_id: str) -> Destination:
        destination = self.destinations.get(destination_id)
        if destination is None:
            raise Refused(404, "destination-not-found", "Destination not found", destination_id)
        return destination

    def _destination(self, destination_id, **_):
        d = self._get_destination(destination_id)
        answer = {
            "destinationId": d.destination_id,
            "status": "active",
            "encryptionKid": d.kid,
            "services": [
                {
                    "identifier": identifier,
                    "submissionSchemas": [],
                    "regions": ["DE150840590590"],
                }
                for identifier in d.services
            ],
        }
        return 200, "application/json", json.dumps(answer).encode()

    def _key(self, destination_id, kid, **_):
        # Served with their certificate chain (x5c), as the real service does.
        d = self._get_destination(destination_id)
        if kid == d.signing_kid:
            key = d.served_signing_key
            if key is None:
                d.signing_x5c = d.signing_x5c or self.pki.x5c(d.signing_key, use="sig")
                key = public_jwk(d.signing_key, kid, use="sig", x5c=d.signing_x5c)
        elif kid != d.kid:
            raise Refused(404, "key-not-found", "Key not found", kid)
        else:
            key = d.served_key
            if key is None:
                d.x5c = d.x5c or self.pki.x5c(d.key, use="enc")
                key = public_jwk(d.key, kid, x5c=d.x5c)
        return 200, "application/json", json.dumps(key).encode()

    def _create(self, headers, body, **_):
        request = _json(body)
        destination = self._get_destination(str(request.get("destinationId")))
        service = request.get("serviceType") or {}
        if service.get("identifier") not in destination.services:
            raise Refused(
                422, "service-mismatch", "Service not offered", str(service.get("identifier"))
            )
        announced = request.get("announcedAttachments") or []
        for attachment_id in announced:
            if str(uuid.UUID(attachment_id)) != attachment_id.lower():
                raise Refused(422, "request-validation", "Bad attachment id", attachment_id)
        submission = Submission(
            submission_id=str(uuid.uuid4()),
            case_id=str(uuid.uuid4()),
            destination_id=destination.destination_id,
            service_type=service,
            announced=list(announced),
        )
        self.submissions[submission.submission_id] = submission
        answer = {
            "destinationId": submission.destination_id,
            "submissionId": submission.submission_id,
            "caseId": submission.case_id,
        }
        return 201, "application/json", json.dumps(answer).encode()

    def _get_submission_obj(self, submission_id: str) -> Submission:
        submission = self.submissions.get(submission_id)
        if submission is None:
            raise Refused(404, "submission-not-found", "Submission not found", submission_id)
        return submission

    def _attachment(self, submission_id, attachment_id, headers, body, **_):
        submission = self._get_submission_obj(submission_id)
        if submission.status != "created":
            raise Refused(409, "submission-state", "Already submitted", submission_id)
        if attachment_id not in submission.announced:
            raise Refused(404, "attachment-not-announced", "Not announced", attachment_id)
        if headers.get("Content-Type", "").split(";")[0] != "application/jose":
            raise Refused(415, "unsupported-media-type", "Content-Type", "application/jose")
        submission.attachments[attachment_id] = body.decode("ascii")
        return 204, "", b""

    def _submit(self, submission_id, headers, body, **_):
        submission = self._get_submission_obj(submission_id)
        if submission.status != "created":
            raise Refused(409, "submission-state", "Already submitted", submission_id)
        missing = sorted(set(submission.announced) - set(submission.attachments))
        if missing:
            raise Refused(
                422, "missing-attachments", "Announced attachments missing", ", ".join(missing)
            )
        request = _json(body)
        encrypted_metadata = request.get("encryptedMetadata", "")
        encrypted_data = request.get("encryptedData", "")
        if self.open_on_submit:
            self._open(submission, encrypted_metadata, encrypted_data)
        else:
            kid = self.destinations[submission.destination_id].kid
            for token in (encrypted_metadata, encrypted_data, *submission.attachments.values()):
                jwe_header(token, kid=kid)
        submission.status = "submitted"
        submission.encrypted_metadata = encrypted_metadata
        submission.encrypted_data = encrypted_data
        self._event_add(submission, "submit-submission", {}, issuer=self.api_url)
        answer = {
            "destinationId": submission.destination_id,
            "submissionId": submission.submission_id,
            "caseId": submission.case_id,
        }
        return 202, "application/json", json.dumps(answer).encode()

    def _open(self, submission: Submission, encrypted_metadata: str, encrypted_data: str):
        """The receiving authority's side: decrypt every part with the destination's private
        key, validate the metadata, check every hash; fills ``submission`` or raises."""
        destination = self.destinations[submission.destination_id]
        decrypt = {"key": destination.key, "kid": destination.kid}
        header, metadata_raw = jwe_decrypt(encrypted_metadata, **decrypt)
        headers_seen = [header]
        metadata = json.loads(metadata_raw)
        errors = [e.message for e in metadata_schema_validator().iter_errors(metadata)]
        if errors:
            raise Refused(422, "metadata-schema", "Metadata invalid", "; ".join(errors))
        header, data = jwe_decrypt(encrypted_data, **decrypt)
        headers_seen.append(header)
        structure = metadata["contentStructure"]
        if hashlib.sha512(data).hexdigest() != structure["data"]["hash"]["content"]:
            raise Refused(422, "hash-mismatch", "Data hash mismatch", "data")
        described = {a["attachmentId"]: a for a in structure["attachments"]}
        if set(described) != set(submission.announced):
            raise Refused(422, "metadata-mismatch", "Attachments differ", "attachments")
        contents = {}
        for attachment_id, token in submission.attachments.items():
            header, content = jwe_decrypt(token, **decrypt)
            headers_seen.append(header)
            if hashlib.sha512(content).hexdigest() != described[attachment_id]["hash"]["content"]:
                raise Refused(422, "hash-mismatch", "Attachment hash mismatch", attachment_id)
            contents[attachment_id] = content
        if metadata["publicServiceType"]["identifier"] != submission.service_type["identifier"]:
            raise Refused(422, "metadata-mismatch", "Service differs", "publicServiceType")
        submission.metadata, submission.data = metadata, data
        submission.headers, submission.attachment_contents = headers_seen, contents

    def open_received(self) -> dict[str, str]:
        """Open every submission accepted without opening (``open_on_submit=False``), as the
        receiving authority would; returns ``{submission id: problem}`` for those that fail."""
        problems = {}
        for submission in self.submitted():
            if submission.metadata is not None:
                continue
            try:
                self._open(submission, submission.encrypted_metadata, submission.encrypted_data)
            except Refused as exc:
                problems[submission.submission_id] = f"{exc.title}: {exc.detail}"
        return problems

    # --- the event log ------------------------------------------------------------------------

    def _event_add(self, submission: Submission, event: str, body: dict, *, issuer: str) -> None:
        """Append an event to the case's log. Signed by the destination when it is the issuer,
        else by the delivery service — when the log is first read, so that a benchmark's
        window does not carry the test server's RSA signatures."""
        payload = {
            "$schema": SET_SCHEMA,
            "jti": str(uuid.uuid4()),
            "iss": issuer,
            "iat": int(time.time()),
            "sub": f"submission:{submission.submission_id}",
            "txn": f"case:{submission.case_id}",
            "events": {EVENTS + event: body},
        }
        with self.lock:
            self.events.setdefault(submission.case_id, []).append(payload)

    def _signed(self, case_id: str) -> list[str]:
        destination = self.destinations[
            next(s.destination_id for s in self.submissions.values() if s.case_id == case_id)
        ]
        log = self.events.get(case_id, [])
        for n, entry in enumerate(log):
            if isinstance(entry, dict):
                if entry["iss"] == destination.destination_id:
                    key, kid = destination.signing_key, destination.signing_kid
                else:
                    key, kid = self.signing_key, self.signing_kid
                log[n] = set_sign(entry, key=key, kid=kid)
        return list(log)

    def authentication_tags(self, submission: Submission) -> dict:
        """The tags of the received JWE parts (their last compact part), as an authority
        puts them into its accept or reject event."""
        return {
            "metadata": submission.encrypted_metadata.rsplit(".", 1)[-1],
            "data": submission.encrypted_data.rsplit(".", 1)[-1],
            "attachments": {
                attachment_id: token.rsplit(".", 1)[-1]
                for attachment_id, token in submission.attachments.items()
            },
        }

    def accept(self, submission_id: str, *, tags: dict | None = None) -> None:
        """The receiving authority accepts (what it posts as ``accept-submission``)."""
        submission = self._get_submission_obj(submission_id)
        body = {"authenticationTags": tags or self.authentication_tags(submission)}
        self._event_add(submission, "accept-submission", body, issuer=submission.destination_id)

    def reject(self, submission_id: str, *, problems: list[dict]) -> None:
        """The receiving authority rejects (``reject-submission``) with its problems."""
        submission = self._get_submission_obj(submission_id)
        body = {
            "authenticationTags": self.authentication_tags(submission),
            "problems": problems,
        }
        self._event_add(submission, "reject-submission", body, issuer=submission.destination_id)

    def _events(self, case_id, **_):
        if not any(s.case_id == case_id for s in self.submissions.values()):
            raise Refused(404, "case-not-found", "Case not found", case_id)
        log = self._signed(case_id)
        return 200, "application/json", json.dumps({"eventLog": log}).encode()

    def _get_submission(self, submission_id, **_):
        s = self._get_submission_obj(submission_id)
        answer = {
            "destinationId": s.destination_id,
            "submissionId": s.submission_id,
            "caseId": s.case_id,
            "serviceType": s.service_type,
            "attachments": s.announced,
            "encryptedMetadata": s.encrypted_metadata,
            "encryptedData": s.encrypted_data,
        }
        return 200, "application/json", json.dumps(answer).encode()

    def _get_attachment(self, submission_id, attachment_id, **_):
        s = self._get_submission_obj(submission_id)
        if attachment_id not in s.attachments:
            raise Refused(404, "attachment-not-found", "Attachment not found", attachment_id)
        return 200, "application/jose", s.attachments[attachment_id].encode("ascii")


def _json(body: bytes) -> dict:
    try:
        value = json.loads(body or b"{}")
    except ValueError as exc:
        raise Refused(400, "request-validation", "Invalid JSON", str(exc)) from exc
    if not isinstance(value, dict):
        raise Refused(400, "request-validation", "Invalid JSON", "an object is expected")
    return value


class _Handler(BaseHTTPRequestHandler):
    state: FitConnectServer
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle's algorithm the body waits for the
    # client's delayed ACK: 40 ms for every small answer on loopback (a CRL, a key).
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def _dispatch(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            status, content_type, payload = self.state.handle(
                self.command, self.path, self.headers, body
            )
        except Dropped:
            self.close_connection = True
            return
        except Refused as exc:
            status, content_type = exc.status, "application/problem+json"
            payload = json.dumps(
                {
                    "type": PROBLEM + exc.slug,
                    "title": exc.title,
                    "status": exc.status,
                    "detail": exc.detail,
                    "instance": self.path,
                }
            ).encode()
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = _dispatch
