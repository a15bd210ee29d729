from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from revier.news.models import NewsItem


def _unique_slug(*, title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:180] or "meldung"
    slug, n = base, 2
    qs = NewsItem.objects.all()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def news_create(
    *, municipality, title: str, summary: str, body: str, actor, publish: bool = False
) -> NewsItem:
    if actor is not None and not actor.has_perm("news.manage_news", municipality):
        raise PermissionDenied(_("You may not publish news for this municipality."))
    item = NewsItem(
        municipality=municipality,
        title=title,
        summary=summary,
        body=body,
        slug=_unique_slug(title=title),
        author=actor,
        published_at=timezone.now() if publish else None,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def news_update(*, item: NewsItem, actor, **fields) -> NewsItem:
    if not actor.has_perm("news.manage_news", item.municipality):
        raise PermissionDenied(_("You may not edit news of this municipality."))
    publish = fields.pop("publish", None)
    for key in ("title", "summary", "body"):
        if key in fields:
            setattr(item, key, fields.pop(key))
    if fields:
        raise TypeError(f"Unknown fields: {sorted(fields)}")
    if publish is True and item.published_at is None:
        item.published_at = timezone.now()
    elif publish is False:
        item.published_at = None
    item.full_clean()
    item.save()
    return item
