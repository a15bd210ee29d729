from django.utils.translation import gettext_lazy as _

from revier.core import kit


class ApplicationsConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.applications"
    label = "applications"
    verbose_name = _("Applications")
