"""Back-office forms of notifications: a template's wording, the sent list's filter, the SMS
gateway."""

from django import forms
from django.utils.translation import gettext_lazy as _

from revier.frontend.forms import KernCheckboxInput
from revier.notifications.models import Notification
from revier.notifications.sms import register


class TemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Text of the e-mail"), widget=forms.Textarea(attrs={"rows": 12}), max_length=5000
    )
    sms_text = forms.CharField(
        label=_("SMS text"),
        required=False,
        max_length=320,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent only if an SMS gateway is set up and the person gave a phone number."),
    )


class SentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *Notification.Status.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("all")), *Notification.Channel.choices]
    )


class SmsSettingsForm(forms.Form):
    plugin = forms.ChoiceField(label=_("SMS gateway"), required=False)
    enabled = forms.BooleanField(label=_("Send SMS"), required=False, widget=KernCheckboxInput)

    def __init__(self, *args, saved_secrets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plugin"].choices = [("", _("no SMS")), *register.choices()]
        # The options every gateway declares, none required here: the gateway is chosen in the
        # same form, and the service checks the chosen one's options.
        for plugin in register:
            for name, field in plugin.form_fields(
                saved_secrets=saved_secrets, required=False
            ).items():
                self.fields.setdefault(name, field)
