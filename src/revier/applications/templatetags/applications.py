from django import template
from django.urls import reverse

from revier.forms.selectors import form_version_published_for

register = template.Library()


@register.simple_tag
def application_start_url(leika: str) -> str:
    """The address to start an application for ``leika``, or "" without a published form."""
    if form_version_published_for(leika=leika) is None:
        return ""
    return reverse("applications:start", args=[leika])
