from django.utils.translation import gettext_lazy as _

from revier.core import kit


class NewsConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.news"
    verbose_name = _("News")
