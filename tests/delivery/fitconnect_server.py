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

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
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


def public_jwk(key: rsa.RSAPrivateKey, kid: str, *, use: str = "enc") -> dict:
    numbers = key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "kid": kid,
        "alg": "RSA-OAEP-256" if use == "enc" else "PS512",
        "key_ops": ["wrapKey"] if use == "enc" else ["verify"],
        "n": b64url(_int_bytes(numbers.n)),
        "e": b64url(_int_bytes(numbers.e)),
    }


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
        # The delivery service's own key for the events it issues (JWKS at /.well-known).
        self.signing_kid = str(uuid.uuid4())
        self.signing_key = rsa_key(4096, "sig-service")
        self.events: dict[str, list[str]] = {}  # case id → SETs, oldest first
        self.lock = threading.RLock()  # re-entered: a view adds events
        self.port = 0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FitConnectServer:
        handler = type("Handler", (_Handler,), {"state": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.port = self._httpd.server_address[1]  # keep the port across stop/start
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
                with self.lock:
                    return view(*match.groups(), headers=headers, body=body)
        raise Refused(404, "not-found", "Not Found", f"{method} {path}")

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
        d = self._get_destination(destination_id)
        if kid == d.signing_kid:
            key = public_jwk(d.signing_key, d.signing_kid, use="sig")
        elif kid != d.kid:
            raise Refused(404, "key-not-found", "Key not found", kid)
        else:
            key = d.served_key if d.served_key is not None else public_jwk(d.key, d.kid)
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

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def _dispatch(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            status, content_type, payload = self.state.handle(
                self.command, self.path, self.headers, body
            )
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
