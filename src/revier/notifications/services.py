"""Sending notifications. The one entry point for every app: ``notify``.

The e-mail never carries the content of a message or a decision: it names the event and links to
the page where the content is shown after login (the way BundID's Postfach and OZG portals do).
Each message sent is a ``Notification`` row whose status the sending task (and, for SMS, the
gateway's status report) keeps up to date: queued → sent → delivered, or failed with the error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from revier.core import crypto, outbox
from revier.core.audit import AuditContext, audit_log
from revier.notifications import selectors
from revier.notifications.events import EVENTS, LANGUAGES, placeholders_check, render
from revier.notifications.models import Notification, NotificationTemplate, SmsSettings
from revier.notifications.sms import StatusReport, register
from revier.tenancy.mail import municipality_sender

MAX_ERROR = 2000


def _language(user, language: str) -> str:
    preferred = getattr(user, "preferred_language", "") if user is not None else ""
    for candidate in (preferred, language):
        if candidate in LANGUAGES:
            return candidate
    return "de"


@dataclass(frozen=True)
class Recipient:
    """One person to notify: ``user`` (or a bare ``email``), an absolute ``link``, the
    ``language`` of the occasion and the placeholders' ``context`` (``reference``,
    ``service_name``, ``status_label``)."""

    link: str
    user: object = None
    email: str = ""
    language: str = ""
    context: dict = field(default_factory=dict)


# E-mails per message on the queue when many are sent at once (see tasks.send_notification_emails).
QUEUE_BATCH = 100


def notify(
    *,
    municipality,
    event: str,
    link: str,
    user=None,
    email: str = "",
    language: str = "",
    context: dict | None = None,
) -> Notification:
    """Notify ``user`` (or a bare ``email``) of ``event`` with an absolute ``link``.

    The wording is the municipality's template for the event and the person's language
    (``user.preferred_language``, else ``language``, else German), or the shipped default.
    ``context`` may carry ``reference``, ``service_name`` and ``status_label``. The e-mail is
    sent by a task on the ``mail`` queue after the transaction commits. If the municipality has
    an SMS gateway switched on, the wording has an SMS text and the person a phone number, an
    SMS follows as a second notification. Returns the e-mail notification.
    """
    recipient = Recipient(
        link=link, user=user, email=email, language=language, context=context or {}
    )
    return notify_many(municipality=municipality, event=event, recipients=[recipient])[0]


def notify_many(*, municipality, event: str, recipients: list[Recipient]) -> list[Notification]:
    """``notify`` for many people at once (a bulk change): the wording is looked up once per
    language, the rows are written in one statement and the e-mails queued in batches."""
    if event not in EVENTS:
        raise ValueError(f"unknown notification event {event!r}")
    wordings: dict[str, selectors.Wording] = {}
    footers: dict[str, str] = {}
    sender = municipality_sender(municipality)
    sms_settings = None
    rows: list[Notification] = []
    mails: list[tuple[Notification, str, str]] = []
    texts: list[tuple[Recipient, str, str]] = []
    for recipient in recipients:
        user = recipient.user
        language = _language(user, recipient.language)
        if language not in wordings:
            wordings[language] = selectors.wording_for(
                municipality=municipality, event=event, language=language
            )
        wording = wordings[language]
        context = recipient.context
        values = {
            # "Stadt Zeitz": the sender's name as the town signs its letters.
            "municipality": municipality.official_name or municipality.name,
            "reference": context.get("reference", ""),
            "service": context.get("service_name", ""),
            "status": context.get("status_label", ""),
            "link": recipient.link,
        }
        subject = " ".join(render(wording.subject, values).split())[:200]
        address = recipient.email or (user.email if user is not None else "")
        notification = Notification(
            municipality=municipality,
            event=event,
            channel=Notification.Channel.EMAIL,
            recipient=user,
            address=address,
            language=language,
            subject=subject,
        )
        if address:
            if language not in footers:
                with translation.override(language):
                    footers[language] = sender.sign("")
            body = render(wording.body, values).rstrip("\n") + footers[language]
            mails.append((notification, subject, body))
        else:
            notification.status = Notification.Status.FAILED
            notification.error = _("No e-mail address.")
        rows.append(notification)
        phone = getattr(user, "phone", "") if user is not None else ""
        if phone and wording.sms_text:
            if sms_settings is None:
                sms_settings = selectors.sms_settings_get(municipality=municipality) or False
            if sms_settings and sms_settings.enabled:
                texts.append((recipient, language, render(wording.sms_text, values)))
    Notification.objects.bulk_create(rows)
    if mails:
        messages = [
            {"notification_id": n.pk, "subject": subject, "body": body}
            for n, subject, body in mails
        ]
        _queue_emails(municipality.pk, messages)
    for recipient, language, text in texts:
        _notify_sms(
            municipality=municipality,
            event=event,
            user=recipient.user,
            phone=recipient.user.phone,
            language=language,
            text=text,
        )
    return rows


def _queue_emails(municipality_id: int, messages: list[dict]) -> None:
    from revier.notifications.tasks import send_notification_email, send_notification_emails

    # Through the outbox: recorded with the notifications, handed over on commit (ADR 0030).
    if len(messages) == 1:
        outbox.enqueue(send_notification_email, municipality_id=municipality_id, **messages[0])
        return
    for start in range(0, len(messages), QUEUE_BATCH):
        outbox.enqueue(
            send_notification_emails,
            municipality_id=municipality_id,
            messages=messages[start : start + QUEUE_BATCH],
        )


def _notify_sms(*, municipality, event, user, phone, language, text) -> Notification:
    from revier.notifications.tasks import send_notification_sms

    sms = Notification.objects.create(
        municipality=municipality,
        event=event,
        channel=Notification.Channel.SMS,
        recipient=user,
        address=phone,
        language=language,
    )
    outbox.enqueue(
        send_notification_sms, notification_id=sms.pk, municipality_id=municipality.pk, text=text
    )
    return sms


# --- delivery status (called by the tasks and the gateway's report) ----------------------------


def notification_sent(*, notification: Notification, provider_reference: str = "") -> None:
    notification.status = Notification.Status.SENT
    notification.attempts += 1
    notification.sent_at = timezone.now()
    notification.provider_reference = provider_reference[:200]
    notification.error = ""
    notification.save(
        update_fields=["status", "attempts", "sent_at", "provider_reference", "error"]
    )


def notification_attempt_failed(*, notification: Notification, error: str, final: bool) -> None:
    """Record a failed attempt; ``final`` marks the notification failed (no more retries)."""
    notification.attempts += 1
    notification.error = error[:MAX_ERROR]
    fields = ["attempts", "error"]
    if final:
        notification.status = Notification.Status.FAILED
        fields.append("status")
    notification.save(update_fields=fields)


@transaction.atomic
def sms_status_apply(*, municipality, report: StatusReport) -> Notification | None:
    """Apply a gateway's delivery report to the SMS it names; None if there is no such SMS."""
    notification = (
        Notification.objects.select_for_update()
        .filter(
            municipality=municipality,
            channel=Notification.Channel.SMS,
            provider_reference=report.provider_reference,
        )
        .first()
    )
    if notification is None:
        return None
    notification.status = (
        Notification.Status.DELIVERED if report.delivered else Notification.Status.FAILED
    )
    notification.error = "" if report.delivered else (report.error or _("Not delivered."))
    notification.save(update_fields=["status", "error"])
    return notification


