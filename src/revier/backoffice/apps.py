from django.utils.translation import gettext_lazy as _

from revier.core import kit


class BackofficeConfig(kit.ModuleConfig):
    name = "revier.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")
