"""Sending e-mail: always through the ``mail`` queue, and only after the transaction commits
(recorded in the outbox with the transaction, so a broker outage loses no message)."""

from django.template.loader import render_to_string
from django.utils import translation

from revier.core import outbox
from revier.core.tasks import send_mail_task


def send_templated_mail(
    *,
    template: str,
    context: dict,
    to: list[str],
    language: str | None = None,
    reply_to: list[str] | None = None,
) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_body.txt`` and enqueue the message."""
    with translation.override(language or translation.get_language()):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    outbox.enqueue(send_mail_task, subject=subject, body=body, to=to, reply_to=reply_to)
