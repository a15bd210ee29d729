"""A redirect-based payment provider (the pattern of ePayBL and pmPayment).

1. ``start`` creates the payment at the provider: ``POST {api_url}/payments`` with the amount,
   our transaction id, the return and the notification URL, signed with HMAC-SHA256 of the body
   (header ``X-Signature``, merchant in ``X-Merchant``). The answer names the provider's id and
   the page to send the applicant to.
2. The applicant pays there; the provider sends them back to the return URL and reports the
   result to the notification URL: a JSON body signed as ``X-Signature: hex(HMAC-SHA256(secret,
   "<X-Timestamp>." + body))``. The signature is compared in constant time; reports older than
   five minutes (replays) or about another payment are refused.
"""

import datetime as dt
import hashlib
import hmac
import json
import time
from decimal import Decimal, InvalidOperation

import httpx
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revier.core.plugins import CheckResult, Option, http_check
from revier.payments.plugins.base import (
    NotificationRefused,
    PaymentNotification,
    PaymentPlugin,
    PaymentProviderError,
    PaymentStart,
)
from revier.payments.registry import register

MAX_AGE_SECONDS = 300
STATUSES = ("INITIAL", "BOOKED", "FAILED", "CANCELED")
METHODS = ("GIROPAY", "PAYDIRECT", "CREDITCARD", "PAYPAL", "OTHER")
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def sign(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@register("redirect")
class RedirectProviderPlugin(PaymentPlugin):
    label = gettext_lazy("Online payment provider (redirect)")
    method = "OTHER"
    redirects = True
    description = gettext_lazy(
        "The applicant pays on the provider's page; the provider reports the result signed."
    )
    options = (
        Option(
            "api_url",
            gettext_lazy("Payment provider: address of its interface"),
            type="url",
            required=True,
            help_text=gettext_lazy("Only for an online payment provider."),
        ),
        Option(
            "merchant_id",
            gettext_lazy("Payment provider: merchant id"),
            required=True,
            max_length=100,
        ),
        Option(
            "secret",
            gettext_lazy("Payment provider: shared secret"),
            type="secret",
            required=True,
            max_length=200,
        ),
    )

    def check_config(self, options: dict) -> CheckResult:
        """The provider's interface answers (any HTTP answer: it only takes signed POSTs)."""
        result = http_check(
            options["api_url"],
            what=_("The payment provider"),
            expect=lambda response: None,
        )
        if result.ok:
            return CheckResult.success(
                result.message,
                [
                    *result.details,
                    _("Merchant %(merchant)s; payments are signed with the saved secret.")
                    % {"merchant": options["merchant_id"]},
                ],
            )
        return result

    def start(self, *, payment, options, description, return_url, notify_url) -> PaymentStart:
        body = json.dumps(
            {
                "merchant": options["merchant_id"],
                "reference": payment.transaction_id,
                "amount": str(payment.amount),
                "currency": "EUR",
                "description": description[:140],
                "return_url": return_url,
                "notify_url": notify_url,
            },
            separators=(",", ":"),
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Merchant": options["merchant_id"],
            "X-Signature": sign(options["secret"], body),
        }
        try:
            response = httpx.post(
                options["api_url"].rstrip("/") + "/payments",
                content=body,
                headers=headers,
                timeout=TIMEOUT,
            )
        except httpx.HTTPError as exc:
            raise PaymentProviderError(f"provider not reachable: {exc}") from exc
        if response.status_code != 201:
            raise PaymentProviderError(f"provider answered {response.status_code}")
        answer = response.json()
        redirect_url = str(answer.get("redirect_url", ""))
        if not redirect_url.startswith(("https://", "http://")):
            raise PaymentProviderError("provider gave no payment page")
        return PaymentStart(redirect_url=redirect_url, provider_id=str(answer.get("id", "")))

    def verify_notification(self, *, payment, options, body, headers) -> PaymentNotification:
        timestamp = headers.get("X-Timestamp", "")
        signature = headers.get("X-Signature", "")
        expected = sign(options["secret"], timestamp.encode() + b"." + body)
        # Constant time: the comparison must not tell an attacker how much of it was right.
        if not signature or not hmac.compare_digest(signature, expected):
            raise NotificationRefused("signature does not match")
        try:
            sent_at = int(timestamp)
        except ValueError:
            raise NotificationRefused("no timestamp") from None
        if abs(time.time() - sent_at) > MAX_AGE_SECONDS:
            raise NotificationRefused("notification too old")
        try:
            raw = json.loads(body)
            amount = Decimal(str(raw["amount"]))
            notification = PaymentNotification(
                provider_id=str(raw["id"]),
                transaction_id=str(raw["reference"]),
                status=str(raw["status"]),
                amount=amount,
                method=str(raw.get("method", "OTHER")),
                timestamp=dt.datetime.fromtimestamp(sent_at, tz=dt.UTC),
            )
        except (ValueError, KeyError, TypeError, InvalidOperation):
            raise NotificationRefused("malformed notification") from None
        if notification.transaction_id != payment.transaction_id:
            raise NotificationRefused("notification is about another payment")
        if payment.provider_id and notification.provider_id != payment.provider_id:
            raise NotificationRefused("notification names another provider payment")
        if notification.status not in STATUSES:
            raise NotificationRefused("unknown status")
        if notification.status == "BOOKED" and notification.amount != payment.amount:
            raise NotificationRefused("booked amount differs from the fee")
        if notification.method not in METHODS:
            notification = PaymentNotification(**{**notification.__dict__, "method": "OTHER"})
        return notification
