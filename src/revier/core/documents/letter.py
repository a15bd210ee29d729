"""Letters after DIN 5008 form B, laid out by the HTML writer (ADR 0040).

A module says *what* a letter says (``Letter``: sender, recipient, information block, subject,
salutation, sections, closing); the kit's template ``core/documents/letter.html`` says *where*:
the letterhead with the sender's logo, the return line and the address field in the window of a
DL envelope, the information block beside it, fold and punch marks, the sender's contact in the
footer and "Seite 1 von 2" on every page. The geometry is ``layout.DIN5008``.

Salutations follow the form of address a person gave ("Sehr geehrte Frau Schmidt,"), else the
neutral "Guten Tag Anna Schmidt," — never "Sehr geehrte/r".
"""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revier.core.documents.html import render_html_pdf
from revier.core.documents.layout import DIN5008

# The forms of address a person may give for letters (stored on the person); empty: none.
FORM_OF_ADDRESS_MS = "ms"
FORM_OF_ADDRESS_MR = "mr"
FORMS_OF_ADDRESS = (
    (FORM_OF_ADDRESS_MS, gettext_lazy("Ms")),
    (FORM_OF_ADDRESS_MR, gettext_lazy("Mr")),
)

# A letter made by a machine needs no signature (§ 37 Abs. 5 VwVfG); the letter says so.
ELECTRONIC_NOTE = gettext_lazy(
    "This letter was created electronically and is valid without a signature."
)

LOGO_TYPES = {"image/png", "image/jpeg", "image/webp", "image/svg+xml"}


def salutation(*, form_of_address: str = "", given_name: str = "", family_name: str = "") -> str:
    """The salutation of a letter or e-mail in the active language, with its comma."""
    given_name, family_name = (given_name or "").strip(), (family_name or "").strip()
    if family_name and form_of_address == FORM_OF_ADDRESS_MS:
        return _("Dear Ms %(name)s,") % {"name": family_name}
    if family_name and form_of_address == FORM_OF_ADDRESS_MR:
        return _("Dear Mr %(name)s,") % {"name": family_name}
    name = " ".join(part for part in (given_name, family_name) if part)
    if name:
        return _("Hello %(name)s,") % {"name": name}
    return _("Hello,")


def form_of_address_label(form_of_address: str) -> str:
    """The word of the address field's first line ("Frau", "Herr"), or empty."""
    return str(dict(FORMS_OF_ADDRESS).get(form_of_address, ""))


@dataclass(frozen=True)
class Sender:
    """Who writes: the authority, the office within it, its address and contact."""

    name: str
    address_lines: tuple[str, ...] = ()
    unit: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    # The logo as bytes and its MIME type (PNG, JPEG, WebP or SVG); embedded as a data URL.
    logo: bytes = b""
    logo_type: str = ""

    @property
    def return_line(self) -> str:
        """The Rücksendeangabe above the recipient's address."""
        return " · ".join([self.name, *self.address_lines])

    @property
    def logo_data_url(self) -> str:
        if not self.logo or self.logo_type not in LOGO_TYPES:
            return ""
        encoded = base64.b64encode(self.logo).decode("ascii")
        return f"data:{self.logo_type};base64,{encoded}"


@dataclass(frozen=True)
class Section:
    """Part of the letter's text: paragraphs under an optional heading."""

    paragraphs: tuple[str, ...]
    heading: str = ""


@dataclass(frozen=True)
class Letter:
    sender: Sender
    # The address field's lines, up to six: form of address, name, street, postcode and city.
    recipient_lines: tuple[str, ...]
    # The information block: (label, value) pairs, e.g. Aktenzeichen, Datum, Ansprechpartner.
    info: tuple[tuple[str, str], ...]
    subject: str
    salutation: str
    sections: tuple[Section, ...]
    closing: tuple[str, ...] = ()
    note: str = field(default_factory=lambda: str(ELECTRONIC_NOTE))
    # The PDF's title (document properties); the subject when empty.
    title: str = ""


def logo_of(file_field) -> tuple[bytes, str]:
    """The bytes and MIME type of an uploaded logo (a ``FileField``), or ``(b"", "")``."""
    if not file_field:
        return b"", ""
    kind = mimetypes.guess_type(file_field.name)[0] or ""
    if kind not in LOGO_TYPES:
        return b"", ""
    try:
        with file_field.storage.open(file_field.name, "rb") as handle:
            return handle.read(), kind
    except OSError:
        return b"", ""  # a missing file must not stop a decision: the letter goes without


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal, safe inside a ``<style>`` element."""
    out = []
    for char in text:
        if char in '"\\<>&' or ord(char) < 32:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def page_number_css() -> str:
    """The CSS ``content`` of "Seite 1 von 2" in the active language."""
    pattern = _("Page %(page)s of %(pages)s")
    before, _sep, rest = pattern.partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    parts = []
    for literal, counter in ((before, "counter(page)"), (middle, "counter(pages)"), (after, "")):
        if literal:
            parts.append(_css_string(literal))
        if counter:
            parts.append(counter)
    return " ".join(parts)


def geometry() -> dict[str, float]:
    """DIN 5008 form B positions in millimetres, relative to the first page's content box
    (the template's page margins: ``top`` and ``left``)."""
    top, left, right = 20, DIN5008.MARGIN_LEFT_MM, DIN5008.MARGIN_RIGHT_MM
    return {
        "margin_top": top,
        "margin_left": left,
        "margin_right": right,
        "margin_bottom": 25,
        "return_top": DIN5008.ADDRESS_TOP_MM + DIN5008.ADDRESS_NOTE_HEIGHT_MM - 5 - top,
        "address_top": DIN5008.ADDRESS_TOP_MM + DIN5008.ADDRESS_NOTE_HEIGHT_MM - top,
        "address_left": DIN5008.ADDRESS_LEFT_MM + 5 - left,
        "address_width": DIN5008.ADDRESS_WIDTH_MM - 10,
        "address_height": DIN5008.ADDRESS_ZONE_HEIGHT_MM,
        "info_top": DIN5008.INFO_TOP_MM - top,
        "info_left": DIN5008.INFO_LEFT_MM - left,
        "info_width": DIN5008.INFO_WIDTH_MM,
        # The text begins two lines below the address field (DIN 5008: 98.4 mm).
        "text_top": DIN5008.ADDRESS_TOP_MM + DIN5008.ADDRESS_HEIGHT_MM + 8.4 - top,
        "fold_1": DIN5008.FOLD_MARKS_MM[0] - top,
        "fold_2": DIN5008.FOLD_MARKS_MM[1] - top,
        "punch": DIN5008.PUNCH_MARK_MM - top,
        "mark_left": 4 - left,
    }


def letter_html(letter: Letter, *, language: str = "de") -> str:
    with translation.override(language or "de"):
        return render_to_string(
            "core/documents/letter.html",
            {
                "letter": letter,
                "title": letter.title or letter.subject,
                "g": geometry(),
                "page_number_css": mark_safe(page_number_css()),  # noqa: S308 (escaped above)
                "LANGUAGE_CODE": language or "de",
            },
        )


def render_letter(letter: Letter, *, language: str = "de", pdfa: bool = True) -> bytes:
    """The letter as a tagged PDF (PDF/A-3b unless ``pdfa`` is false)."""
    return render_html_pdf(letter_html(letter, language=language), pdfa=pdfa)
