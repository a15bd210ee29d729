"""The PDF receipt (Eingangsbestätigung) of a submitted application, made with WeasyPrint.

PDF/A-3b (archivable, fonts embedded) and tagged, so screen readers can read it.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from revier.applications import answers


def receipt_context(*, application, tree: list[dict], payment, account) -> dict:
    data = application.data or {}
    sections = [{"title": step["label"], "rows": answers.step_summary(step, data)} for step in tree]
    return {
        "application": application,
        "municipality": application.municipality,
        "sections": sections,
        "payment": payment,
        "account": account,
        "submitted_at": timezone.localtime(application.submitted_at or timezone.now()),
    }


def receipt_pdf(*, application, tree: list[dict], payment=None, account=None) -> bytes:
    context = receipt_context(application=application, tree=tree, payment=payment, account=account)
    with translation.override(application.language or translation.get_language()):
        html = render_to_string("applications/receipt.html", context)
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-3b", pdf_tags=True)
