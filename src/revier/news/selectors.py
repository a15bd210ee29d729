from django.db.models import Q, QuerySet
from django.utils import timezone

from revier.news.models import NewsItem


def news_published() -> QuerySet[NewsItem]:
    """Published items of the active municipality, newest first."""
    return NewsItem.objects.filter(published_at__lte=timezone.now()).order_by(
        "-published_at", "-id"
    )


def news_all() -> QuerySet[NewsItem]:
    return NewsItem.objects.all().order_by("-created_at", "-id")


STATUS_FILTERS = {
    NewsItem.Status.DRAFT: Q(published_at__isnull=True, publish_at__isnull=True),
    NewsItem.Status.SCHEDULED: Q(published_at__isnull=True, publish_at__isnull=False),
    NewsItem.Status.PUBLISHED: Q(published_at__isnull=False),
}


def news_for_backoffice(*, status: str = "", q: str = "") -> QuerySet[NewsItem]:
    """Every item of the active municipality for the back office, newest first; ``status``
    one of ``NewsItem.Status``, ``q`` part of the title or summary."""
    qs = news_all().select_related("author")
    if status:
        qs = qs.filter(STATUS_FILTERS[status])
    if q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(summary__icontains=q.strip()))
    return qs


def home_block(request) -> dict | None:
    """The latest three news for the municipality's home page; no block without news."""
    items = list(news_published()[:3])
    return {"items": items} if items else None
