"""Who e-mails come from: the municipality (its official name as the From display name, its
address for replies, its contact in the footer) or, on the platform's own pages, the platform
and its operator (ADR 0041)."""

from __future__ import annotations

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from revier.core.mail import MailSender


def municipality_sender(municipality) -> MailSender:
    name = municipality.official_name or municipality.name
    place = " ".join(p for p in (municipality.postcode, municipality.city) if p)
    address = ", ".join(p for p in (municipality.street, place) if p)
    reach = []
    if municipality.phone:
        reach.append(format_lazy("{} {}", _("Phone"), municipality.phone))
    if municipality.email:
        reach.append(format_lazy("{} {}", _("E-mail"), municipality.email))
    contact = [name, address, format_lazy(" · ".join("{}" for _r in reach), *reach)]
    if municipality.website:
        contact.append(municipality.website)
    return MailSender(name=name, reply_to=municipality.email, contact=tuple(contact))


def platform_sender() -> MailSender:
    name = getattr(settings, "REVIER_PLATFORM_NAME", "") or "Revier"
    operator = getattr(settings, "REVIER_OPERATOR_NAME", "")
    email = getattr(settings, "REVIER_OPERATOR_EMAIL", "")
    contact = [operator or name, getattr(settings, "REVIER_OPERATOR_ADDRESS", "")]
    if email:
        contact.append(format_lazy("{} {}", _("E-mail"), email))
    return MailSender(name=name, reply_to=email, contact=tuple(contact))


def sender_for(municipality) -> MailSender:
    """The municipality's sender, or the platform's where there is none."""
    return municipality_sender(municipality) if municipality is not None else platform_sender()
