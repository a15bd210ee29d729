"""Checks of an uploaded file: size, type by its content (magic bytes, never the file name or
the browser's claim) and the virus-scan hook. Errors are messages for the field."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from revier.applications.scanning import scanner
from revier.core.text import safe_filename

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_TYPES = ("application/pdf", "image/jpeg", "image/png")
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
}


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    content: bytes
    sha256: str


def sniff(content: bytes) -> str:
    for magic, media_type in SIGNATURES:
        if content.startswith(magic):
            return media_type
    return ""


def max_bytes(field: dict) -> int:
    limit = getattr(settings, "REVIER_APPLICATION_MAX_UPLOAD", DEFAULT_MAX_BYTES)
    return min(field.get("max_size") or limit, limit)


def allowed_types(field: dict) -> tuple[str, ...]:
    known = {t for _magic, t in SIGNATURES}
    declared = tuple(t for t in field.get("media_types") or () if t in known)
    return declared or DEFAULT_TYPES


def check_upload(*, field: dict, filename: str, content: bytes) -> CheckedFile:
    """The checked file, or ``UploadRefused`` with a message for the applicant."""
    limit = max_bytes(field)
    if len(content) > limit:
        raise UploadRefused(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
        )
    if not content:
        raise UploadRefused(_("The file is empty."))
    allowed = allowed_types(field)
    media_type = sniff(content)
    if media_type not in allowed:
        raise UploadRefused(
            _("The file must be of type %(types)s.")
            % {"types": ", ".join(NAMES.get(t, t) for t in allowed)}
        )
    if scanner().scan(content):
        raise UploadRefused(_("The file contains malware and was refused."))
    # The last path part, without CR/LF or invisible characters (ADR 0029).
    name = safe_filename(filename)
    return CheckedFile(
        filename=name,
        content_type=media_type,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )
