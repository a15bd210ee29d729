"""What the news module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    Contributions,
    DemoStep,
    HomeBlock,
    Module,
    Permission,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        modules=[
            Module(
                key="news",
                label=_("News"),
                url_name="news:list",
                description=_("Announcements and news from the town hall."),
            )
        ],
        permissions=[
            Permission(
                "news.manage_news", _("Write and publish news"), ("administrator", "moderator")
            )
        ],
        urls=[
            UrlMount("aktuelles/", "revier.news.urls"),
            UrlMount("", "revier.news.urls_api", site="api"),
        ],
        demo=[
            DemoStep("news", "revier.news.demo.load", order=20),
        ],
        home_blocks=[
            HomeBlock(
                "news", "news/_home_block.html", "revier.news.selectors.home_block", 50, "news"
            ),
        ],
    )
