"""Back-office forms of applications: the list's filter and a form's retention policy."""

from django import forms
from django.utils.translation import gettext_lazy as _

from revier.applications.models import Application, RetentionPolicy

RECEIVED_STATUSES = [c for c in Application.Status.choices if c[0] != Application.Status.DRAFT]


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *RECEIVED_STATUSES]
    )
    leika = forms.ChoiceField(label=_("Service"), required=False)

    def __init__(self, *args, services: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leika"].choices = [
            ("", _("all services")),
            *[(leika, f"{name} ({leika})") for leika, name in services],
        ]


class RetentionPolicyForm(forms.Form):
    draft_days = forms.IntegerField(
        label=_("Keep drafts (days)"),
        min_value=1,
        max_value=3650,
        help_text=_("Drafts not continued for this long are deleted."),
    )
    submitted_days = forms.IntegerField(
        label=_("Keep submitted applications (days)"), min_value=1, max_value=36500
    )
    failed_days = forms.IntegerField(
        label=_("Keep unpaid or failed applications (days)"), min_value=1, max_value=3650
    )
    action = forms.ChoiceField(
        label=_("After that"), choices=RetentionPolicy.Action.choices, widget=forms.RadioSelect
    )
