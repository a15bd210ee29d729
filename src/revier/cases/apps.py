from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "revier.cases"
    label = "cases"
    verbose_name = _("Case work")

    def ready(self) -> None:
        from revier.accounts.views_backoffice import Section, register_section
        from revier.cases.models import Case
        from revier.cases.workflow import engine_definition_of
        from revier.core import workflow as core_workflow

        # A case follows the workflow of its service (configured, or the default).
        core_workflow.register(Case, engine_definition_of)

        register_section(
            Section(
                "cases",
                _("Cases"),
                "cases_backoffice:inbox",
                "cases.view_cases",
                _("Applications to work on: assign, answer, decide, close."),
            )
        )
        register_section(
            Section(
                "case_dashboard",
                _("Case dashboard"),
                "cases_backoffice:dashboard",
                "cases.view_dashboard",
                _("Open, overdue and closed cases per week."),
            )
        )
        register_section(
            Section(
                "case_settings",
                _("Workflows and decision templates"),
                "cases_backoffice:settings",
                "cases.manage_casework",
                _("Statuses per service, decision templates, case workers of the offices."),
            )
        )