# --- templates (back office) ------------------------------------------------------------------


def _check_key(event: str, language: str) -> None:
    if event not in EVENTS or language not in LANGUAGES:
        raise ValidationError(_("There is no such notification."), code="unknown")


def template_validate(*, subject: str, body: str, sms_text: str) -> None:
    """Refuse unknown placeholders and broken braces, naming the field."""
    errors = {}
    for name, text in (("subject", subject), ("body", body), ("sms_text", sms_text)):
        try:
            placeholders_check(text)
        except ValidationError as exc:
            errors[name] = exc
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def template_set(
    *,
    municipality,
    event: str,
    language: str,
    subject: str,
    body: str,
    sms_text: str = "",
    actor,
    context: AuditContext | None = None,
) -> NotificationTemplate:
    """Save the municipality's own wording of ``event`` in ``language`` (audited)."""
    _check_key(event, language)
    template_validate(subject=subject, body=body, sms_text=sms_text)
    template = NotificationTemplate.objects.select_for_update().filter(
        municipality=municipality, event=event, language=language
    ).first() or NotificationTemplate(municipality=municipality, event=event, language=language)
    template.subject = subject
    template.body = body
    template.sms_text = sms_text
    template.full_clean(exclude=["municipality"])
    template.save()
    audit_log(
        municipality=municipality,
        actor=actor,
        action="change",
        obj=template,
        object_repr=f"{event} ({language})",
        event="notifications.template_saved",
        params={"event": event, "language": language},
        context=context,
    )
    return template


