"""Development gateway: the SMS goes to the log and, if configured, to an outbox file."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revier.core.plugins import Option
from revier.notifications.sms import SmsPlugin, register

logger = logging.getLogger("revier.notifications.sms")


@register("log")
class LogPlugin(SmsPlugin):
    label = _("Log only (development)")
    description = _("Each SMS is written to the log and, if set, to an outbox file.")
    options = (
        Option(
            "outbox",
            _("Outbox file"),
            help_text=_("Only for the log gateway (development)."),
        ),
    )

    def send(self, *, to: str, text: str, options: dict, reference: str) -> str:
        message_id = f"log-{uuid.uuid4().hex}"
        logger.info("SMS %s to %s: %s", message_id, to, text)
        outbox = options.get("outbox") or getattr(settings, "REVIER_SMS_OUTBOX", "")
        if outbox:
            line = {
                "id": message_id,
                "to": to,
                "text": text,
                "reference": reference,
                "at": timezone.now().isoformat(),
            }
            with Path(outbox).open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        return message_id
