"""Template helpers for accessible KERN form fields."""

from django import template
from django.forms import CheckboxInput, CheckboxSelectMultiple, RadioSelect, Select, Textarea

register = template.Library()


@register.simple_tag
def kern_widget(field):
    """Render a bound field's widget with KERN classes, aria-describedby and aria-invalid."""
    widget = field.field.widget
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    css = "kern-form-input__input"
    if isinstance(widget, Select):
        css = "kern-form-input__select"
    elif isinstance(widget, Textarea):
        css = "kern-form-input__input kern-form-input__textarea"
    elif isinstance(widget, CheckboxInput):
        css = "kern-form-check__checkbox"
    elif isinstance(widget, RadioSelect | CheckboxSelectMultiple):
        css = ""
    attrs = {}
    if css:
        existing = widget.attrs.get("class", "")
        attrs["class"] = f"{existing} {css}".strip()
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, CheckboxInput)


@register.filter
def is_select(field) -> bool:
    """A single-choice drop-down: KERN draws its box and arrow on a wrapper."""
    widget = field.field.widget
    return isinstance(widget, Select) and not widget.allow_multiple_selected