@transaction.atomic
def template_reset(
    *, municipality, event: str, language: str, actor, context: AuditContext | None = None
) -> bool:
    """Go back to the shipped wording; True if there was an own wording to remove."""
    _check_key(event, language)
    deleted, _rows = NotificationTemplate.objects.filter(
        municipality=municipality, event=event, language=language
    ).delete()
    if deleted:
        audit_log(
            municipality=municipality,
            actor=actor,
            action="delete",
            object_type="notifications.NotificationTemplate",
            object_repr=f"{event} ({language})",
            event="notifications.template_reset",
            params={"event": event, "language": language},
            context=context,
        )
    return bool(deleted)


# --- SMS gateway settings -------------------------------------------------------------------------


@transaction.atomic
def sms_settings_set(
    *,
    municipality,
    plugin: str,
    options: dict | None = None,
    enabled: bool = True,
    actor,
    context: AuditContext | None = None,
) -> SmsSettings | None:
    """Choose the SMS gateway (``plugin`` empty: none). Secrets are sealed; a secret left empty
    keeps the one stored before."""
    current = SmsSettings.objects.select_for_update().filter(municipality=municipality).first()
    if not plugin:
        if current is not None:
            current.delete()
            audit_log(
                municipality=municipality,
                actor=actor,
                action="delete",
                object_type="notifications.SmsSettings",
                event="notifications.sms_gateway_removed",
                context=context,
            )
        return None
    if plugin not in register:
        raise ValidationError({"plugin": _("There is no such SMS gateway.")})
    plugin_obj = register.get(plugin)
    given = {k: v for k, v in (options or {}).items() if v not in ("", None)}
    old_secrets = {}
    if current is not None and current.plugin == plugin:
        old_secrets = crypto.unseal_json(current.secrets_sealed, purpose=selectors.SECRETS_PURPOSE)
    cleaned = plugin_obj.clean_options({**old_secrets, **given})
    secrets = {k: cleaned.pop(k) for k in plugin_obj.secret_options if k in cleaned}
    sms_settings = current or SmsSettings(municipality=municipality)
    sms_settings.plugin = plugin
    sms_settings.options = cleaned
    sms_settings.enabled = enabled
    sms_settings.secrets_sealed = (
        crypto.seal_json(secrets, purpose=selectors.SECRETS_PURPOSE) if secrets else ""
    )
    sms_settings.save()
    audit_log(
        municipality=municipality,
        actor=actor,
        action="change",
        obj=sms_settings,
        event="notifications.sms_gateway_on" if enabled else "notifications.sms_gateway_off",
        params={"plugin": plugin},
        context=context,
    )
    return sms_settings
