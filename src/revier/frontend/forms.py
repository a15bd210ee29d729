"""Form rendering and widgets in KERN UX markup (base layer: no domain app)."""

from django import forms
from django.forms.renderers import TemplatesSetting


class KernFormRenderer(TemplatesSetting):
    """Renders every Django form with KERN markup and linked error messages."""

    form_template_name = "revier/forms/form.html"
    field_template_name = "revier/forms/field.html"


# --- KERN widgets --------------------------------------------------------------------------
# Django's default widgets lack KERN's markup for choice groups and single checkboxes.


class KernCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkbox group with KERN's check markup, one label per box."""

    template_name = "revier/widgets/choice_group.html"


class KernRadioSelect(forms.RadioSelect):
    template_name = "revier/widgets/choice_group.html"


class KernCheckboxInput(forms.CheckboxInput):
    """A single checkbox in KERN's look."""

    def __init__(self, attrs=None, check_test=None):
        super().__init__({"class": "kern-form-check__checkbox", **(attrs or {})}, check_test)
