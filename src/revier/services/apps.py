from django.utils.translation import gettext_lazy as _

from revier.core import kit


class ServicesConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.services"
    verbose_name = _("Online services")
