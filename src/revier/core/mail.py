"""Sending e-mail: always through the ``mail`` queue, and only after the transaction commits
(recorded in the outbox with the transaction, so a broker outage loses no message).

E-mails go out in the name of who sends them (ADR 0041): a ``MailSender`` gives the display
name of the From header (the municipality, "Stadt Zeitz <noreply@…>": the address stays the
platform's, whose domain is set up to send), the Reply-To address (the town hall's) and the
contact lines of the footer. ``revier.tenancy.mail.municipality_sender`` makes one for a
municipality, ``platform_sender`` for the platform itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from revier.core import outbox
from revier.core.tasks import send_mail_task

FOOTER_SEPARATOR = "\n\n-- \n"  # the signature separator mail programs recognise


@dataclass(frozen=True)
class MailSender:
    """Who an e-mail comes from: ``name`` (the From display name), ``reply_to`` and the
    ``contact`` lines of the footer (strings or lazy translations, resolved when used)."""

    name: str
    reply_to: str = ""
    contact: tuple = ()

    @property
    def from_email(self) -> str:
        address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
        return formataddr((self.name, address)) if self.name else settings.DEFAULT_FROM_EMAIL

    @property
    def reply_to_list(self) -> list[str] | None:
        return [self.reply_to] if self.reply_to else None

    def footer(self) -> str:
        """The contact lines in the active language."""
        return "\n".join(str(line) for line in self.contact if str(line).strip())

    def sign(self, body: str) -> str:
        """``body`` with the footer below the signature separator."""
        footer = self.footer()
        if not footer:
            return body
        return body.rstrip("\n") + FOOTER_SEPARATOR + footer + "\n"


def text_to_html(body: str, *, language: str = "de") -> str:
    """The HTML alternative of a plain-text e-mail: the same words, escaped, paragraphs and
    line breaks kept, links clickable, the footer set apart. Mail programs that prefer HTML
    show this; nothing in it that the text does not say."""
    from django.utils.html import escape, linebreaks, urlize

    text, _sep, footer = body.partition(FOOTER_SEPARATOR)
    content = urlize(text.strip(), autoescape=True)
    parts = [linebreaks(content, autoescape=False)]
    if footer.strip():
        parts.append(
            '<hr><p style="color:#555;font-size:90%">'
            + escape(footer.strip()).replace("\n", "<br>")
            + "</p>"
        )
    return (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8"></head>'
        '<body style="font-family:sans-serif;line-height:1.5;max-width:40em">'
        + "".join(parts)
        + "</body></html>"
    )


def send_templated_mail(
    *,
    template: str,
    context: dict,
    to: list[str],
    language: str | None = None,
    reply_to: list[str] | None = None,
    sender: MailSender | None = None,
) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` and enqueue the message,
    from ``sender`` (its name, Reply-To and footer) where given."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
        if sender is not None:
            body = sender.sign(body)
    from_email = sender.from_email if sender is not None else ""
    if reply_to is None and sender is not None:
        reply_to = sender.reply_to_list
    outbox.enqueue(
        send_mail_task,
        subject=subject,
        body=body,
        to=to,
        reply_to=reply_to,
        from_email=from_email,
        language=language,
    )
