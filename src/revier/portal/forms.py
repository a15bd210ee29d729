from django import forms
from django.utils.translation import gettext_lazy as _

from revier.core.text import CleanCharField
from revier.frontend.forms import KernRadioSelect
from revier.portal.models import AccessibilityFeedback


class AccessibilityFeedbackForm(forms.Form):
    message = CleanCharField(
        multiline=True,
        label=_("Which barrier did you find?"),
        help_text=_("Describe what did not work and on which page."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    page_url = CleanCharField(label=_("Page concerned"), required=False, max_length=500)
    name = CleanCharField(label=_("Your name"), required=False, max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("Only if you would like an answer."),
    )


# --- back office ---------------------------------------------------


class FeedbackStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=AccessibilityFeedback.Status.choices, widget=KernRadioSelect
    )
