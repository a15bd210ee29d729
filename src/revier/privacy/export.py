"""The person's data as a file: JSON (machine-readable) and PDF (readable, tagged)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML


def export_json(data: dict) -> bytes:
    document = {**data, "created": timezone.now().isoformat()}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def export_pdf(data: dict, *, language: str) -> bytes:
    with translation.override(language):
        html = render_to_string(
            "privacy/export_pdf.html",
            {"data": data, "created": timezone.localtime(), "language": language},
        )
    # Tagged PDF with the document language, so screen readers can read it.
    return HTML(string=html).write_pdf(pdf_tags=True)
