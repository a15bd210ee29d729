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
