"""A FIT-Connect sender: the Submission API, step by step, over httpx.

Flow (https://docs.fitko.de/fit-connect/docs/sending/overview): OAuth2 client credentials at the
token URL → ``GET /v1/destinations/{id}`` → its ``encryptionKid`` → ``GET
/v1/destinations/{id}/keys/{kid}`` (checked: RSA ≥ 4096, RSA-OAEP-256, ``wrapKey``) → ``POST
/v1/submissions`` announcing the attachments → ``PUT`` each encrypted attachment → ``PUT
/v1/submissions/{id}`` with the encrypted metadata and data.

Not done yet: checking the key's X.509 chain (``x5c``) against the V-PKI trust anchor, and
reading the event log (accept/reject) afterwards.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import httpx

from revier.delivery import crypto, envelope
from revier.delivery.package import DeliveryPackage

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


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
        self._token = ""

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
        headers = {"Authorization": f"Bearer {self.access_token()}", **kwargs.pop("headers", {})}
        return self._request(
            step, method, f"{self.api_url}{path}", expect=expect, headers=headers, **kwargs
        )

    def access_token(self) -> str:
        if not self._token:
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
            token = response.json().get("access_token")
            if not token:
                raise FitConnectRefused("the answer carries no access_token", step="token")
            self._token = token
        return self._token

    # --- the steps ----------------------------------------------------------------------------

    def destination_get(self, destination_id: str) -> dict:
        return self._api("destination", "GET", f"/v1/destinations/{destination_id}").json()

    def encryption_key_get(self, destination_id: str, destination: dict) -> crypto.jwk.JWK:
        kid = destination.get("encryptionKid")
        if not kid:
            raise FitConnectRefused("the destination names no encryptionKid", step="key")
        key = self._api("key", "GET", f"/v1/destinations/{destination_id}/keys/{kid}").json()
        try:
            return crypto.public_key_check(key, kid=kid)
        except crypto.KeyRefused as exc:
            raise FitConnectRefused(f"key refused: {exc}", step="key") from exc

    def send(self, package: DeliveryPackage, *, destination_id: str) -> SendResult:
        destination = self.destination_get(destination_id)
        status = destination.get("status", "active")
        if status != "active":
            raise FitConnectRefused(f"the destination is {status}", step="destination")
        offered = {s.get("identifier") for s in destination.get("services") or []}
        if offered and package.service_identifier not in offered:
            raise FitConnectRefused(
                f"the destination does not accept {package.service_identifier}",
                step="destination",
            )
        key = self.encryption_key_get(destination_id, destination)
        try:
            sealed = envelope.package_seal(package, key=key)
        except envelope.MetadataInvalid as exc:
            raise FitConnectRefused(f"metadata invalid: {exc}", step="metadata") from exc

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
        try:
            uuid.UUID(submission_id)
        except ValueError as exc:
            raise FitConnectRefused(
                f"the answer carries no valid submissionId: {submission_id!r}", step="create"
            ) from exc

        for attachment_id, token in sealed.encrypted_attachments.items():
            self._api(
                "attachment",
                "PUT",
                f"/v1/submissions/{submission_id}/attachments/{attachment_id}",
                expect=(200, 204),
                content=token.encode("ascii"),
                headers={"Content-Type": "application/jose"},
            )
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
        return SendResult(
            submission_id=submission_id,
            case_id=str(submitted.get("caseId") or created.get("caseId") or ""),
            metadata=sealed.metadata,
        )
