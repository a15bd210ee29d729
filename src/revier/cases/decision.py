"""Decisions (Bescheide): the placeholders a template may use and the PDF.

Templates are staff text, so they are never executed as Django templates: the only thing
replaced is one of the documented placeholders below, written in braces (``{reference}``).
Anything else in braces stays as it is. The PDF is a fixed Django template that escapes the
text, written as PDF/A-3b by the documents service's HTML writer (WeasyPrint, ADR 0018), with
the shared fonts.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from revier.core.documents import render_html_pdf

PLACEHOLDERS = {
    "reference": _("reference number of the case"),
    "service": _("name of the service"),
    "applicant_name": _("name of the applicant"),
    "date": _("today's date"),
    "municipality": _("name of the municipality"),
    "result": _("the result (e.g. granted)"),
}
_PLACEHOLDER_RE = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
# The Rechtsbehelfsbelehrung follows this line in a template's text.
APPEAL_MARKER = "---"


def placeholder_values(*, case, result: str) -> dict[str, str]:
    from revier.cases.models import Case

    municipality = case.municipality
    return {
        "reference": case.reference,
        "service": case.service_name,
        "applicant_name": case.applicant_name or "",
        "date": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "municipality": municipality.official_name or municipality.name,
        "result": str(Case.Result(result).label) if result in Case.Result.values else "",
    }


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the documented placeholders in ``text``; nothing else is interpreted."""
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


def split_appeal(text: str) -> tuple[str, str]:
    """The decision's text and its Rechtsbehelfsbelehrung (after a line of ``---``)."""
    lines = (text or "").splitlines()
    for i, line in enumerate(lines):
        if line.strip() == APPEAL_MARKER:
            return "\n".join(lines[:i]).strip(), "\n".join(lines[i + 1 :]).strip()
    return (text or "").strip(), ""


def decision_pdf(*, case, subject: str, text: str, signer, language: str = "de") -> bytes:
    body, appeal = split_appeal(text)
    municipality = case.municipality
    with translation.override(language or "de"):
        html = render_to_string(
            "cases/decision_pdf.html",
            {
                "case": case,
                "municipality": municipality,
                "subject": subject,
                "paragraphs": [p for p in re.split(r"\n\s*\n", body) if p.strip()],
                "appeal": [p for p in re.split(r"\n\s*\n", appeal) if p.strip()],
                "date": timezone.localdate(),
                "signer": (signer.get_full_name() or signer.email) if signer else "",
            },
        )
    # PDF/A: a Bescheid is kept in the case file for years.
    return render_html_pdf(html, pdfa=True)
