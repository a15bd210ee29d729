from django.utils.translation import gettext_lazy as _

from revier.core import kit


class PrivacyConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.privacy"
    label = "privacy"
    verbose_name = _("Data protection")
