from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "revier.services"
    verbose_name = _("Online services")

    def ready(self) -> None:
        # Registers the importer "services.catalogue" (revier.core.imports).
        import revier.services.importers  # noqa: F401
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
        # Import runs of every importer the person may use (the page lists only those).
        register_section(
            Section(
                "imports",
                _("Imports"),
                "imports_backoffice:list",
                "accounts.access_backoffice",
                _("Upload files to import and follow each import: progress, counts, problems."),
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
