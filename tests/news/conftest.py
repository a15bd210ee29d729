import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope

from tests.conftest import make_staff


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert against the English source strings, whatever translations exist."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def moderator(zeitz):
    return make_staff(zeitz, "moderator", "moderator@zeitz.example")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def add_news(municipality, title="Stadtfest", *, actor=None, publish=False, publish_at=None):
    from revier.news.services import news_create

    with scope(municipality=municipality):
        return news_create(
            municipality=municipality,
            title=title,
            summary=f"Summary of {title}",
            body=f"Text of {title}",
            actor=actor,
            publish=publish,
            publish_at=publish_at,
        )


def in_days(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def reload(item):
    from revier.news.models import NewsItem

    with scope(municipality=item.municipality):
        return NewsItem.objects.filter(pk=item.pk).first()


def audit_summaries(municipality) -> list[str]:
    from revier.core.models import AuditLogEntry

    with scope(municipality=municipality):
        return list(
            AuditLogEntry.objects.filter(object_type="news.NewsItem")
            .order_by("id")
            .values_list("summary", flat=True)
        )
