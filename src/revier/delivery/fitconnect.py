"""A FIT-Connect sender: the Submission API, step by step, over httpx.

Flow (https://docs.fitko.de/fit-connect/docs/sending/overview): OAuth2 client credentials at the
token URL → ``GET /v1/destinations/{id}`` → its ``encryptionKid`` → ``GET
/v1/destinations/{id}/keys/{kid}`` (checked: RSA ≥ 4096, RSA-OAEP-256, ``wrapKey``) → ``POST
/v1/submissions`` announcing the attachments → ``PUT`` each encrypted attachment → ``PUT
/v1/submissions/{id}`` with the encrypted metadata and data.

Per process, the OAuth token is kept until shortly before it expires (a 401 fetches a new one
and repeats the request once), and the destination with its checked encryption key for
``DESTINATION_TTL`` seconds; when the receiver refuses a submission made with kept ones, they
are fetched anew and the submission is made once more (the refused one was not accepted, so
nothing is delivered twice). This saves three of seven requests per submission.

Afterwards the case's event log (``GET /v1/cases/{caseId}/events``) tells whether the receiving
authority accepted or rejected the submission (``events``). Every entry is a Security Event
Token whose signature is verified: events of the delivery service against its JWKS
(``/.well-known/jwks.json``), the authority's accept and reject against the destination's
signature key (``GET /v1/destinations/{id}/keys/{kid}``, PS512, ``verify``, RSA ≥ 4096).
An accept or reject signed by anyone but the destination is refused.

Where the installation names the V-PKI trust anchors, both keys of the destination must carry
a certificate chain (``x5c``) that leads to one of them, fits the key's use and is not revoked
(``certificates.chain_check``); a CRL that cannot be fetched makes the delivery wait.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from dataclasses import dataclass

import httpx

from revier.delivery import certificates, crypto, envelope
from revier.delivery.package import DeliveryPackage

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# How long a destination and its encryption key are used without asking again. FIT-Connect
# rotates keys with overlap; a refused submission fetches them anew at once anyway.
DESTINATION_TTL = 300.0
# A token is renewed this long before it expires (at most a tenth of its lifetime).
TOKEN_MARGIN = 60.0
EVENT_PREFIX = "https://schema.fitko.de/fit-connect/events/"
# Only the receiving authority may issue these: signed with the destination's key.
AUTHORITY_EVENTS = frozenset({"accept-submission", "reject-submission"})
# Any of these in a submission's event log: it was submitted (nothing more may be sent for it).
SUBMITTED_EVENTS = frozenset(
    {
        "submit-submission",
        "notify-submission",
        "forward-submission",
        "accept-submission",
        "reject-submission",
        "delete-submission",
    }
)


@dataclass(frozen=True)
class Problem:
    """An RFC 7807 problem document (or what could be read of a non-conforming error body)."""

    status: int
    title: str
    detail: str = ""
    type: str = "about:blank"
    instance: str = ""

    def __str__(self) -> str:
        text = f"{self.status} {self.title}"
        if self.detail:
            text += f": {self.detail}"
        if self.type and self.type != "about:blank":
            text += f" ({self.type})"
        return text


class FitConnectError(Exception):
    def __init__(self, message: str, *, step: str, problem: Problem | None = None):
        super().__init__(f"{step}: {message}")
        self.step = step
        self.problem = problem


class FitConnectUnavailable(FitConnectError):
    """Network failure, 5xx or 429: worth retrying later."""


class FitConnectRefused(FitConnectError):
    """A 4xx answer, a refused key, invalid metadata: retrying the same request will not help."""


@dataclass(frozen=True)
class SendResult:
    submission_id: str
    case_id: str
    metadata: dict
    # The authentication tag of each JWE part sent (its last compact part): the authority's
    # accept names them, which proves it accepted exactly these parts.
    authentication_tags: dict


@dataclass(frozen=True)
class Event:
    """One verified entry of a case's event log that concerns our submission."""

    name: str  # the event URI without its prefix: "submit-submission", "accept-submission" …
    issuer: str
    issued_at: int  # seconds since the epoch (``iat``)
    body: dict


def authentication_tag(token: str) -> str:
    return token.rsplit(".", 1)[-1]


