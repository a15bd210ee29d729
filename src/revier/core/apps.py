from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _

from revier.core import kit


class CoreConfig(kit.ModuleConfig):
    default = True
    name = "revier.core"
    verbose_name = _("Core")


class OperatorAdminConfig(admin_apps.AdminConfig):
    """Django admin with Revier's operator site (TOTP required, scopes disabled)."""

    default = False
    default_site = "revier.core.admin_site.OperatorAdminSite"
