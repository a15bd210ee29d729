"""What a document says, independent of how it is written: the input of the direct PDF/A
writer (``write_pdfa``); ``Attachment`` is shared with the WeasyPrint writer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# PDF/A-3 relationships of an embedded file to the document (ISO 19005-3, AFRelationship).
RELATIONSHIPS = ("Source", "Data", "Alternative", "Supplement", "Unspecified")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1 (the title on the page) or 2 (a section, underlined)

    def __post_init__(self):
        if self.level not in (1, 2):
            raise ValueError(f"heading level must be 1 or 2, not {self.level!r}")


@dataclass(frozen=True)
class Paragraph:
    text: str  # line breaks are kept


@dataclass(frozen=True)
class Row:
    label: str
    value: str | None  # None or "" print as a dash


@dataclass(frozen=True)
class Table:
    """Two columns: labels as row headers, values beside them."""

    rows: tuple[Row, ...] | list[Row]


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Attachment:
    """A file embedded in the PDF (PDF/A-3 allows any type), e.g. the machine-readable data
    beside its human-readable form."""

    filename: str
    data: bytes
    mime_type: str = "application/octet-stream"
    description: str = ""
    relationship: str = "Supplement"

    def __post_init__(self):
        if not self.filename or any(c in self.filename for c in "/\\\0\r\n"):
            raise ValueError(f"not a plain file name: {self.filename!r}")
        if self.relationship not in RELATIONSHIPS:
            raise ValueError(f"unknown relationship {self.relationship!r}")
        if "/" not in self.mime_type:
            raise ValueError(f"not a MIME type: {self.mime_type!r}")


@dataclass
class Document:
    title: str  # document information and XMP dc:title, shown as the window title
    lang: str  # BCP 47, e.g. "de"
    created: dt.datetime  # aware; creation and modification date
    blocks: list[Block] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    def __post_init__(self):
        if self.created.tzinfo is None:
            raise ValueError("created must be an aware datetime")