def _event_parse(payload: dict, *, case_id: str) -> tuple[str, Event]:
    """(subject, event) of a verified SET payload, or ``FitConnectRefused``."""
    events = payload.get("events")
    if not isinstance(events, dict) or len(events) != 1:
        raise FitConnectRefused("an event token must carry exactly one event", step="events")
    ((uri, body),) = events.items()
    if not isinstance(uri, str) or not uri.startswith(EVENT_PREFIX):
        raise FitConnectRefused(f"unknown event {uri!r}", step="events")
    if payload.get("txn") != f"case:{case_id}":
        raise FitConnectRefused(
            f"an event of case {payload.get('txn')!r} in the log of case:{case_id}", step="events"
        )
    issued_at = payload.get("iat")
    if not isinstance(issued_at, int) or isinstance(issued_at, bool):
        raise FitConnectRefused("an event token without a valid iat", step="events")
    event = Event(
        name=uri[len(EVENT_PREFIX) :],
        issuer=str(payload.get("iss") or ""),
        issued_at=issued_at,
        body=body if isinstance(body, dict) else {},
    )
    return str(payload.get("sub") or ""), event


def problem_parse(response: httpx.Response) -> Problem:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and ("title" in body or "type" in body):
        return Problem(
            status=int(body.get("status") or response.status_code),
            title=str(body.get("title") or response.reason_phrase),
            detail=str(body.get("detail") or ""),
            type=str(body.get("type") or "about:blank"),
            instance=str(body.get("instance") or ""),
        )
    if isinstance(body, dict) and "error" in body:  # OAuth2 error response (RFC 6749 5.2)
        return Problem(
            status=response.status_code,
            title=str(body["error"]),
            detail=str(body.get("error_description") or ""),
        )
    return Problem(
        status=response.status_code,
        title=response.reason_phrase or "error",
        detail=response.text[:300],
    )


_shared: dict[int, httpx.Client] = {}


def shared_http() -> httpx.Client:
    """One HTTP client per process: loading the CA bundle cost 21 ms per delivery and every
    delivery opened new connections (benchmarks/RESULTS.md). Keyed by PID so a forked Celery
    worker never uses its parent's connections. httpx.Client is safe to share between threads."""
    pid = os.getpid()
    client = _shared.get(pid)
    if client is None:
        client = _shared[pid] = httpx.Client(timeout=TIMEOUT, follow_redirects=False)
    return client


@dataclass(frozen=True)
class _CachedToken:
    value: str
    renew_at: float  # _clock()


@dataclass(frozen=True)
class _CachedDestination:
    destination: dict
    key: crypto.jwk.JWK
    expires_at: float  # _clock()


# Keyed by PID first, like the HTTP client: a forked worker starts without its parent's.
_tokens: dict[tuple, _CachedToken] = {}
_destinations: dict[tuple, _CachedDestination] = {}
_signature_keys: dict[tuple, tuple[crypto.jwk.JWK, float]] = {}  # → (key, expires at)
_cache_lock = threading.Lock()
_clock = time.monotonic  # tests turn it forward


def caches_clear() -> None:
    with _cache_lock:
        _tokens.clear()
        _destinations.clear()
        _signature_keys.clear()
    certificates.caches_clear()


