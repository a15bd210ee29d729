"""The events people are notified of, with the shipped default wording of each.

A municipality may replace the subject, text and SMS text of an event per language (German,
English); without its own wording the default below is used. Texts are plain text with a small,
fixed set of placeholders written ``{name}``. They are filled in with ``str.format``-style
parsing but never evaluated: attribute access (``{a.b}``), indexing (``{a[0]}``), conversions and
format specifications are refused, so an administrator's text cannot reach into Python objects,
and Django's template language is never run on it.

No placeholder carries the content of a message or a decision: the notification only says that
there is news, names the case and links to the page that shows it after login.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from revier.core import kit
from revier.core.kit import NotificationEvent

LANGUAGES = ("de", "en")

PLACEHOLDERS: dict[str, Promise] = {
    "municipality": _("name of the municipality"),
    "reference": _("reference number of the case"),
    "service": _("name of the service"),
    "status": _("new status (only for status changes)"),
    "link": _("link to the page in the account"),
}

# Values used for the preview in the back office.
SAMPLE_VALUES = {
    "municipality": "Musterstadt",
    "reference": "MUS-2026-000123",
    "service": "Wohnsitz Anmeldung",
    "status": "In Bearbeitung",
    "link": "https://musterstadt.example/konto/vorgaenge/MUS-2026-000123/",
}


Event = NotificationEvent

_INTRO = _("Hello,")
_OUTRO = _(
    "For your protection this e-mail does not contain the content. Please log in to read it:\n"
    "{link}\n\nKind regards\n{municipality}"
)


def default_body(middle: Promise) -> Promise:
    """The shipped body of a notification: greeting, ``middle``, the link and the sender."""
    from django.utils.text import format_lazy

    return format_lazy("{}\n\n{}\n\n{}", _INTRO, middle, _OUTRO)


class _Events(Mapping):
    """The events every module declares (``revier.core.kit.NotificationEvent``), by key."""

    def __getitem__(self, key: str) -> Event:
        return kit.notification_events()[key]

    def __iter__(self):
        return iter(kit.notification_events())

    def __len__(self) -> int:
        return len(kit.notification_events())


EVENTS: Mapping[str, Event] = _Events()


def event_get(key: str) -> Event | None:
    return EVENTS.get(key)


def event_label(key: str) -> str:
    event = EVENTS.get(key)
    return str(event.label) if event else key


class _Refused(ValueError):
    pass


def _fields(text: str) -> list[str]:
    """The placeholder names in ``text``; ``_Refused`` for anything but a bare ``{name}``."""
    names = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:  # a single { or }
        raise _Refused(str(exc)) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise _Refused(name)
        names.append(name)
    return names


def placeholders_check(text: str) -> None:
    """Raise ``ValidationError`` naming what in ``text`` is not an allowed placeholder."""
    try:
        names = _fields(text)
    except _Refused:
        raise ValidationError(
            _(
                "Write placeholders as a name in curly braces, e.g. {reference}; write a single "
                "curly brace twice ({{ or }})."
            ),
            code="syntax",
        ) from None
    unknown = sorted({n for n in names if n not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: %(names)s. Allowed are: %(allowed)s."),
            code="unknown",
            params={
                "names": ", ".join(f"{{{n}}}" for n in unknown),
                "allowed": ", ".join(f"{{{n}}}" for n in PLACEHOLDERS),
            },
        )


def render(text: str, values: dict) -> str:
    """Fill in the placeholders of ``text``. Texts that do not pass ``placeholders_check``
    (only possible for rows written around the service) are sent as they are."""
    try:
        names = _fields(text)
    except _Refused:
        return text
    if any(n not in PLACEHOLDERS for n in names):
        return text
    safe = {key: str(values.get(key, "") or "") for key in PLACEHOLDERS}
    return text.format_map(safe)
