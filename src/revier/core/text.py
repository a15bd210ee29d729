"""One cleaning rule for text people send, used by page forms and API serializers alike.

``clean_text`` normalises to NFC (so "Mu\\u0308ller" and "Müller" are the same six letters, and
length limits count what people see) and refuses characters that have no business in a name or
an answer and break storage or display:

- lone surrogates (U+D800–DFFF): not encodable as UTF-8, a 500 on every database;
- NUL and the other C0/C1 control characters (tab, line feed and carriage return only where
  several lines are allowed): PostgreSQL refuses NUL in text, SQLite stores it silently;
- format characters (Unicode category Cf): bidi overrides and isolates (U+202A–202E,
  U+2066–2069) that make "Anna" display as another name in the back office, zero-width spaces
  and joiners, the soft hyphen, the BOM; and noncharacters (U+FFFE, U+FFFF, …).

Errors name the character and its position, so a person can find and delete it. ADR 0029.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The limit of a free-text answer where FIM (or the form builder) names none: about four pages
# of text, enough for any answer a form asks for, small enough for receipts and back-office
# pages (issue 13: one answer of a million characters stalled a worker for 30 seconds).
DEFAULT_TEXT_MAX_LENGTH = 10_000

_ALLOWED_IN_MULTILINE = {"\t", "\n", "\r"}


def _refused(char: str, *, multiline: bool) -> bool:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return True
    if (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:
        return True  # noncharacters
    category = unicodedata.category(char)
    if category == "Cc":
        return not (multiline and char in _ALLOWED_IN_MULTILINE)
    return category == "Cf"


def _describe(char: str) -> str:
    try:
        name = unicodedata.name(char)
    except ValueError:
        name = ""
    code = f"U+{ord(char):04X}"
    return f"{code} {name}".strip()


def text_problem(value: str, *, multiline: bool = True) -> str | None:
    """The message for the first refused character of ``value``, or None when it is clean."""
    for index, char in enumerate(value):
        if _refused(char, multiline=multiline):
            return _(
                "Remove the invisible or invalid character at position %(position)d "
                "(%(character)s)."
            ) % {"position": index + 1, "character": _describe(char)}
    return None


def clean_text(value: str, *, multiline: bool = True) -> str:
    """``value`` in NFC; ``ValidationError`` naming the first refused character."""
    problem = text_problem(value, multiline=multiline)
    if problem:
        raise ValidationError(problem, code="invalid_character")
    # After the check: a lone surrogate would make normalize() itself fail on some inputs.
    return unicodedata.normalize("NFC", value)


def safe_key(value) -> str:
    """A mapping key or path fit to echo in an error answer (UTF-8 encodable, no controls)."""
    text = str(value)
    return "".join("\ufffd" if _refused(c, multiline=False) else c for c in text)


def clean_tree(data, *, multiline: bool = True):
    """Clean every string (values and keys) of a JSON tree. Returns ``(cleaned, errors)`` with
    errors keyed by the slash-separated path of the value (keys with refused characters are
    reported at their parent's path, under a safe rendering of the key)."""
    errors: dict[str, list[str]] = {}

    def walk(value, path: str):
        if isinstance(value, str):
            problem = text_problem(value, multiline=multiline)
            if problem:
                errors.setdefault(path, []).append(problem)
                return value
            return unicodedata.normalize("NFC", value)
        if isinstance(value, dict):
            result = {}
            for key, child in value.items():
                key_text = str(key)
                child_path = f"{path}/{safe_key(key_text)}" if path else safe_key(key_text)
                problem = text_problem(key_text, multiline=False)
                if problem:
                    errors.setdefault(child_path, []).append(problem)
                    continue
                result[unicodedata.normalize("NFC", key_text)] = walk(child, child_path)
            return result
        if isinstance(value, list):
            return [walk(item, f"{path}/{i}" if path else str(i)) for i, item in enumerate(value)]
        return value

    return walk(data, ""), errors


def strip_refused(value: str, *, multiline: bool = True) -> str:
    """``value`` without the characters ``clean_text`` refuses, in NFC: what a page may keep of
    an answer it shows again with the error (stored drafts must stay storable)."""
    kept = "".join(c for c in value if not _refused(c, multiline=multiline))
    return unicodedata.normalize("NFC", kept)


def safe_filename(name: str, *, default: str = "upload", max_length: int = 200) -> str:
    """A file name fit for storage, ``Content-Disposition`` and display: the last path part
    only (``../../etc/passwd`` → ``passwd``), no control, bidi or other invisible characters
    (CR/LF would break a header), no leading dots or spaces, NFC, at most ``max_length``
    characters with the extension kept."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = strip_refused(text, multiline=False)
    text = " ".join(text.split()).lstrip(". ").rstrip(" ")
    if len(text) > max_length:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: max_length - len(extension) - 1] + "." + extension
        else:
            text = text[:max_length]
    return text or default


# --- fields for Django forms and DRF serializers -------------------------------------------------

from django import forms as _forms  # noqa: E402 - the fields below need them, the rest does not
from rest_framework import serializers as _serializers  # noqa: E402


class CleanCharField(_forms.CharField):
    """A form ``CharField`` that applies ``clean_text`` before its length is checked: NFC, and a
    field error for invisible or invalid characters. ``multiline=False`` for names and lines
    (no tab or line break either)."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        kwargs.setdefault("max_length", DEFAULT_TEXT_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return clean_text(value, multiline=self.multiline)


class CleanCharSerializerField(_serializers.CharField):
    """The same rule for DRF serializers."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        kwargs.setdefault("max_length", DEFAULT_TEXT_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return clean_text(value, multiline=self.multiline)
        except ValidationError as exc:
            raise _serializers.ValidationError(exc.messages) from None
