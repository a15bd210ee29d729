"""Notifications to people: templated per municipality, event and language, with a record of
each message sent and its delivery status (the pattern of GOV.UK Notify)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from revier.core.models import TenantOwnedModel


class NotificationTemplate(TenantOwnedModel):
    """A municipality's own wording for one event in one language. Without a row the shipped
    default (``revier.notifications.events``) is used."""

    event = models.CharField(_("event"), max_length=60)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    sms_text = models.CharField(_("SMS text"), max_length=320, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["event", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "event", "language"], name="notifications_template_unique"
            )
        ]


class Notification(TenantOwnedModel):
    """One message sent (or being sent) on one channel, with its delivery status."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    event = models.CharField(_("event"), max_length=60)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    address = models.CharField(_("address"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    provider_reference = models.CharField(max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "-created_at"], name="notification_recent"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["municipality", "status", "-created_at"], name="notification_status"
            ),
            # The SMS gateway reports delivery by its own message id.
            models.Index(
                fields=["municipality", "provider_reference"], name="notification_provider_ref"
            ),
        ]

    @property
    def event_label(self) -> str:
        """The event's name for people (an event no longer shipped shows its key)."""
        from revier.notifications.events import event_get

        event = event_get(self.event)
        return str(event.label) if event is not None else self.event


class SmsSettings(TenantOwnedModel):
    """How a municipality sends SMS: the plugin (``revier.notifications.sms``) and its options;
    secrets (API token, webhook secret) are sealed like delivery routes' secrets. Without a row,
    or with ``enabled`` off, no SMS is sent."""

    plugin = models.CharField(_("SMS gateway"), max_length=40)
    options = models.JSONField(_("options"), default=dict, blank=True)
    secrets_sealed = models.TextField(editable=False, blank=True)
    enabled = models.BooleanField(_("send SMS"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SMS settings")
        verbose_name_plural = _("SMS settings")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="notifications_sms_one")
        ]

    def __str__(self) -> str:
        return self.plugin
