"""A generic HTTP SMS gateway.

Sending: ``POST <url>`` with ``Authorization: Bearer <token>`` and the JSON body
``{"to", "text", "sender", "reference"}``; the gateway answers 2xx with ``{"id": "<its id>"}``.

Delivery status: the gateway posts ``{"id", "status": "delivered"|"failed", "error"}`` to the
municipality's webhook (``/backoffice/benachrichtigungen/sms/status/``) with the headers
``X-Revier-Timestamp`` (Unix seconds) and ``X-Revier-Signature`` (hex HMAC-SHA256 of
``<timestamp>.<body>`` with the webhook secret). Reports older than five minutes, or with a wrong
signature, are refused; the signature is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from revier.core.plugins import CheckResult, Option, http_check
from revier.notifications.sms import SmsError, SmsPlugin, StatusRefused, StatusReport, register

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MAX_AGE = 300


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@register("http")
class HttpPlugin(SmsPlugin):
    label = _("HTTP gateway (JSON, bearer token)")
    description = _("SMS are posted as JSON with a bearer token to the gateway's address.")
    options = (
        Option(
            "url",
            _("Gateway address (URL)"),
            type="url",
            required=True,
            help_text=_("Only for the HTTP gateway."),
        ),
        Option("sender", _("Sender name"), max_length=11),
        Option("token", _("Access token"), type="secret", required=True),
        Option("webhook_secret", _("Secret for status reports"), type="secret"),
    )

    def check_config(self, options: dict) -> CheckResult:
        """The gateway's address answers (any HTTP answer: it only takes POSTed messages)."""
        result = http_check(options["url"], what=gettext("The SMS gateway"), expect=lambda r: None)
        if not result.ok:
            return result
        details = list(result.details)
        if not options.get("webhook_secret"):
            details.append(
                gettext("No secret for status reports: delivery reports will be refused.")
            )
        return CheckResult.success(result.message, details)

    def send(self, *, to: str, text: str, options: dict, reference: str) -> str:
        payload = {
            "to": to,
            "text": text,
            "sender": options.get("sender", ""),
            "reference": reference,
        }
        try:
            response = httpx.post(
                options["url"],
                json=payload,
                headers={"Authorization": f"Bearer {options['token']}"},
                timeout=TIMEOUT,
            )
        except httpx.HTTPError as exc:
            raise SmsError(f"gateway not reachable: {exc}") from exc
        if response.status_code >= 300:
            raise SmsError(f"gateway answered {response.status_code}: {response.text[:200]}")
        try:
            message_id = str(response.json()["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SmsError("gateway answered without a message id") from exc
        return message_id

    def parse_status(self, *, body: bytes, headers, options: dict) -> StatusReport:
        secret = options.get("webhook_secret", "")
        timestamp = headers.get("X-Revier-Timestamp", "")
        signature = headers.get("X-Revier-Signature", "")
        if not secret:
            raise StatusRefused("no webhook secret configured")
        try:
            age = abs(time.time() - int(timestamp))
        except ValueError:
            raise StatusRefused("missing or invalid timestamp") from None
        if age > MAX_AGE:
            raise StatusRefused("report too old")
        expected = sign(secret=secret, timestamp=timestamp, body=body)
        if not hmac.compare_digest(expected, signature):
            raise StatusRefused("wrong signature")
        try:
            data = json.loads(body)
            status = data["status"]
            message_id = str(data["id"])
        except (ValueError, KeyError, TypeError):
            raise StatusRefused("unreadable report") from None
        if status not in ("delivered", "failed"):
            raise StatusRefused(f"unknown status {status!r}")
        return StatusReport(
            provider_reference=message_id,
            delivered=status == "delivered",
            error=str(data.get("error", ""))[:500],
        )