class FitConnectClient:
    def __init__(
        self,
        *,
        api_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        http: httpx.Client | None = None,
    ):
        self.api_url = api_url.rstrip("/")
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.http = http or httpx.Client(timeout=TIMEOUT, follow_redirects=False)
        secret_hash = hashlib.sha256(client_secret.encode()).hexdigest()
        self._token_key = (os.getpid(), token_url, client_id, secret_hash)

    def close(self) -> None:
        self.http.close()

    # --- HTTP ---------------------------------------------------------------------------------

    def _request(self, step: str, method: str, url: str, *, expect: tuple[int, ...], **kwargs):
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise FitConnectUnavailable(
                f"{type(exc).__name__}: {exc or 'no answer'}", step=step
            ) from exc
        if response.status_code in expect:
            return response
        problem = problem_parse(response)
        if response.status_code >= 500 or response.status_code == 429:
            raise FitConnectUnavailable(str(problem), step=step, problem=problem)
        raise FitConnectRefused(str(problem), step=step, problem=problem)

    def _api(self, step: str, method: str, path: str, *, expect=(200,), **kwargs):
        headers = kwargs.pop("headers", {})
        token = self.access_token()
        for attempt in (1, 2):
            try:
                return self._request(
                    step,
                    method,
                    f"{self.api_url}{path}",
                    expect=expect,
                    headers={"Authorization": f"Bearer {token}", **headers},
                    **kwargs,
                )
            except FitConnectRefused as exc:
                # A kept token the server no longer accepts (revoked, server restarted): get a
                # new one and repeat the request once; a 401 was not acted upon.
                if attempt == 2 or exc.problem is None or exc.problem.status != 401:
                    raise
                self._token_forget(token)
                token = self.access_token()
        raise AssertionError("unreachable")

    def _token_forget(self, token: str) -> None:
        with _cache_lock:
            cached = _tokens.get(self._token_key)
            if cached is not None and cached.value == token:
                del _tokens[self._token_key]

    def access_token(self) -> str:
        """The kept token of these credentials, or a new one (kept until shortly before it
        expires, as ``expires_in`` says; not kept without it)."""
        cached = _tokens.get(self._token_key)
        if cached is not None and _clock() < cached.renew_at:
            return cached.value
        requested_at = _clock()
        response = self._request(
            "token",
            "POST",
            self.token_url,
            expect=(200,),
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
            },
        )
        answer = response.json()
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:
            raise FitConnectRefused("the answer carries no access_token", step="token")
        try:
            lifetime = float(answer.get("expires_in") or 0)
        except (TypeError, ValueError):
            lifetime = 0.0
        if lifetime > 0:
            renew_at = requested_at + lifetime - min(TOKEN_MARGIN, lifetime / 10)
            with _cache_lock:
                _tokens[self._token_key] = _CachedToken(value=token, renew_at=renew_at)
        return token

    # --- the steps ----------------------------------------------------------------------------

    def destination_get(self, destination_id: str) -> dict:
        return self._api("destination", "GET", f"/v1/destinations/{destination_id}").json()

    def encryption_key_get(self, destination_id: str, destination: dict) -> crypto.jwk.JWK:
        kid = destination.get("encryptionKid")
        if not kid:
            raise FitConnectRefused("the destination names no encryptionKid", step="key")
        key = self._api("key", "GET", f"/v1/destinations/{destination_id}/keys/{kid}").json()
        try:
            checked = crypto.public_key_check(key, kid=kid)
            self._certificates_check(key, use="enc", step="key")
        except crypto.KeyRefused as exc:
            raise FitConnectRefused(f"key refused: {exc}", step="key") from exc
        return checked

    def _certificates_check(self, key: dict, *, use: str, step: str) -> None:
        """The key's certificate chain against the trust anchors, if any are configured."""
        anchors = certificates.trust_anchors()
        if not anchors:
            return
        try:
            certificates.chain_check(key, use=use, anchors=anchors, fetch=self._crl_fetch)
        except certificates.RevocationUnavailable as exc:
            raise FitConnectUnavailable(f"revocation status unknown: {exc}", step=step) from exc

    def _crl_fetch(self, url: str) -> bytes:
        try:
            response = self.http.get(url)
        except httpx.TransportError as exc:
            raise certificates.RevocationUnavailable(
                f"{url}: {type(exc).__name__}: {exc or 'no answer'}"
            ) from exc
        if response.status_code != 200:
            raise certificates.RevocationUnavailable(f"{url}: HTTP {response.status_code}")
        return response.content

    def _destination_and_key(self, destination_id: str, *, fresh: bool):
        """The destination and its checked key, kept ones unless ``fresh``; and whether they
        were kept ones."""
        cache_key = (os.getpid(), self.api_url, destination_id)
        cached = None if fresh else _destinations.get(cache_key)
        if cached is not None and _clock() < cached.expires_at:
            return cached.destination, cached.key, True
        fetched_at = _clock()
        destination = self.destination_get(destination_id)
        status = destination.get("status", "active")
        if status != "active":
            raise FitConnectRefused(f"the destination is {status}", step="destination")
        key = self.encryption_key_get(destination_id, destination)
        with _cache_lock:
            _destinations[cache_key] = _CachedDestination(
                destination=destination, key=key, expires_at=fetched_at + DESTINATION_TTL
            )
        return destination, key, False

    def _destination_forget(self, destination_id: str) -> None:
        with _cache_lock:
            _destinations.pop((os.getpid(), self.api_url, destination_id), None)

    def send(
        self,
        package: DeliveryPackage,
        *,
        destination_id: str,
        handover: dict | None = None,
        checkpoint=None,
    ) -> SendResult:
        """Hand ``package`` over exactly once, across attempts.

        ``handover`` is what an earlier attempt recorded through ``checkpoint`` (the announced
        submission, its attachment ids, the authentication tags sent). With one, the
        submission's state is read from its case's event log first: submitted already (the
        earlier attempt's answer was lost) → its result, nothing is sent; still open → the same
        submission is completed; unknown to the service (an open submission expires) → a new
        one. ``checkpoint(state)`` is called after the submission is announced and before
        anything of it is sent, so a crash at any later point is found by the next attempt.
        """
        state = dict(handover or {})
        record = checkpoint or (lambda _state: None)
        if state.get("destination_id") not in (None, destination_id):
            state = {}  # the route now names another destination: its submission is not ours
        if state.get("submission_id"):
            done = self._submitted_before(state, destination_id)
            if done is not None:
                return done
        destination, key, kept = self._destination_and_key(destination_id, fresh=False)
        try:
            return self._send(package, destination_id, destination, key, state, record)
        except FitConnectRefused as exc:
            if not kept or exc.step not in ("destination", "create", "attachment", "submit"):
                raise
        # Refused with a kept destination or key (key rotated, services changed …): ask again
        # and complete the same submission with parts sealed anew (it was not submitted: the
        # refusal came before or at its submit).
        self._destination_forget(destination_id)
        destination, key, _kept = self._destination_and_key(destination_id, fresh=True)
        return self._send(package, destination_id, destination, key, state, record)

    def _submitted_before(self, state: dict, destination_id: str) -> SendResult | None:
        """The result of an earlier attempt that did submit (read from the event log); None
        when the submission is still open (``state`` kept) or unknown (``state`` cleared)."""
        submission_id, case_id = state["submission_id"], state.get("case_id") or ""
        try:
            events = self.events(
                case_id=case_id, submission_id=submission_id, destination_id=destination_id
            )
        except FitConnectRefused as exc:
            if exc.problem is not None and exc.problem.status == 404:
                # No such case: the submission was never submitted (an open one expires).
                state.clear()
                return None
            raise
        if any(event.name in SUBMITTED_EVENTS for event in events):
            return SendResult(
                submission_id=submission_id,
                case_id=case_id,
                metadata={},
                authentication_tags=state.get("tags") or {},
            )
        return None

    def _send(
        self, package, destination_id: str, destination: dict, key, state: dict, record
    ) -> SendResult:
        offered = {s.get("identifier") for s in destination.get("services") or []}
        if offered and package.service_identifier not in offered:
            raise FitConnectRefused(
                f"the destination does not accept {package.service_identifier}",
                step="destination",
            )
        try:
            sealed = envelope.package_seal(
                package, key=key, attachment_ids=state.get("attachment_ids")
            )
        except envelope.MetadataInvalid as exc:
            raise FitConnectRefused(f"metadata invalid: {exc}", step="metadata") from exc
        tags = {
            "metadata": authentication_tag(sealed.encrypted_metadata),
            "data": authentication_tag(sealed.encrypted_data),
            "attachments": {
                attachment_id: authentication_tag(token)
                for attachment_id, token in sealed.encrypted_attachments.items()
            },
        }
        submission_id = state.get("submission_id") or ""
        case_id = state.get("case_id") or ""
        if not submission_id:
            created = self._api(
                "create",
                "POST",
                "/v1/submissions",
                expect=(200, 201),
                json={
                    "destinationId": destination_id,
                    "announcedAttachments": list(sealed.encrypted_attachments),
                    "serviceType": {
                        "name": package.service_name,
                        "identifier": package.service_identifier,
                    },
                },
            ).json()
            submission_id = str(created.get("submissionId") or "")
            case_id = str(created.get("caseId") or "")
            try:
                uuid.UUID(submission_id)
            except ValueError as exc:
                raise FitConnectRefused(
                    f"the answer carries no valid submissionId: {submission_id!r}", step="create"
                ) from exc
        # Recorded before any part is sent: whatever happens next, the next attempt finds this
        # submission and the tags of the parts about to be sent.
        state.update(
            destination_id=destination_id,
            submission_id=submission_id,
            case_id=case_id,
            attachment_ids=list(sealed.encrypted_attachments),
            tags=tags,
        )
        record(dict(state))

        for attachment_id, token in sealed.encrypted_attachments.items():
            self._api(
                "attachment",
                "PUT",
                f"/v1/submissions/{submission_id}/attachments/{attachment_id}",
                expect=(200, 204),
                content=token.encode("ascii"),
                headers={"Content-Type": "application/jose"},
            )
        try:
            submitted = self._api(
                "submit",
                "PUT",
                f"/v1/submissions/{submission_id}",
                expect=(200, 202),
                json={
                    "encryptedMetadata": sealed.encrypted_metadata,
                    "encryptedData": sealed.encrypted_data,
                },
            ).json()
        except FitConnectRefused as exc:
            # "Already submitted": an attempt taken for dead completed it after all.
            if exc.problem is None or exc.problem.status != 409:
                raise
            done = self._submitted_before(state, destination_id)
            if done is None:
                raise
            return done
        return SendResult(
            submission_id=submission_id,
            case_id=str(submitted.get("caseId") or case_id),
            metadata=sealed.metadata,
            authentication_tags=tags,
        )

    # --- the event log ------------------------------------------------------------------------

    def signature_key(self, *, kid: str, destination_id: str | None) -> crypto.jwk.JWK:
        """The checked key that signs events: the destination's (``destination_id``) or, with
        None, the delivery service's own from its JWKS. Kept like the destination."""
        cache_key = (os.getpid(), self.api_url, destination_id, kid)
        cached = _signature_keys.get(cache_key)
        if cached is not None and _clock() < cached[1]:
            return cached[0]
        fetched_at = _clock()
        if destination_id is not None:
            served = self._api("events", "GET", f"/v1/destinations/{destination_id}/keys/{kid}")
            served = served.json()
        else:
            jwks = self._request(
                "events", "GET", f"{self.api_url}/.well-known/jwks.json", expect=(200,)
            ).json()
            keys = jwks.get("keys") if isinstance(jwks, dict) else None
            served = next(
                (k for k in keys or [] if isinstance(k, dict) and k.get("kid") == kid), None
            )
            if served is None:
                raise FitConnectRefused(
                    f"the delivery service publishes no key {kid!r}", step="events"
                )
        try:
            key = crypto.public_key_check(served, kid=kid, alg=crypto.SET_ALG)
            if destination_id is not None:
                # The delivery service's own keys come from its JWKS over TLS; the
                # authority's are V-PKI keys like its encryption key.
                self._certificates_check(served, use="sig", step="events")
        except crypto.KeyRefused as exc:
            raise FitConnectRefused(f"signature key refused: {exc}", step="events") from exc
        with _cache_lock:
            _signature_keys[cache_key] = (key, fetched_at + DESTINATION_TTL)
        return key

    def events(self, *, case_id: str, submission_id: str, destination_id: str) -> list[Event]:
        """The verified events of one submission, oldest first.

        Fail-closed: one entry that does not verify (signature, key, header, case) refuses the
        whole log, so no answer is ever taken from a log that was tampered with. Events of
        other submissions of the same case are left out."""
        answer = self._api("events", "GET", f"/v1/cases/{case_id}/events").json()
        tokens = answer.get("eventLog") if isinstance(answer, dict) else None
        if not isinstance(tokens, list):
            raise FitConnectRefused("the answer carries no eventLog", step="events")
        events = []
        for token in tokens:
            try:
                header = crypto.set_header(token)
                # Who claims to have issued it decides which key must have signed it.
                issuer = str(crypto.set_unverified_payload(token).get("iss") or "")
                key = self.signature_key(
                    kid=header["kid"],
                    destination_id=destination_id if issuer == destination_id else None,
                )
                payload = crypto.set_verify(token, key=key)
            except crypto.SignatureInvalid as exc:
                raise FitConnectRefused(f"event log: {exc}", step="events") from exc
            subject, event = _event_parse(payload, case_id=case_id)
            if event.name in AUTHORITY_EVENTS and event.issuer != destination_id:
                raise FitConnectRefused(
                    f"{event.name} issued by {event.issuer!r}, not by the destination",
                    step="events",
                )
            if subject == f"submission:{submission_id}":
                events.append(event)
        return sorted(events, key=lambda e: e.issued_at)
