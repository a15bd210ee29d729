"""Absolute links to a booking's pages (e-mails, the API's ``ics_url``)."""

from django.conf import settings
from django.urls import get_script_prefix, reverse

from revier.tenancy.models import municipality_absolute_url


def municipality_link(municipality, name: str, args=()) -> str:
    """An absolute link to the municipality page ``name`` (``booking:…``), also from a task or
    an API request (whose urlconf lacks the municipality's pages): reversed in the municipality
    urlconf without a running request's script prefix, which ``municipality_absolute_url``
    adds itself (the municipality's domain, or the public URL with its slug)."""
    path = reverse(name, args=args, urlconf=settings.MUNICIPALITY_URLCONF)
    prefix = get_script_prefix()
    if path.startswith(prefix):
        path = "/" + path[len(prefix) :]
    return municipality_absolute_url(municipality, path)


def booking_link(booking) -> str:
    return municipality_link(booking.municipality, "booking:booking", [booking.token])


def booking_ics_link(booking) -> str:
    return municipality_link(booking.municipality, "booking:booking_ics", [booking.token])


def hub_ics_link(hub) -> str:
    return municipality_link(hub.municipality, "booking:hub_ics", [hub.slug])
