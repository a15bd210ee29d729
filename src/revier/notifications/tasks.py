"""Sending notifications (queue ``mail``): one attempt per run, retried with exponential
backoff; every attempt is counted and its error kept on the ``Notification``."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from revier.core.mail import text_to_html
from revier.core.tasks import municipality_task
from revier.notifications import selectors, services
from revier.notifications.models import Notification
from revier.notifications.sms import SmsError, register
from revier.tenancy.mail import municipality_sender

MAX_RETRIES = 5
# Errors where trying again cannot help (the receiving server refused the address).
PERMANENT = (smtplib.SMTPRecipientsRefused,)


def backoff(retries: int) -> int:
    """Seconds before the next attempt: 1, 2, 4, 8, 16 minutes."""
    return 60 * 2**retries


def _retry(task, exc: Exception) -> str:
    """Schedule the next attempt with backoff. Without a broker (embedded mode, tests) tasks
    run in-process: the next attempt follows at once instead of raising ``Retry`` into the
    request that sent the notification."""
    request = task.request
    if request.is_eager:
        return task.apply(kwargs=request.kwargs, retries=request.retries + 1).result
    raise task.retry(exc=exc, countdown=backoff(request.retries))


@shared_task(name="revier.notifications.tasks.send_notification_emails")
def send_notification_emails(*, municipality_id: int, messages: list[dict]) -> int:
    """Many e-mails of one change (a bulk status change), queued as one message: each then goes
    out as its own task with its own retries, so one refused address holds up nobody else."""
    for message in messages:
        send_notification_email.delay(municipality_id=municipality_id, **message)
    return len(messages)


@municipality_task(
    name="revier.notifications.tasks.send_notification_email",
    bind=True,
    max_retries=MAX_RETRIES,
)
def send_notification_email(
    self, *, notification_id: int, municipality, subject: str, body: str
) -> str:
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.status != Notification.Status.QUEUED:
        return "skipped"
    sender = municipality_sender(municipality)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=sender.from_email,
        to=[notification.address],
        reply_to=sender.reply_to_list,
    )
    message.attach_alternative(text_to_html(body, language=notification.language), "text/html")
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as exc:
        final = isinstance(exc, PERMANENT) or self.request.retries >= self.max_retries
        services.notification_attempt_failed(
            notification=notification, error=f"{type(exc).__name__}: {exc}", final=final
        )
        if final:
            return "failed"
        return _retry(self, exc)
    services.notification_sent(notification=notification)
    return "sent"


@municipality_task(
    name="revier.notifications.tasks.send_notification_sms",
    bind=True,
    max_retries=MAX_RETRIES,
)
def send_notification_sms(self, *, notification_id: int, municipality, text: str) -> str:
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.status != Notification.Status.QUEUED:
        return "skipped"
    sms_settings = selectors.sms_settings_get(municipality=municipality)
    if sms_settings is None or not sms_settings.enabled or sms_settings.plugin not in register:
        services.notification_attempt_failed(
            notification=notification, error="no SMS gateway configured", final=True
        )
        return "failed"
    plugin = register.get(sms_settings.plugin)
    try:
        message_id = plugin.send(
            to=notification.address,
            text=text,
            options=selectors.sms_options(sms_settings),
            reference=str(notification.pk),
        )
    except SmsError as exc:
        final = self.request.retries >= self.max_retries
        services.notification_attempt_failed(notification=notification, error=str(exc), final=final)
        if final:
            return "failed"
        return _retry(self, exc)
    services.notification_sent(notification=notification, provider_reference=message_id)
    return "sent"
