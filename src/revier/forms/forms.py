"""Back-office forms of the forms app (Django forms, rendered with KERN by ``{{ form }}``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from revier.forms.models import Field
from revier.frontend.forms import KernCheckboxInput


class LeikaField(forms.RegexField):
    def __init__(self, **kwargs):
        super().__init__(
            regex=r"^99\d{12}$",
            label=_("LeiKa key of the service"),
            help_text=_("14 digits, starting with 99, e.g. 99115005104000."),
            error_messages={"invalid": _("A LeiKa key has 14 digits and starts with 99.")},
            max_length=14,
            **kwargs,
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("XDatenfelder file"),
        help_text=_("A Stammdatenschema or data group as XML, XDatenfelder 2.0 or 3.0."),
    )
    leika = LeikaField()
    publish = forms.BooleanField(
        label=_("Publish the new version at once"), required=False, widget=KernCheckboxInput
    )


class CodeListForm(forms.Form):
    file = forms.FileField(
        label=_("Code list (genericode)"),
        help_text=_("The genericode XML file of a code list this form references."),
    )


class FormCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    leika = LeikaField()


class StepForm(forms.Form):
    title = forms.CharField(label=_("Title of the step"), max_length=500)
    help_text = forms.CharField(
        label=_("Help text"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FieldForm(forms.Form):
    step = forms.TypedChoiceField(label=_("Step"), coerce=int)
    label = forms.CharField(label=_("Label"), max_length=500)
    datatype = forms.ChoiceField(label=_("Type of answer"), choices=Field.Datatype.choices)
    required = forms.BooleanField(
        label=_("An answer is required"), required=False, widget=KernCheckboxInput
    )
    help_text = forms.CharField(
        label=_("Help text"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; leave empty for a free answer."),
    )

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(s.pk, s.label) for s in steps]

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class FieldEditForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=500)
    help_text = forms.CharField(
        label=_("Help text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    required = forms.BooleanField(
        label=_("An answer is required"), required=False, widget=KernCheckboxInput
    )
