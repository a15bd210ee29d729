"""The news module's part of a person's data export and erasure (``PersonalDataProvider`` in
``module.py``).

News items belong to a municipality each while the person's account is platform-wide, so these
functions read and write across municipalities with ``scopes_disabled()``, narrowly, and every
query is filtered by the person (``author``) explicitly.
"""

from collections.abc import Iterable

from django_scopes import scopes_disabled

from revier.news.models import NewsItem


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(*, user) -> dict:
    """The news items the person wrote, grouped by municipality."""
    by_municipality: dict[str, list[dict]] = {}
    with scopes_disabled():
        items = (
            NewsItem.objects.filter(author=user)
            .select_related("municipality")
            .order_by("municipality__name", "created_at", "id")
        )
        for item in items:
            by_municipality.setdefault(item.municipality.name, []).append(
                {
                    "title": item.title,
                    "status": item.status,
                    "created": _iso(item.created_at),
                    "published": _iso(item.published_at),
                    "scheduled_for": _iso(item.publish_at),
                }
            )
    return {"news_authored": by_municipality}


def municipalities(*, user) -> Iterable[int]:
    """The municipalities holding news the person wrote (each audits the export and erasure)."""
    with scopes_disabled():
        return set(NewsItem.objects.filter(author=user).values_list("municipality_id", flat=True))


def erase(*, user) -> dict[str, int]:
    """The news stay (they are the municipality's publications); the author is forgotten.
    Nothing is reported for people who wrote none (residents)."""
    with scopes_disabled():
        count = NewsItem.objects.filter(author=user).update(author=None)
    return {"news_authored": count} if count else {}
