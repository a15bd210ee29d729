"""The person's data as a file: JSON (machine-readable) and PDF (readable, tagged). Each
module renders its own part of the PDF (``PersonalDataProvider.pdf_template``)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation

from revier.core.documents import render_html_pdf
from revier.privacy import selectors


def export_json(data: dict) -> bytes:
    document = {**data, "created": timezone.now().isoformat()}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def export_pdf(data: dict, *, language: str) -> bytes:
    with translation.override(language):
        html = render_to_string(
            "privacy/export_pdf.html",
            {
                "data": data,
                "sections": selectors.pdf_sections(),
                "created": timezone.localtime(),
                "language": language,
            },
        )
    # Tagged (with the document language, so screen readers can read it), with the shared
    # fonts; not PDF/A: it is a copy to read now, not a record to archive.
    return render_html_pdf(html, pdfa=False)
