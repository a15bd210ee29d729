"""What the cases module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    AuditEvent,
    BackofficeSection,
    Contributions,
    DemoStep,
    NotificationEvent,
    Permission,
    PersonalDataProvider,
    ProcessingActivity,
    UrlMount,
)

CASE_WORKERS = ("administrator", "case_worker")


def contributions() -> Contributions:
    from revier.notifications.events import default_body

    return Contributions(
        permissions=[
            Permission("cases.view_cases", _("Work on cases"), CASE_WORKERS),
            Permission("cases.view_dashboard", _("See the case dashboard"), CASE_WORKERS),
            Permission(
                "cases.manage_casework",
                _("Set workflows, decision templates and the offices' case workers"),
                ("administrator",),
            ),
        ],
        backoffice_sections=[
            BackofficeSection(
                "cases",
                _("Cases"),
                "cases_backoffice:inbox",
                "cases.view_cases",
                _("Applications to work on: assign, answer, decide, close."),
                group="cases",
                order=10,
            ),
            BackofficeSection(
                "case_dashboard",
                _("Case dashboard"),
                "cases_backoffice:dashboard",
                "cases.view_dashboard",
                _("Open, overdue and closed cases per week."),
                group="cases",
                order=20,
            ),
            BackofficeSection(
                "case_settings",
                _("Workflows and decision templates"),
                "cases_backoffice:settings",
                "cases.manage_casework",
                _("Statuses per service, decision templates, case workers of the offices."),
                group="cases",
                order=30,
            ),
        ],
        notification_events=[
            NotificationEvent(
                "case_status",
                _("Status changed"),
                _("New status of your application {reference}"),
                default_body(
                    _(
                        "The status of your application for “{service}” ({reference}) has changed "
                        "to: {status}."
                    )
                ),
                _("{municipality}: new status of your application {reference}: {status}. {link}"),
            ),
            NotificationEvent(
                "case_message",
                _("New message"),
                _("New message about your application {reference}"),
                default_body(
                    _(
                        "There is a new message from {municipality} about your application for "
                        "“{service}” ({reference})."
                    )
                ),
                _("{municipality}: new message about your application {reference}. {link}"),
            ),
            NotificationEvent(
                "case_information_requested",
                _("Information requested"),
                _("Information needed for your application {reference}"),
                default_body(
                    _(
                        "{municipality} needs further information or documents from you for your "
                        "application for “{service}” ({reference})."
                    )
                ),
                _("{municipality}: information needed for your application {reference}. {link}"),
            ),
            NotificationEvent(
                "case_decided",
                _("Decision available"),
                _("Decision on your application {reference}"),
                default_body(
                    _(
                        "A decision on your application for “{service}” ({reference}) is available "
                        "in your account."
                    )
                ),
                _(
                    "{municipality}: a decision on your application {reference} is available. "
                    "{link}"
                ),
            ),
            NotificationEvent(
                "case_reply",
                _("Reply from the applicant (to staff)"),
                _("Reply received for case {reference}"),
                default_body(_("The applicant has replied in case {reference} (“{service}”).")),
                _("Reply received for case {reference}. {link}"),
            ),
        ],
        processing_activities=[
            ProcessingActivity(
                order=30,
                key="cases",
                name=_("Case work"),
                purpose=_(
                    "Processing the application as an administrative case: status, messages, "
                    "requests for information, decisions, fees."
                ),
                data_categories=_(
                    "Name and e-mail address of the applicant, answers and documents, messages, "
                    "decisions, payments, internal notes of the staff."
                ),
                legal_basis=_(
                    "Art. 6 (1) (c) and (e) GDPR in conjunction with the law governing the "
                    "service and the administrative procedure act."
                ),
                retention=_(
                    "Closed cases are kept as administrative records for the period set by the "
                    "municipality (by default ten years), then anonymised or deleted. Deleting "
                    "your account does not delete these records."
                ),
                recipients=_(
                    "Staff responsible for the case; other authorities only where a law says so."
                ),
                module="services",
            ),
        ],
        demo=[DemoStep("cases", "revier.cases.demo.load", order=50)],
        personal_data=[
            PersonalDataProvider(
                "cases",
                _("Cases"),
                export="revier.cases.personal_data.export",
                erase="revier.cases.personal_data.erase",
                municipalities="revier.cases.personal_data.municipalities",
                pdf_template="cases/personal_data_pdf.html",
                order=30,
            ),
        ],
        audit_events=[
            AuditEvent("cases.listed_api", _("Listed cases through the API (%(path)s)")),
            AuditEvent("cases.read_api", _("Read the case through the API")),
            AuditEvent("cases.workflow_saved", _("Saved the workflow for %(leika)s")),
            AuditEvent("cases.default_workflow_saved", _("Saved the default workflow")),
            AuditEvent("cases.workflow_removed", _("Removed the workflow")),
            AuditEvent("cases.decision_template_saved", _("Saved the decision template")),
            AuditEvent(
                "cases.office_case_workers_set", _("Set the office's case workers: %(count)s")
            ),
            AuditEvent("cases.decision_written", _("Wrote the decision (%(result)s)")),
            AuditEvent("cases.intake_retried", _("Retried the case intake")),
            AuditEvent("cases.payment_recorded", _("Recorded a payment of %(amount)s EUR")),
            AuditEvent("cases.inbox_viewed", _("Viewed page %(page)s of the case inbox")),
            AuditEvent("cases.case_viewed", _("Viewed the case with its answers")),
            AuditEvent("cases.document_downloaded", _("Downloaded the document %(filename)s")),
            AuditEvent("cases.status_changed", _("Changed the status from “%(from)s” to “%(to)s”")),
            AuditEvent(
                "cases.status_changed_bulk",
                _("Changed the status from “%(from)s” to “%(to)s” (several cases at once)"),
            ),
            AuditEvent(
                "cases.bulk_refused",
                _("Refused: the cases %(ids)s are not this person's to change"),
            ),
            AuditEvent("cases.assigned", _("Assigned the case to %(person)s")),
            AuditEvent("cases.unassigned", _("Removed the case's assignment")),
            AuditEvent("cases.access_refused", _("Refused: the case belongs to another office")),
            AuditEvent("cases.message_sent", _("Wrote to the applicant")),
            AuditEvent(
                "cases.information_requested",
                _("Requested information or documents from the applicant"),
            ),
        ],
        urls=[
            UrlMount("konto/", "revier.cases.urls_account", order=60),
            UrlMount("backoffice/vorgaenge/", "revier.cases.urls_backoffice"),
            UrlMount("", "revier.cases.urls_api_me", site="api", order=20),
            UrlMount("", "revier.cases.urls_api_staff", site="api", order=30),
        ],
    )
