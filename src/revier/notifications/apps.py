from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "revier.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from revier.accounts.views_backoffice import Section, register_section
        from revier.notifications.sms import load_plugins

        load_plugins()
        register_section(
            Section(
                "notifications",
                _("Notification templates"),
                "notifications_backoffice:template_list",
                "notifications.manage_templates",
                _("The e-mail and SMS texts sent to applicants, in German and English."),
            )
        )
        register_section(
            Section(
                "notifications_sent",
                _("Notifications sent"),
                "notifications_backoffice:sent_list",
                "notifications.view_notifications",
                _("Every e-mail and SMS sent, with its delivery status."),
            )
        )
