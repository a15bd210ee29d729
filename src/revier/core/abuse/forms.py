"""The form field that asks for a proof: ALTCHA's widget with JavaScript, a time lock without.

    class ReportForm(forms.Form):
        text = forms.CharField()
        altcha = abuse.ProofOfWorkField()

With JavaScript the widget solves the challenge while the person fills in the form and puts its
solution into the field ``<name>``. Without JavaScript the ``<noscript>`` part carries a signed
time-lock token in ``<name>_timelock`` and explains that sending works after a short wait. The
field accepts either, each once. When the form comes back with errors, a new challenge is issued
and the time already waited counts (the new token keeps the first one's time). ADR 0028.
"""

from __future__ import annotations

import json

from django import forms
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from revier.core.abuse import altcha, timelock

TIMELOCK_SUFFIX = "_timelock"


class ProofOfWorkWidget(forms.Widget):
    template_name = "revier/widgets/proof_of_work.html"

    def value_from_datadict(self, data, files, name):
        return {
            "payload": data.get(name) or "",
            "timelock": data.get(name + TIMELOCK_SUFFIX) or "",
        }

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TIMELOCK_SUFFIX not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        issued_before = None
        if isinstance(value, dict) and value.get("timelock"):
            issued_before = timelock.read_token(value["timelock"])
        strings = {
            "label": str(_("I am not a robot")),
            "verified": str(_("Verified")),
            "verifying": str(_("Checking …")),
            "verify": str(_("Verify")),
            "error": str(_("The check failed. Please try again.")),
            "expired": str(_("The check has expired. Please try again.")),
            "verificationRequired": str(_("Please confirm that you are not a robot.")),
            "waitAlert": str(_("Checking … please wait a moment.")),
            "footer": "",
            "ariaLinkLabel": "",
        }
        seconds = timelock.delay()
        context["widget"].update(
            {
                "challenge_json": json.dumps(altcha.create_challenge()),
                "strings_json": json.dumps(strings, ensure_ascii=False),
                "timelock_name": name + TIMELOCK_SUFFIX,
                "timelock_token": timelock.issue_token(issued_at=issued_before),
                "timelock_text": ngettext(
                    "Your browser does not run JavaScript, so it cannot solve the small "
                    "computing task that protects this form against mass submissions by "
                    "programs. Instead, please wait %(seconds)d second after opening this "
                    "page before you send the form.",
                    "Your browser does not run JavaScript, so it cannot solve the small "
                    "computing task that protects this form against mass submissions by "
                    "programs. Instead, please wait %(seconds)d seconds after opening this "
                    "page before you send the form.",
                    seconds,
                )
                % {"seconds": seconds},
                "script_url": static("vendor/altcha/altcha.js"),
                "worker_url": static("vendor/altcha/worker.js"),
                "css_url": static("vendor/altcha/altcha.css"),
            }
        )
        return context


class ProofOfWorkField(forms.Field):
    """Required proof that a person (or at least a patient program) sends the form."""

    widget = ProofOfWorkWidget
    default_error_messages = {
        "required": _(
            "Confirm that you are not a robot: tick the box and wait until it says “Verified”."
        ),
        "invalid": _(
            "The check against automated submissions did not work. Please send the form again."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Protection against automated submissions"))
        kwargs.setdefault(
            "help_text",
            _(
                "Your browser solves a small computing task. Nothing is sent to anyone else "
                "for this."
            ),
        )
        kwargs.setdefault("required", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if not isinstance(value, dict):
            return {"payload": "", "timelock": ""}
        return value

    def validate(self, value):
        # Emptiness is decided in clean(): the value is a pair, never "empty" by itself.
        pass

    def clean(self, value):
        value = self.to_python(value)
        payload, token = value.get("payload", ""), value.get("timelock", "")
        if payload:
            if altcha.verify_solution(payload):
                return "altcha"
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if token:
            left = timelock.seconds_left(token)
            if left is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if left > 0:
                raise forms.ValidationError(
                    ngettext(
                        "You sent the form too quickly. Please wait %(seconds)d more second, "
                        "then send it again. Your answers are kept.",
                        "You sent the form too quickly. Please wait %(seconds)d more seconds, "
                        "then send it again. Your answers are kept.",
                        left,
                    )
                    % {"seconds": left},
                    code="too_early",
                )
            if timelock.verify_token(token):
                return "timelock"
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        raise forms.ValidationError(self.error_messages["required"], code="required")
