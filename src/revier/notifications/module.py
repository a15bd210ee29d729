"""What the notifications module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    AuditEvent,
    BackofficeSection,
    Contributions,
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
                "notifications.template_saved",
                _("Saved the notification template %(event)s (%(language)s)"),
            ),
            AuditEvent(
                "notifications.template_reset",
                _("Reset the notification template %(event)s (%(language)s) to the default"),
            ),
            AuditEvent("notifications.sms_gateway_removed", _("Removed the SMS gateway")),
            AuditEvent(
                "notifications.sms_gateway_on", _("Set the SMS gateway to %(plugin)s (switched on)")
            ),
            AuditEvent(
                "notifications.sms_gateway_off",
                _("Set the SMS gateway to %(plugin)s (switched off)"),
            ),
        ],
        permissions=[
            Permission(
                "notifications.manage_templates",
                _("Change notification texts and SMS"),
                ("administrator",),
            ),
            Permission(
                "notifications.view_notifications", _("See notifications sent"), ("administrator",)
            ),
        ],
        backoffice_sections=[
            BackofficeSection(
                "notifications",
                _("Notification templates"),
                "notifications_backoffice:template_list",
                "notifications.manage_templates",
                _("The e-mail and SMS texts sent to applicants, in German and English."),
                group="cases",
                order=40,
            ),
            BackofficeSection(
                "notifications_sent",
                _("Notifications sent"),
                "notifications_backoffice:sent_list",
                "notifications.view_notifications",
                _("Every e-mail and SMS sent, with its delivery status."),
                group="cases",
                order=50,
            ),
        ],
        processing_activities=[
            ProcessingActivity(
                order=40,
                key="notifications",
                name=_("Notifications"),
                purpose=_(
                    "Telling you by e-mail (and SMS, if you gave a phone number) that there is "
                    "news in "
                    "your case. The content is only shown after login."
                ),
                data_categories=_(
                    "E-mail address or phone number, event, reference number, time and delivery "
                    "status."
                ),
                legal_basis=_("Art. 6 (1) (e) GDPR."),
                retention=_("Deleted with your account, otherwise kept with the case."),
                recipients=_(
                    "The e-mail provider of the platform; for SMS the SMS gateway the "
                    "municipality has commissioned (processing on behalf, Art. 28 GDPR)."
                ),
            ),
        ],
        task_routes=[
            TaskRoute("revier.notifications.tasks.send_notification_emails", "mail"),
            TaskRoute("revier.notifications.tasks.send_notification_email", "mail"),
            TaskRoute("revier.notifications.tasks.send_notification_sms", "mail"),
        ],
        personal_data=[
            PersonalDataProvider(
                "notifications",
                _("Notifications"),
                export="revier.notifications.personal_data.export",
                erase="revier.notifications.personal_data.erase",
                municipalities="revier.notifications.personal_data.municipalities",
                pdf_template="notifications/personal_data_pdf.html",
                order=40,
            ),
        ],
        urls=[UrlMount("backoffice/benachrichtigungen/", "revier.notifications.urls_backoffice")],
    )
