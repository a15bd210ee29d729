from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "revier.services"
    verbose_name = _("Online services")

    def ready(self) -> None:
        from revier.core import search
        from revier.services.search import CATALOGUE

        search.register(CATALOGUE)

        from revier.accounts.views_backoffice import Section, register_section

        register_section(
            Section(
                "services",
                _("Online services"),
                "services_backoffice:list",
                "services.manage_catalogue",
                _("Which services are offered here, by which office, online or not."),
            )
        )
        from revier.tenancy.modules import Module, register

        register(
            Module(
                key="services",
                label=_("Online services"),
                url_name="services:list",
                description=_(
                    "Administrative services (Verwaltungsleistungen): who is "
                    "responsible, what it costs, what can be done online."
                ),
            )
        )
