from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "revier.news"
    verbose_name = _("News")

    def ready(self) -> None:
        from revier.tenancy.modules import Module, register

        register(
            Module(
                key="news",
                label=_("News"),
                url_name="news:list",
                description=_("Announcements and news from the town hall."),
            )
        )
