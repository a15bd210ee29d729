"""The input of every delivery route: one submission, complete and self-contained.

The applying flow builds a ``DeliveryPackage``; the routes only read it. It is persisted with the
``Delivery`` row (sealed with Fernet, see ``crypto.py``) so a retry days later sends exactly
the bytes the resident submitted.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

LEIKA_RE = re.compile(r"^99\d{12}$")
PURPOSES = ("form", "attachment", "report")
PAYMENT_METHODS = ("GIROPAY", "PAYDIRECT", "CREDITCARD", "PAYPAL", "INVOICE", "OTHER")
PAYMENT_STATUSES = ("INITIAL", "BOOKED", "FAILED", "CANCELED")


@dataclass(frozen=True)
class PackageAttachment:
    filename: str
    mime_type: str
    content: bytes
    purpose: str = "attachment"  # form | attachment | report (the PDF receipt is "report")

    def __post_init__(self) -> None:
        if self.purpose not in PURPOSES:
            raise ValueError(f"purpose must be one of {PURPOSES}, not {self.purpose!r}")


@dataclass(frozen=True)
class PaymentInformation:
    transaction_id: str
    transaction_reference: str
    payment_method: str
    status: str
    gross_amount: Decimal | None = None
    transaction_timestamp: dt.datetime | None = None
    transaction_url: str = ""


@dataclass(frozen=True)
class AuthenticationInformation:
    """An identification report (FIT-Connect ``authenticationInformation``), base64url content."""

    content: str
    version: str = "1.0.0"
    type: str = "identificationReport"


@dataclass(frozen=True)
class DeliveryPackage:
    municipality_id: int
    leika: str
    service_name: str
    reference: str
    data: bytes  # the JSON document (UTF-8) exactly as hashed and encrypted
    data_schema_uri: str
    reply_email: str
    sender_reference: str
    application_date: dt.date
    attachments: tuple[PackageAttachment, ...] = ()
    payment: PaymentInformation | None = None
    authentication: tuple[AuthenticationInformation, ...] = ()
    data_mime_type: str = "application/json"
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not LEIKA_RE.match(self.leika):
            raise ValueError(f"LeiKa key must be 14 digits starting with 99, not {self.leika!r}")

    @property
    def service_identifier(self) -> str:
        return f"urn:de:fim:leika:leistung:{self.leika}"

    # --- persistence: a JSON document, bytes as base64 ----------------------------------------

    def to_json(self) -> bytes:
        raw = asdict(self)
        raw["data"] = _b64(self.data)
        raw["application_date"] = self.application_date.isoformat()
        raw["attachments"] = [{**asdict(a), "content": _b64(a.content)} for a in self.attachments]
        if self.payment is not None:
            p = raw["payment"]
            p["gross_amount"] = None if p["gross_amount"] is None else str(p["gross_amount"])
            stamp = self.payment.transaction_timestamp
            p["transaction_timestamp"] = stamp.isoformat() if stamp else None
        return json.dumps(raw, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, blob: bytes) -> DeliveryPackage:
        raw = json.loads(blob)
        raw["data"] = base64.b64decode(raw["data"])
        raw["application_date"] = dt.date.fromisoformat(raw["application_date"])
        raw["attachments"] = tuple(
            PackageAttachment(**{**a, "content": base64.b64decode(a["content"])})
            for a in raw["attachments"]
        )
        if raw.get("payment"):
            p = raw["payment"]
            if p["gross_amount"] is not None:
                p["gross_amount"] = Decimal(p["gross_amount"])
            if p["transaction_timestamp"]:
                p["transaction_timestamp"] = dt.datetime.fromisoformat(p["transaction_timestamp"])
            raw["payment"] = PaymentInformation(**p)
        raw["authentication"] = tuple(
            AuthenticationInformation(**a) for a in raw.get("authentication", ())
        )
        return cls(**raw)


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")
