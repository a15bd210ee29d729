"""Decisions (Bescheide): the placeholders a template may use and the letter.

Templates are staff text, so they are never executed as Django templates: the only thing
replaced is one of the documented placeholders below, written in braces (``{reference}``).
Anything else in braces stays as it is.

The PDF is a DIN 5008 letter from the documents kit (``revier.core.documents.letter``, ADR
0040): the municipality's letterhead and logo, the return line and the applicant's address in
the window, the information block (Aktenzeichen, the date of the application, contact), the
subject, the salutation by the person's form of address, the staff's text (tenor and reasons),
the fees, the Rechtsbehelfsbelehrung (the text after a line of ``---``), the closing and the
note that the letter is valid without a signature. Written as PDF/A-3b: it is kept in the case
file for years.
"""

from __future__ import annotations

import re

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from revier.core.documents.letter import (
    Letter,
    Section,
    Sender,
    form_of_address_label,
    logo_of,
    render_letter,
    salutation,
)

PLACEHOLDERS = {
    "reference": gettext_lazy("reference number of the case"),
    "service": gettext_lazy("name of the service"),
    "applicant_name": gettext_lazy("name of the applicant"),
    "application_date": gettext_lazy("date of the application"),
    "date": gettext_lazy("today's date"),
    "municipality": gettext_lazy("name of the municipality"),
    "authority": gettext_lazy("the authority with its address (for the legal remedies)"),
    "result": gettext_lazy("the result (e.g. granted)"),
}
_PLACEHOLDER_RE = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
# The Rechtsbehelfsbelehrung follows this line in a template's text.
APPEAL_MARKER = "---"


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def application_date(case) -> str:
    """The day the application was sent (the receipt's date), else the day it arrived."""
    application = case.application if getattr(case, "application_id", None) else None
    sent = getattr(application, "submitted_at", None) if application is not None else None
    return _date(sent or getattr(case, "received_at", None))


def authority_name(municipality) -> str:
    return municipality.official_name or municipality.name


def authority_address_lines(municipality) -> tuple[str, ...]:
    place = " ".join(p for p in (municipality.postcode, municipality.city) if p)
    return tuple(line for line in (municipality.street, place) if line)


def authority(municipality) -> str:
    """The authority and its postal address in one line ("Stadt Zeitz, Altmarkt 1, 06712
    Zeitz"), for the Rechtsbehelfsbelehrung."""
    return ", ".join([authority_name(municipality), *authority_address_lines(municipality)])


def letter_language(case) -> str:
    """The language of the applicant's letters: the application's, else German."""
    application = case.application if getattr(case, "application_id", None) else None
    return (getattr(application, "language", "") if application is not None else "") or "de"


def placeholder_values(*, case, result: str) -> dict[str, str]:
    """The placeholders' values in the language of the letter (dates are written for it)."""
    with translation.override(letter_language(case)):
        return _placeholder_values(case=case, result=result)


def _placeholder_values(*, case, result: str) -> dict[str, str]:
    from revier.cases.models import Case

    municipality = case.municipality
    return {
        "reference": case.reference,
        "service": case.service_name,
        "applicant_name": case.applicant_name or "",
        "application_date": application_date(case),
        "date": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "municipality": authority_name(municipality),
        "authority": authority(municipality),
        "result": str(Case.Result(result).label) if result in Case.Result.values else "",
    }


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the documented placeholders in ``text``; nothing else is interpreted."""
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


def split_appeal(text: str) -> tuple[str, str]:
    """The decision's text and its Rechtsbehelfsbelehrung (after a line of ``---``)."""
    lines = (text or "").splitlines()
    for i, line in enumerate(lines):
        if line.strip() == APPEAL_MARKER:
            return "\n".join(lines[:i]).strip(), "\n".join(lines[i + 1 :]).strip()
    return (text or "").strip(), ""


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip())


# --- who the letter goes to ----------------------------------------------------------------------


