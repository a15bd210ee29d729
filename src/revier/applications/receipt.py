"""The PDF receipt (Eingangsbestätigung) of a submitted application.

This module says what is on it; the documents service's direct writer makes it a tagged
PDF/A-3b (``revier.core.documents.write_pdfa``): archivable, font embedded, text extractable,
readable by screen readers. It was laid out from HTML by WeasyPrint before, which cost ~95 ms
per receipt against ~5 ms now (benchmarks/RESULTS.md, ADR 0012, ADR 0018).
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from revier.applications import answers
from revier.core.documents import Document, Heading, Paragraph, Row, Table, write_pdfa


def receipt_pdf(*, application, tree: list[dict], payment=None, account=None) -> bytes:
    language = application.language or translation.get_language() or "de"
    with translation.override(language):
        return _receipt(
            application=application,
            tree=tree,
            payment=payment,
            account=account,
            language=translation.get_language() or language,
        )


def _receipt(*, application, tree, payment, account, language: str) -> bytes:
    municipality = application.municipality
    submitted_at = timezone.localtime(application.submitted_at or timezone.now())
    document = Document(
        title=_("Receipt %(reference)s") % {"reference": application.reference},
        lang=language,
        created=submitted_at,
    )
    blocks = document.blocks
    blocks.append(Paragraph(municipality.official_name or municipality.name))
    address = ", ".join(
        part
        for part in (
            municipality.street,
            f"{municipality.postcode} {municipality.city}".strip(),
        )
        if part
    )
    if address:
        blocks.append(Paragraph(address))
    blocks.append(Heading(_("Receipt of your application")))
    rows = [
        Row(_("Reference number"), application.reference),
        Row(_("Service"), f"{application.service_name} ({application.leika})"),
        Row(_("Submitted"), submitted_at.strftime("%d.%m.%Y %H:%M")),
    ]
    if application.organisation_id:
        rows.append(Row(_("On behalf of"), application.organisation.name))
    blocks.append(Table(rows))
    if payment:
        invoice = payment.method == "INVOICE"
        rows = [
            Row(_("Amount"), f"{payment.amount} EUR"),
            Row(
                _("Payment"),
                _("By bank transfer")
                if invoice
                else _("Online (%(status)s)") % {"status": payment.get_status_display()},
            ),
            Row("Kassenzeichen" if invoice else _("Transaction"), payment.transaction_reference),
        ]
        if invoice and account:
            rows += [Row(_("Account holder"), account.account_holder), Row("IBAN", account.iban)]
            if account.bic:
                rows.append(Row("BIC", account.bic))
            if account.bank_name:
                rows.append(Row(_("Bank"), account.bank_name))
        blocks += [Heading(_("Fees and payment"), level=2), Table(rows)]
    data = application.data or {}
    for step in tree:
        blocks.append(Heading(step["label"], level=2))
        blocks.append(
            Table([Row(row["label"], row["value"]) for row in answers.step_summary(step, data)])
        )
    return write_pdfa(document)
