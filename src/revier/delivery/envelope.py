"""The FIT-Connect envelope of a package: metadata (schema 1.0.0) and the JWE parts.

Used by the FIT-Connect route and by the built-in back-office route, so both deliver exactly
the same format and the back office can later read what FIT-Connect would have carried.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, ValidationError, validators
from jwcrypto import jwk

from revier.delivery import crypto
from revier.delivery.package import DeliveryPackage

METADATA_SCHEMA_PATH = Path(__file__).parent / "schemas" / "metadata.schema.v1.0.0.json"
METADATA_SCHEMA_URI = "https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json"


class MetadataInvalid(ValueError):
    pass


def _decimal_multiple_of(validator, divisor, instance, schema):
    # JSON numbers are decimal literals; jsonschema's float division rejects e.g. 1.15 as a
    # multiple of 0.01 (grossAmount), so compare the decimal values instead.
    if not validator.is_type(instance, "number"):
        return
    if Decimal(repr(instance)) % Decimal(repr(divisor)) != 0:
        yield ValidationError(f"{instance!r} is not a multiple of {divisor}")


_MetadataValidator = validators.extend(Draft202012Validator, {"multipleOf": _decimal_multiple_of})


@cache
def metadata_validator():
    schema = json.loads(METADATA_SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return _MetadataValidator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def metadata_validate(metadata: dict) -> None:
    errors = sorted(metadata_validator().iter_errors(metadata), key=lambda e: list(e.path))
    if errors:
        raise MetadataInvalid(
            "; ".join(f"/{'/'.join(map(str, e.path))}: {e.message}" for e in errors)
        )


def sha512_hex(content: bytes) -> str:
    return hashlib.sha512(content).hexdigest()


def metadata_build(package: DeliveryPackage, *, attachment_ids: list[str]) -> dict:
    """Metadata for ``package``; ``attachment_ids`` pairs with ``package.attachments``."""
    attachments = [
        {
            "attachmentId": attachment_id,
            "hash": {"type": "sha512", "content": sha512_hex(a.content)},
            "purpose": a.purpose,
            "filename": a.filename,
            "mimeType": a.mime_type,
        }
        for attachment_id, a in zip(attachment_ids, package.attachments, strict=True)
    ]
    metadata: dict = {
        "$schema": METADATA_SCHEMA_URI,
        "contentStructure": {
            "data": {
                "hash": {"type": "sha512", "content": sha512_hex(package.data)},
                "submissionSchema": {
                    "schemaUri": package.data_schema_uri,
                    "mimeType": package.data_mime_type,
                },
            },
            "attachments": attachments,
        },
        "publicServiceType": {
            "name": package.service_name,
            "identifier": package.service_identifier,
        },
        "replyChannel": {"eMail": {"address": package.reply_email}},
        "additionalReferenceInfo": {
            "senderReference": package.sender_reference,
            "applicationDate": package.application_date.isoformat(),
        },
    }
    if package.payment is not None:
        p = package.payment
        payment = {
            "transactionId": p.transaction_id,
            "transactionReference": p.transaction_reference,
            "paymentMethod": p.payment_method,
            "status": p.status,
        }
        if p.gross_amount is not None:
            # The schema asks for a JSON number with two decimals.
            payment["grossAmount"] = float(p.gross_amount)
        if p.transaction_timestamp is not None:
            payment["transactionTimestamp"] = p.transaction_timestamp.isoformat()
        if p.transaction_url:
            payment["transactionUrl"] = p.transaction_url
        metadata["paymentInformation"] = payment
    if package.authentication:
        metadata["authenticationInformation"] = [
            {"type": a.type, "version": a.version, "content": a.content}
            for a in package.authentication
        ]
    return metadata


@dataclass(frozen=True)
class SealedPackage:
    metadata: dict
    encrypted_metadata: str
    encrypted_data: str
    encrypted_attachments: dict[str, str]  # attachmentId -> JWE, in the package's order


def package_seal(
    package: DeliveryPackage, *, key: jwk.JWK, attachment_ids: list[str] | None = None
) -> SealedPackage:
    """Validate the metadata, then encrypt metadata, data and every attachment to ``key``.
    ``attachment_ids``: those announced before (a handover continued), else new ones."""
    if attachment_ids is None or len(attachment_ids) != len(package.attachments):
        attachment_ids = [str(uuid.uuid4()) for _ in package.attachments]
    metadata = metadata_build(package, attachment_ids=attachment_ids)
    metadata_validate(metadata)
    return SealedPackage(
        metadata=metadata,
        encrypted_metadata=crypto.jwe_encrypt(json.dumps(metadata).encode(), key=key),
        encrypted_data=crypto.jwe_encrypt(package.data, key=key),
        encrypted_attachments={
            attachment_id: crypto.jwe_encrypt(a.content, key=key)
            for attachment_id, a in zip(attachment_ids, package.attachments, strict=True)
        },
    )