def recipient(case) -> tuple[tuple[str, ...], str]:
    """The address field's lines and the salutation.

    The person's name and form of address come from their account (the applicant), else the
    name in the case; the postal address from the organisation the application was made for,
    else from the person's profile. Without a form of address the salutation is the neutral
    "Guten Tag Anna Schmidt,".
    """
    person = case.applicant if getattr(case, "applicant_id", None) else None
    organisation = case.organisation if getattr(case, "organisation_id", None) else None
    given = family = form = ""
    if person is not None:
        given, family = person.first_name, person.last_name
        form = getattr(person, "form_of_address", "") or ""
    name = " ".join(p for p in (given, family) if p) or (case.applicant_name or "")
    if not (given or family):
        greeting = salutation(given_name=name)
    else:
        greeting = salutation(form_of_address=form, given_name=given, family_name=family)
    lines: list[str] = []
    holder = organisation or person
    if organisation is not None:
        lines.append(organisation.name)
        if name:
            lines.append(name)
    else:
        label = form_of_address_label(form) if family else ""
        if label:
            lines.append(label)
        if name:
            lines.append(name)
    if holder is not None:
        place = " ".join(p for p in (holder.postcode, holder.city) if p)
        lines += [line for line in (holder.street, place) if line]
    return tuple(lines[:6]), greeting


# --- the letter ------------------------------------------------------------------------------


def _fee_section(case) -> Section | None:
    """What the decision costs (the service's fee) and what has been paid."""
    from decimal import Decimal

    from revier.payments.selectors import fee_for

    fee = fee_for(leika=case.leika) if getattr(case, "pk", None) else None
    if fee is None:
        return None

    def euro(amount) -> str:
        return formats.number_format(amount, 2, use_l10n=True, force_grouping=True) + "\u00a0€"

    if not fee.amount:
        return Section(heading=_("Fees"), paragraphs=(_("This decision is free of charge."),))
    text = _("A fee of %(amount)s is charged for this decision.") % {"amount": euro(fee.amount)}
    if fee.label:
        text += " " + _("(%(what)s)") % {"what": fee.label}
    paid = sum((p.amount for p in case.payments.all()), Decimal(0))
    paragraphs = [text]
    if paid >= fee.amount:
        paragraphs.append(_("The fee has already been paid."))
    elif paid:
        paragraphs.append(_("Paid so far: %(amount)s.") % {"amount": euro(paid)})
    return Section(heading=_("Fees"), paragraphs=tuple(paragraphs))


def decision_letter(*, case, subject: str, text: str, signer) -> Letter:
    """The decision as a letter, in the active language."""
    municipality = case.municipality
    office = case.office if getattr(case, "office_id", None) else None
    logo, logo_type = logo_of(getattr(municipality, "logo", None))
    sender = Sender(
        name=authority_name(municipality),
        unit=office.name if office is not None else "",
        address_lines=authority_address_lines(municipality),
        phone=municipality.phone,
        email=municipality.email,
        website=getattr(municipality, "website", "") or "",
        logo=logo,
        logo_type=logo_type,
    )
    lines, greeting = recipient(case)
    signer_name = (signer.get_full_name() or "") if signer else ""
    info = [
        (pgettext("letter", "File number"), case.reference),
        (_("Your application of"), application_date(case)),
    ]
    if signer_name:
        info.append((pgettext("letter", "Contact person"), signer_name))
    if office is not None:
        info.append((_("Office"), office.name))
    phone = (office.phone if office is not None else "") or municipality.phone
    email = (office.email if office is not None else "") or municipality.email
    if phone:
        info.append((_("Phone"), phone))
    if email:
        info.append((_("E-mail"), email))
    info.append((_("Date"), formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")))
    body, appeal = split_appeal(text)
    sections = [Section(paragraphs=_paragraphs(body))]
    fees = _fee_section(case)
    if fees is not None:
        sections.append(fees)
    if appeal:
        sections.append(
            Section(heading=_("Information on legal remedies"), paragraphs=_paragraphs(appeal))
        )
    closing = [_("Kind regards")]
    if signer_name:
        closing += [_("By order"), signer_name]
    else:
        closing.append(authority_name(municipality))
    return Letter(
        sender=sender,
        recipient_lines=lines,
        info=tuple((str(label), value) for label, value in info if value),
        subject=subject,
        salutation=greeting,
        sections=tuple(sections),
        closing=tuple(closing),
        title=f"{subject} – {case.reference}",
    )


def decision_pdf(*, case, subject: str, text: str, signer, language: str = "de") -> bytes:
    # PDF/A: a Bescheid is kept in the case file for years.
    with translation.override(language or "de"):
        letter = decision_letter(case=case, subject=subject, text=text, signer=signer)
    return render_letter(letter, language=language or "de", pdfa=True)
