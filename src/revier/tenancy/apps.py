from django.utils.translation import gettext_lazy as _

from revier.core import kit


class TenancyConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.tenancy"
    verbose_name = _("Municipalities")
