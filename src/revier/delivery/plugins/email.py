"""Fallback: the package by e-mail to an office address, data and files attached.

E-mail is not end-to-end encrypted; use it only where the municipality's mail transport is
trusted (e.g. within the administration network) and no FIT-Connect destination exists yet.
The message is sent from the delivery task itself (queue ``submissions``), so the delivery is
only marked delivered once the mail server has accepted the message.
"""

import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revier.core.plugins import CheckResult, Option
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
    description = gettext_lazy("Applications are sent by e-mail to an office address.")
    options = (
        Option(
            "address",
            gettext_lazy("Office e-mail address"),
            type="email",
            required=True,
            help_text=gettext_lazy("The package goes there with its data and files attached."),
        ),
    )

    def check_config(self, options: dict) -> CheckResult:
        """The installation's mail server accepts a connection (nothing is sent)."""
        sending_to = _("Packages go to %(address)s.") % {"address": options["address"]}
        if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
            # Development backends (file, memory) have no server; opening one would write.
            return CheckResult.success(
                _("Mail is not sent over a network on this installation."),
                [settings.EMAIL_BACKEND, sending_to],
            )
        where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        connection = get_connection(fail_silently=False, timeout=8)
        try:
            connection.open()
        except (OSError, smtplib.SMTPException) as exc:
            return CheckResult.failure(
                _("The mail server cannot be reached."),
                [f"{where}: {type(exc).__name__}: {exc}"],
            )
        finally:
            connection.close()
        return CheckResult.success(_("The mail server accepts connections."), [where, sending_to])

    def deliver(self, *, package, options, delivery, checkpoint=None) -> DeliveryResult:
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
