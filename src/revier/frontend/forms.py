from django.forms.renderers import TemplatesSetting


class KernFormRenderer(TemplatesSetting):
    """Renders every Django form with KERN markup and linked error messages."""

    form_template_name = "revier/forms/form.html"
    field_template_name = "revier/forms/field.html"
