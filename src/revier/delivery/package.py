"""The input of every delivery route: one submission, complete and self-contained.

The applying flow builds a ``DeliveryPackage``; the routes only read it. It is persisted with the
``Delivery`` row (sealed, ``core.crypto``) so a retry days later sends exactly the bytes the
resident submitted. Stored as a binary container (``to_bytes``): a JSON header, then the data and
every attachment as raw bytes — no base64, so a 200 KB scan stays 200 KB and costs no encoding.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import struct
from dataclasses import asdict, dataclass, field
from decimal import Decimal

LEIKA_RE = re.compile(r"^99\d{12}$")
CONTAINER_MAGIC = b"RVPK1\n"
_HEADER_LENGTH = struct.Struct(">I")
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

    # --- persistence ------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """Magic, header length, JSON header (everything but the contents, with their sizes),
        then the data and each attachment's content."""
        raw = asdict(self)
        del raw["data"]
        raw["data_size"] = len(self.data)
        raw["application_date"] = self.application_date.isoformat()
        raw["attachments"] = [
            {**{k: v for k, v in asdict(a).items() if k != "content"}, "size": len(a.content)}
            for a in self.attachments
        ]
        if self.payment is not None:
            p = raw["payment"]
            p["gross_amount"] = None if p["gross_amount"] is None else str(p["gross_amount"])
            stamp = self.payment.transaction_timestamp
            p["transaction_timestamp"] = stamp.isoformat() if stamp else None
        header = json.dumps(raw, separators=(",", ":")).encode()
        return b"".join(
            (
                CONTAINER_MAGIC,
                _HEADER_LENGTH.pack(len(header)),
                header,
                self.data,
                *(a.content for a in self.attachments),
            )
        )

    @classmethod
    def from_bytes(cls, blob: bytes) -> DeliveryPackage:
        """Read ``to_bytes`` output; also the JSON of earlier versions (bytes as base64)."""
        blob = bytes(blob)
        if not blob.startswith(CONTAINER_MAGIC):
            return cls._from_json(blob)
        view = memoryview(blob)
        offset = len(CONTAINER_MAGIC)
        (length,) = _HEADER_LENGTH.unpack_from(view, offset)
        offset += _HEADER_LENGTH.size
        raw = json.loads(bytes(view[offset : offset + length]))
        offset += length

        def take(size: int) -> bytes:
            nonlocal offset
            if size < 0 or offset + size > len(view):
                raise ValueError("the package container is truncated")
            chunk = bytes(view[offset : offset + size])
            offset += size
            return chunk

        raw["data"] = take(raw.pop("data_size"))
        raw["attachments"] = [
            {**{k: v for k, v in a.items() if k != "size"}, "content": take(a["size"])}
            for a in raw["attachments"]
        ]
        if offset != len(view):
            raise ValueError("the package container has trailing bytes")
        return cls._from_raw(raw)

    @classmethod
    def _from_json(cls, blob: bytes) -> DeliveryPackage:
        raw = json.loads(blob)
        raw["data"] = base64.b64decode(raw["data"])
        raw["attachments"] = [
            {**a, "content": base64.b64decode(a["content"])} for a in raw["attachments"]
        ]
        return cls._from_raw(raw)

    @classmethod
    def _from_raw(cls, raw: dict) -> DeliveryPackage:
        raw["application_date"] = dt.date.fromisoformat(raw["application_date"])
        raw["attachments"] = tuple(PackageAttachment(**a) for a in raw["attachments"])
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
