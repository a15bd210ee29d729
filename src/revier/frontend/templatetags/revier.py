"""Template helpers for accessible KERN form fields."""

import copy

from django import template
from django.forms import (
    CheckboxInput,
    CheckboxSelectMultiple,
    DateInput,
    DateTimeInput,
    RadioSelect,
    Select,
    Textarea,
    TimeInput,
)

# What the HTML input types expect as their value (never the locale's format: a German
# "07.12.2026" in <input type=date> shows an empty field).
HTML_VALUE_FORMATS = {
    "date": "%Y-%m-%d",
    "datetime-local": "%Y-%m-%dT%H:%M",
    "time": "%H:%M",
}

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
    html_type = widget.attrs.get("type") or getattr(widget, "input_type", "")
    machine_format = HTML_VALUE_FORMATS.get(html_type)
    if machine_format and isinstance(widget, DateInput | DateTimeInput | TimeInput):
        # Render a copy with the ISO format; the form's own widget stays as it was declared.
        widget = copy.copy(widget)
        widget.format = machine_format
        return field.as_widget(widget=widget, attrs=attrs)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, CheckboxInput)


@register.filter
def is_select(field) -> bool:
    """A single-choice drop-down: KERN draws its box and arrow on a wrapper."""
    widget = field.field.widget
    return isinstance(widget, Select) and not widget.allow_multiple_selected


@register.filter
def is_choice_group(field) -> bool:
    """Radio buttons or checkboxes: a fieldset with a legend, not one label."""
    return isinstance(field.field.widget, RadioSelect | CheckboxSelectMultiple)
