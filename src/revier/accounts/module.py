"""What the accounts module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    AuditEvent,
    BackofficeSection,
    Contributions,
    DemoStep,
    Permission,
    PersonalDataProvider,
    ProcessingActivity,
    Role,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        roles=[
            Role("administrator", _("administrator"), 10),
            Role("case_worker", _("case worker"), 20),
            Role("moderator", _("moderator"), 30),
            # Roles of modules to come: the description names the module (the back office's
            # overview says plainly that it is not available yet; the demo offers none of them).
            Role("hub_manager", _("hub manager"), 40, _("Digital Hub: desks, rooms and events")),
            Role("archivist", _("archivist"), 50, _("digital collection of cultural heritage")),
            Role("planner", _("planner"), 60, _("mobility and digital strategy")),
            Role("funding_officer", _("funding officer"), 70, _("funding programmes")),
        ],
        permissions=[
            Permission(
                "accounts.manage_staff", _("Invite staff and give roles"), ("administrator",)
            ),
        ],
        backoffice_sections=[
            BackofficeSection(
                "staff",
                _("Staff and roles"),
                "accounts_backoffice:staff_list",
                "accounts.manage_staff",
                _("Invite colleagues, give and take roles."),
                order=10,
            ),
        ],
        processing_activities=[
            ProcessingActivity(
                order=10,
                key="accounts",
                name=_("User account"),
                purpose=_(
                    "Providing the account, secure login, pre-filling forms, contacting you."
                ),
                data_categories=_(
                    "E-mail address, password hash, name, preferred language, optional profile "
                    "data "
                    "(date of birth, address, phone), second factor, trust level of an identity "
                    "provider, organisations you act for."
                ),
                legal_basis=_(
                    "Art. 6 (1) (e) GDPR in conjunction with the Online Access Act (OZG)."
                ),
                retention=_(
                    "Until you delete the account. You can download all your data and delete the "
                    "account yourself under “My account”."
                ),
                recipients=_(
                    "Nobody outside the administration; the platform operator on our behalf."
                ),
            ),
        ],
        personal_data=[
            PersonalDataProvider(
                "accounts",
                _("User account"),
                export="revier.accounts.personal_data.export",
                erase="revier.accounts.personal_data.erase",
                erase_blockers="revier.accounts.personal_data.erase_blockers",
                pdf_template="accounts/personal_data_pdf.html",
                order=10,
            ),
        ],
        audit_events=[
            AuditEvent("accounts.staff_listed_api", _("Listed staff through the API (%(path)s)")),
            AuditEvent("accounts.staff_list_viewed", _("Viewed page %(page)s of the staff list")),
            AuditEvent("accounts.staff_viewed", _("Viewed the staff member")),
            AuditEvent("accounts.role_granted", _("Granted the role %(role)s")),
            AuditEvent("accounts.role_revoked", _("Took away the role %(role)s")),
            AuditEvent("accounts.staff_invited", _("Invited the person as staff")),
        ],
        urls=[
            UrlMount("", "revier.accounts.urls_api", site="api"),
            UrlMount("backoffice/mitarbeitende/", "revier.accounts.urls_backoffice"),
            UrlMount("konto/", "revier.accounts.urls", order=50),
            UrlMount("konto/", "revier.accounts.urls", site="platform", order=50),
        ],
        demo=[
            DemoStep("municipalities-and-people", "revier.accounts.demo.load", order=10),
        ],
    )
