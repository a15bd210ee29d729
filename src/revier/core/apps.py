from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "revier.core"
    verbose_name = _("Core")


class OperatorAdminConfig(admin_apps.AdminConfig):
    """Django admin with Revier's operator site (TOTP required, scopes disabled)."""

    default = False
    default_site = "revier.core.admin_site.OperatorAdminSite"
