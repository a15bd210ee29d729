"""What the applications module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    AuditEvent,
    BackofficeSection,
    Contributions,
    DemoStep,
    OnlineApplication,
    PeriodicTask,
    Permission,
    PersonalDataProvider,
    ProcessingActivity,
    TaskRoute,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        audit_events=[
            AuditEvent(
                "applications.payment_after_retention",
                _(
                    "Payment %(status)s after the application's retention ended; not handed over, "
                    "to be refunded"
                ),
            ),
            AuditEvent(
                "applications.retention_set",
                _(
                    "Set the retention to %(draft_days)s/%(submitted_days)s/%(failed_days)s days, "
                    "then %(action)s"
                ),
            ),
            AuditEvent(
                "applications.retention_applied",
                _(
                    "Retention: %(drafts_deleted)s drafts deleted, %(deleted)s applications "
                    "deleted, %(anonymised)s anonymised"
                ),
            ),
            AuditEvent(
                "applications.application_viewed", _("Viewed the application with its answers")
            ),
            AuditEvent(
                "applications.receipt_downloaded", _("Downloaded the receipt of the application")
            ),
        ],
        permissions=[
            Permission(
                "applications.view_applications",
                _("Read applications received"),
                ("administrator", "case_worker"),
            ),
            Permission(
                "applications.manage_retention",
                _("Set the retention of applications"),
                ("administrator",),
            ),
        ],
        backoffice_sections=[
            BackofficeSection(
                "applications",
                _("Applications received"),
                "applications_backoffice:list",
                "applications.view_applications",
                _("Applications sent online: answers, files, receipts."),
                group="services",
                order=30,
            ),
            BackofficeSection(
                "retention",
                _("Retention of applications"),
                "applications_backoffice:retention_list",
                "applications.manage_retention",
                _("How long the applications of each form are kept."),
                group="services",
                order=60,
            ),
        ],
        processing_activities=[
            ProcessingActivity(
                order=20,
                key="applications",
                name=_("Online applications"),
                purpose=_(
                    "Receiving and processing your application for an administrative service."
                ),
                data_categories=_(
                    "The answers and documents of the form, reference number, time of submission, "
                    "e-mail address for replies."
                ),
                legal_basis=_(
                    "Art. 6 (1) (c) and (e) GDPR in conjunction with the law governing the service."
                ),
                retention=_(
                    "Drafts: deleted after 30 days without changes. Submitted applications: as "
                    "set per "
                    "form by the municipality, then deleted or anonymised."
                ),
                recipients=_("The authority responsible for the service (also via FIT-Connect)."),
                module="services",
            ),
        ],
        task_routes=[
            TaskRoute("revier.applications.tasks.apply_retention", "background"),
            TaskRoute("revier.applications.tasks.apply_retention_municipality", "background"),
        ],
        periodic_tasks=[
            PeriodicTask(
                "applications-retention",
                "revier.applications.tasks.apply_retention",
                24 * 3600.0,
            ),
        ],
        demo=[DemoStep("applications", "revier.applications.demo.load", order=40)],
        personal_data=[
            PersonalDataProvider(
                "applications",
                _("Applications"),
                export="revier.applications.personal_data.export",
                erase="revier.applications.personal_data.erase",
                municipalities="revier.applications.personal_data.municipalities",
                pdf_template="applications/personal_data_pdf.html",
                order=20,
            ),
        ],
        # The catalogue's "available online": where a published form is there to fill in.
        online_applications=[
            OnlineApplication("applications.forms", "revier.applications.selectors.start_urls")
        ],
        urls=[
            UrlMount("", "revier.applications.urls_api", site="api"),
            UrlMount("antrag/", "revier.applications.urls"),
            UrlMount("backoffice/antraege/", "revier.applications.urls_backoffice"),
        ],
    )
