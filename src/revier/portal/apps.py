from django.utils.translation import gettext_lazy as _

from revier.core import kit


class PortalConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.portal"
    verbose_name = _("Portal")
