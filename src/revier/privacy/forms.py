from django import forms
from django.utils.translation import gettext_lazy as _

from revier.frontend.forms import KernRadioSelect
from revier.privacy.models import CaseRetentionPolicy


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it is you."),
    )


class CaseRetentionForm(forms.Form):
    closed_days = forms.IntegerField(
        label=_("Keep closed cases (days)"),
        min_value=1,
        max_value=36500,
        help_text=_("Counted from closing. 3650 days are ten years; set it by your local rules."),
    )
    action = forms.ChoiceField(
        label=_("After that"), choices=CaseRetentionPolicy.Action.choices, widget=KernRadioSelect
    )


class CaseRetentionServiceForm(CaseRetentionForm):
    leika = forms.RegexField(
        label=_("LeiKa key of the service"),
        regex=r"^99\d{12}$",
        error_messages={"invalid": _("A LeiKa key has 14 digits and starts with 99.")},
    )

    field_order = ["leika", "closed_days", "action"]
