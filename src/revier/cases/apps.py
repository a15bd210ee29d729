from django.utils.translation import gettext_lazy as _

from revier.core import kit


class CasesConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.cases"
    label = "cases"
    verbose_name = _("Case work")

    def ready(self) -> None:
        super().ready()
        # Packages delivered to the own back office become cases (delivery does not know cases).
        from revier.cases.services import case_intake
        from revier.delivery.receivers import register_receiver

        register_receiver(case_intake)
