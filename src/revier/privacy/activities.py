"""What Revier processes, declared once for the privacy page of every municipality.

Kept here (not in the apps) so that the wording of the privacy page is reviewed in one file.
Municipalities must check the retention periods against their own rules (Aktenordnung).
"""

from django.utils.translation import gettext_lazy as _

from revier.privacy.processing import ProcessingActivity, register

register(
    ProcessingActivity(
        key="accounts",
        name=_("User account"),
        purpose=_("Providing the account, secure login, pre-filling forms, contacting you."),
        data_categories=_(
            "E-mail address, password hash, name, preferred language, optional profile data "
            "(date of birth, address, phone), second factor, trust level of an identity "
            "provider, organisations you act for."
        ),
        legal_basis=_("Art. 6 (1) (e) GDPR in conjunction with the Online Access Act (OZG)."),
        retention=_(
            "Until you delete the account. You can download all your data and delete the "
            "account yourself under “My account”."
        ),
        recipients=_("Nobody outside the administration; the platform operator on our behalf."),
    )
)
register(
    ProcessingActivity(
        key="applications",
        name=_("Online applications"),
        purpose=_("Receiving and processing your application for an administrative service."),
        data_categories=_(
            "The answers and documents of the form, reference number, time of submission, "
            "e-mail address for replies."
        ),
        legal_basis=_(
            "Art. 6 (1) (c) and (e) GDPR in conjunction with the law governing the service."
        ),
        retention=_(
            "Drafts: deleted after 30 days without changes. Submitted applications: as set per "
            "form by the municipality, then deleted or anonymised."
        ),
        recipients=_("The authority responsible for the service (also via FIT-Connect)."),
        module="services",
    )
)
register(
    ProcessingActivity(
        key="cases",
        name=_("Case work"),
        purpose=_(
            "Processing the application as an administrative case: status, messages, requests "
            "for information, decisions, fees."
        ),
        data_categories=_(
            "Name and e-mail address of the applicant, answers and documents, messages, "
            "decisions, payments, internal notes of the staff."
        ),
        legal_basis=_(
            "Art. 6 (1) (c) and (e) GDPR in conjunction with the law governing the service and "
            "the administrative procedure act."
        ),
        retention=_(
            "Closed cases are kept as administrative records for the period set by the "
            "municipality (by default ten years), then anonymised or deleted. Deleting your "
            "account does not delete these records."
        ),
        recipients=_("Staff responsible for the case; other authorities only where a law says so."),
        module="services",
    )
)
register(
    ProcessingActivity(
        key="notifications",
        name=_("Notifications"),
        purpose=_(
            "Telling you by e-mail (and SMS, if you gave a phone number) that there is news in "
            "your case. The content is only shown after login."
        ),
        data_categories=_(
            "E-mail address or phone number, event, reference number, time and delivery status."
        ),
        legal_basis=_("Art. 6 (1) (e) GDPR."),
        retention=_("Deleted with your account, otherwise kept with the case."),
        recipients=_(
            "The e-mail provider of the platform; for SMS the SMS gateway the municipality has "
            "commissioned (processing on behalf, Art. 28 GDPR)."
        ),
    )
)
register(
    ProcessingActivity(
        key="audit_log",
        name=_("Audit log"),
        purpose=_(
            "Recording which staff member viewed or changed personal data, to protect your data "
            "and to prove lawful processing (Art. 5 (2) GDPR)."
        ),
        data_categories=_(
            "Staff member, time, action, affected record, IP address of the staff member."
        ),
        legal_basis=_("Art. 6 (1) (c) GDPR in conjunction with Art. 5 (2) and 32 GDPR."),
        retention=_("As set in the municipality's logging policy."),
        recipients=_("The data protection officer and authorised staff of the municipality."),
    )
)
register(
    ProcessingActivity(
        key="delivery",
        name=_("Transmission to the responsible authority (FIT-Connect)"),
        purpose=_(
            "Transmitting your application end-to-end encrypted to the authority responsible "
            "for it."
        ),
        data_categories=_("The complete application with its documents and the receipt."),
        legal_basis=_("Art. 6 (1) (e) GDPR in conjunction with § 3 OZG."),
        retention=_(
            "Removed from the platform as soon as it has been handed over; if it cannot be "
            "handed over, when the retention period of the application ends."
        ),
        recipients=_(
            "The responsible authority; FITKO's FIT-Connect service (only encrypted data)."
        ),
        module="services",
    )
)
register(
    ProcessingActivity(
        key="payments",
        name=_("Fees and payment"),
        purpose=_("Collecting the fees of a service."),
        data_categories=_(
            "Amount, reference (Kassenzeichen), payment method, status of the payment; no card "
            "or account data (they stay with the payment provider)."
        ),
        legal_basis=_("Art. 6 (1) (c) and (e) GDPR in conjunction with the fee law of the Land."),
        retention=_("Ten years (budget and tax law)."),
        recipients=_("The municipality's cash office and the payment provider (ePayBL)."),
        module="services",
    )
)
