"""What the payments module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    AuditEvent,
    BackofficeSection,
    Contributions,
    Permission,
    ProcessingActivity,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        audit_events=[
            AuditEvent(
                "payments.fee_set", _("Set the fee of %(leika)s to %(amount)s (%(policy)s)")
            ),
            AuditEvent("payments.bank_account_changed", _("Changed the bank account for fees")),
        ],
        permissions=[
            Permission("payments.manage_fees", _("Set fees and payment"), ("administrator",)),
        ],
        backoffice_sections=[
            BackofficeSection(
                "fees",
                _("Fees and payment"),
                "payments_backoffice:fee_list",
                "payments.manage_fees",
                _("Fees per service, payment policy and method, the bank account."),
                group="services",
                order=40,
            ),
        ],
        processing_activities=[
            ProcessingActivity(
                order=70,
                key="payments",
                name=_("Fees and payment"),
                purpose=_("Collecting the fees of a service."),
                data_categories=_(
                    "Amount, reference (Kassenzeichen), payment method, status of the payment; no "
                    "card "
                    "or account data (they stay with the payment provider)."
                ),
                legal_basis=_(
                    "Art. 6 (1) (c) and (e) GDPR in conjunction with the fee law of the Land."
                ),
                retention=_("Ten years (budget and tax law)."),
                recipients=_("The municipality's cash office and the payment provider (ePayBL)."),
                module="services",
            ),
        ],
        urls=[UrlMount("backoffice/gebuehren/", "revier.payments.urls_backoffice")],
    )
