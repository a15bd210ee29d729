from django.utils.translation import gettext_lazy as _

from revier.core import kit


class CasesConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.cases"
    label = "cases"
    verbose_name = _("Case work")

    def ready(self) -> None:
        super().ready()
        from revier.cases.models import Case
        from revier.cases.services import case_intake
        from revier.cases.workflow import engine_definition_of
        from revier.core import workflow as core_workflow
        from revier.delivery.receivers import register_receiver

        # A case follows the workflow of its service (configured, or the default).
        core_workflow.register(Case, engine_definition_of)
        # Packages delivered to the own back office become cases (delivery does not know cases).
        register_receiver(case_intake)
