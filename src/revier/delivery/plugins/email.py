"""Fallback: the package by e-mail to an office address, data and files attached.

E-mail is not end-to-end encrypted; use it only where the municipality's mail transport is
trusted (e.g. within the administration network) and no FIT-Connect destination exists yet.
The message is sent from the delivery task itself (queue ``submissions``), so the delivery is
only marked delivered once the mail server has accepted the message.
"""

import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revier.delivery.plugins.base import (
    DeliveryPlugin,
    DeliveryRefused,
    DeliveryResult,
    DeliveryTemporaryError,
)
from revier.delivery.registry import register


@register("email")
class EmailPlugin(DeliveryPlugin):
    label = gettext_lazy("E-mail to an office")
    required_options = ("address",)

    def clean_options(self, options: dict) -> dict:
        options = super().clean_options(options)
        try:
            validate_email(options["address"])
        except ValidationError:
            raise ValidationError(
                {"address": _("Enter a valid e-mail address.")}, code="email"
            ) from None
        return {"address": options["address"]}

    def deliver(self, *, package, options, delivery) -> DeliveryResult:
        context = {"package": package, "delivery": delivery}
        with translation.override(settings.LANGUAGE_CODE):
            subject = " ".join(
                render_to_string("delivery/email/package_subject.txt", context).split()
            )
            body = render_to_string("delivery/email/package_body.txt", context)
        message_id = make_msgid(domain=str(DNS_NAME))
        message = EmailMessage(
            subject=subject,
            body=body,
            to=[options["address"]],
            reply_to=[package.reply_email],
            headers={"Message-ID": message_id},
        )
        message.attach(f"{package.reference}.json", package.data, package.data_mime_type)
        for attachment in package.attachments:
            message.attach(attachment.filename, attachment.content, attachment.mime_type)
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryRefused(f"the mail server refused {options['address']}: {exc}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryTemporaryError(f"{type(exc).__name__}: {exc}") from exc
        return DeliveryResult(submission_id=message_id)
