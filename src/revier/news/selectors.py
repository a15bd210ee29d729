from django.db.models import QuerySet
from django.utils import timezone

from revier.news.models import NewsItem


def news_published() -> QuerySet[NewsItem]:
    """Published items of the active municipality, newest first."""
    return NewsItem.objects.filter(published_at__lte=timezone.now()).order_by(
        "-published_at", "-id"
    )


def news_all() -> QuerySet[NewsItem]:
    return NewsItem.objects.all().order_by("-created_at", "-id")


def home_block(request) -> dict | None:
    """The latest three news for the municipality's home page; no block without news."""
    items = list(news_published()[:3])
    return {"items": items} if items else None
