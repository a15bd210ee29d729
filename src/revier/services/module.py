"""What the services module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    BackofficeSection,
    Contributions,
    DemoStep,
    HomeBlock,
    Module,
    Permission,
    SearchSourceRef,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        modules=[
            Module(
                key="services",
                label=_("Online services"),
                url_name="services:list",
                description=_(
                    "Administrative services (Verwaltungsleistungen): who is "
                    "responsible, what it costs, what can be done online."
                ),
            )
        ],
        permissions=[
            # Platform-wide: held by no municipal role; operators (superusers) import it.
            Permission("services.import_catalogue", _("Import the federal catalogue"), ()),
            Permission(
                "services.manage_catalogue",
                _("Manage the local offer of services"),
                ("administrator", "case_worker"),
            ),
        ],
        backoffice_sections=[
            BackofficeSection(
                "services",
                _("Online services"),
                "services_backoffice:list",
                "services.manage_catalogue",
                _("Which services are offered here, by which office, online or not."),
                group="services",
                order=10,
            ),
        ],
        search_sources=[SearchSourceRef("services.catalogue", "revier.services.search.CATALOGUE")],
        # First on the home page: the search, the common services, the Lebenslagen (DESIGN.md).
        home_blocks=[
            HomeBlock(
                "services",
                "services/_home_block.html",
                "revier.services.selectors.home_block",
                10,
                "services",
            )
        ],
        urls=[
            UrlMount("", "revier.services.urls_api", site="api", order=10),
            UrlMount("leistungen/", "revier.services.urls"),
            UrlMount("backoffice/leistungen/", "revier.services.urls_backoffice"),
        ],
        demo=[
            DemoStep("services", "revier.services.demo.load", order=30),
        ],
    )
