"""Reads of notifications: the wording in effect, the template overview, what was sent."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from revier.core import crypto
from revier.notifications.events import EVENTS, LANGUAGES, event_get
from revier.notifications.models import Notification, NotificationTemplate, SmsSettings

SECRETS_PURPOSE = "notifications.sms"


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str
    sms_text: str
    customised: bool


def default_wording(*, event: str, language: str) -> Wording:
    """The shipped wording of ``event`` in ``language`` (translated by gettext)."""
    from django.utils import translation

    spec = event_get(event)
    if spec is None:
        raise KeyError(event)
    with translation.override(language):
        return Wording(str(spec.subject), str(spec.body), str(spec.sms), customised=False)


def wording_for(*, municipality, event: str, language: str) -> Wording:
    """The municipality's own wording of ``event`` in ``language``, else the default."""
    own = NotificationTemplate.objects.filter(
        municipality=municipality, event=event, language=language
    ).first()
    if own is not None:
        return Wording(own.subject, own.body, own.sms_text, customised=True)
    return default_wording(event=event, language=language)


def templates_overview(*, municipality) -> list[dict]:
    """One row per event with, per language, whether the municipality has its own wording."""
    own = {
        (t.event, t.language): t
        for t in NotificationTemplate.objects.filter(municipality=municipality).only(
            "event", "language", "updated_at"
        )
    }
    return [
        {
            "event": key,
            "label": spec.label,
            "languages": [
                {"language": lang, "template": own.get((key, lang))} for lang in LANGUAGES
            ],
        }
        for key, spec in EVENTS.items()
    ]


def notifications_sent(*, municipality, status: str = "", channel: str = "") -> QuerySet:
    """What was sent, newest first; no joins (the list shows the row's own columns)."""
    queryset = Notification.objects.filter(municipality=municipality)
    if status:
        queryset = queryset.filter(status=status)
    if channel:
        queryset = queryset.filter(channel=channel)
    return queryset.order_by("-created_at", "-id")


def sms_settings_get(*, municipality) -> SmsSettings | None:
    return SmsSettings.objects.filter(municipality=municipality).first()


def sms_options(sms_settings: SmsSettings) -> dict:
    """The plugin options with the secrets unsealed, as the plugin needs them."""
    return {
        **sms_settings.options,
        **crypto.unseal_json(sms_settings.secrets_sealed, purpose=SECRETS_PURPOSE),
    }
