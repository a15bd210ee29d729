from django.utils.translation import gettext_lazy as _

from revier.core import kit


class NotificationsConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        super().ready()
        from revier.notifications.sms import load_plugins

        load_plugins()
