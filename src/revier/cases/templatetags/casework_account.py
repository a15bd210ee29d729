"""The account overview's box for applications and messages:
``{% load casework_account %}{% casework_summary %}`` (needs ``request`` in the context)."""

from django import template

from revier.cases.selectors_account import mailbox_unread_count

register = template.Library()


@register.inclusion_tag("cases/account/_summary.html", takes_context=True)
def casework_summary(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    in_municipality = getattr(request, "municipality", None) is not None
    return {
        "in_municipality": in_municipality,
        "unread": mailbox_unread_count(user=user) if in_municipality and user else 0,
    }
