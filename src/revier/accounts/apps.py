from django.utils.translation import gettext_lazy as _

from revier.core import kit


class AccountsConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.accounts"
    verbose_name = _("People and roles")
