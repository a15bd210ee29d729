"""Documents: one PDF service with two writers behind it (ADR 0018).

- ``write_pdfa(Document(...))``: the direct writer, tagged PDF/A-3b from a document model
  (headings, paragraphs, two-column tables, embedded files) in a few milliseconds: for
  documents made on a hot path (the receipt of every submission).
- ``render_html_pdf(html, ...)``: WeasyPrint, from an HTML template: for documents designed as
  templates and made one at a time (decisions, the personal-data export).

Both use the same shipped fonts (``fonts``) and page geometry (``layout``). Importing this
package does not import WeasyPrint (which loads Pango); ``render_html_pdf`` does on first use.
"""

from revier.core.documents.html import render_html_pdf
from revier.core.documents.model import (
    Attachment,
    Block,
    Document,
    Heading,
    Paragraph,
    Row,
    Table,
)
from revier.core.documents.pdfa import write_pdfa

__all__ = [
    "Attachment",
    "Block",
    "Document",
    "Heading",
    "Paragraph",
    "Row",
    "Table",
    "render_html_pdf",
    "write_pdfa",
]
