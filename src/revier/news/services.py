"""Writes of the news module. Views, the demo and the task all call these.

Every function is keyword-only, checks ``news.manage_news`` when a person acts (``actor=None``
is the system: the demo, the scheduled publication), validates with messages that name the field
and say what to do, and records the change in the municipality's audit log.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from revier.core.audit import audit_log
from revier.core.pagecache import public_content_changed
from revier.news.models import NewsItem

PERMISSION = "news.manage_news"
TITLE_MAX = NewsItem._meta.get_field("title").max_length
SUMMARY_MAX = NewsItem._meta.get_field("summary").max_length


def _require_permission(*, actor, municipality) -> None:
    if actor is not None and not actor.has_perm(PERMISSION, municipality):
        raise PermissionDenied(_("You may not write news for this municipality."))


def _validate_text(*, title: str, summary: str, body: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = _("Enter a title")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("The title must be %(max)s characters or fewer") % {"max": TITLE_MAX}
    if not summary.strip():
        errors["summary"] = _("Enter a summary")
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = _("The summary must be %(max)s characters or fewer") % {
            "max": SUMMARY_MAX
        }
    if not body.strip():
        errors["body"] = _("Enter the text of the news item")
    if errors:
        raise ValidationError(errors)


def _validate_schedule(publish_at: dt.datetime) -> None:
    if publish_at <= timezone.now():
        raise ValidationError({"publish_at": _("The time of publication must be in the future")})


def _unique_slug(*, title: str) -> str:
    base = slugify(title)[:180] or "meldung"
    slug, n = base, 2
    taken = NewsItem.objects.all()  # scoped: slugs are unique per municipality
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _audit(
    item: NewsItem, *, actor, action: str, summary: str, event: str, params: dict | None = None
) -> None:
    audit_log(
        municipality=item.municipality,
        actor=actor,
        action=action,
        obj=item,
        summary=summary,
        event=event,
        params=params,
    )
    # Every recorded change of a news item may change the public pages (ADR 0033).
    public_content_changed(item.municipality)


@transaction.atomic
def news_create(
    *,
    municipality,
    title: str,
    summary: str,
    body: str,
    actor,
    publish: bool = False,
    publish_at: dt.datetime | None = None,
) -> NewsItem:
    """A new news item: a draft, published now (``publish``) or scheduled (``publish_at``)."""
    _require_permission(actor=actor, municipality=municipality)
    if publish and publish_at is not None:
        raise TypeError("Either publish now or schedule, not both.")
    _validate_text(title=title, summary=summary, body=body)
    if publish_at is not None:
        _validate_schedule(publish_at)
    item = NewsItem.objects.create(
        municipality=municipality,
        title=title.strip(),
        summary=summary.strip(),
        body=body.strip(),
        slug=_unique_slug(title=title),
        author=actor,
        published_at=timezone.now() if publish else None,
        publish_at=publish_at,
    )
    _audit(
        item,
        actor=actor,
        action="create",
        summary=f"news item created ({item.status})",
        event="news.created",
    )
    return item


@transaction.atomic
def news_update(*, item: NewsItem, actor, title: str, summary: str, body: str) -> NewsItem:
    """New wording; the address (slug) and the publication stay as they are."""
    _require_permission(actor=actor, municipality=item.municipality)
    _validate_text(title=title, summary=summary, body=body)
    item.title, item.summary, item.body = title.strip(), summary.strip(), body.strip()
    item.save(update_fields=["title", "summary", "body", "updated_at"])
    _audit(item, actor=actor, action="change", summary="news item changed", event="news.changed")
    return item


@transaction.atomic
def news_publish(*, item: NewsItem, actor, publish_at: dt.datetime | None = None) -> NewsItem:
    """Publish now, or at ``publish_at`` (then the task ``publish_due`` publishes it)."""
    _require_permission(actor=actor, municipality=item.municipality)
    if item.is_published:
        raise ValidationError(_("This news item is already published."))
    if publish_at is None:
        item.published_at, item.publish_at = timezone.now(), None
        summary, event = "news item published", "news.published"
    else:
        _validate_schedule(publish_at)
        item.publish_at = publish_at
        summary, event = f"news item scheduled for {publish_at.isoformat()}", "news.scheduled"
    item.save(update_fields=["published_at", "publish_at", "updated_at"])
    _audit(item, actor=actor, action="change", summary=summary, event=event)
    return item


@transaction.atomic
def news_unpublish(*, item: NewsItem, actor) -> NewsItem:
    """Back to a draft: off the website and the API, a schedule cancelled."""
    _require_permission(actor=actor, municipality=item.municipality)
    if item.status == NewsItem.Status.DRAFT:
        raise ValidationError(_("This news item is a draft already."))
    item.published_at = item.publish_at = None
    item.save(update_fields=["published_at", "publish_at", "updated_at"])
    _audit(
        item,
        actor=actor,
        action="change",
        summary="news item unpublished",
        event="news.unpublished",
    )
    return item


@transaction.atomic
def news_delete(*, item: NewsItem, actor) -> None:
    _require_permission(actor=actor, municipality=item.municipality)
    # Recorded first: afterwards the object has no primary key to name.
    _audit(item, actor=actor, action="delete", summary="news item deleted", event="news.deleted")
    item.delete()


def news_publish_due(*, municipality, now: dt.datetime | None = None) -> int:
    """Publish the municipality's scheduled items whose time has come; returns how many.

    Each item is published by a conditional UPDATE, so two workers running at once publish it
    once. It is dated at its scheduled time, not at the task's run.
    """
    now = now or timezone.now()
    due = NewsItem.objects.filter(
        municipality=municipality, published_at__isnull=True, publish_at__lte=now
    ).order_by("publish_at", "pk")
    published = 0
    for item in due:
        with transaction.atomic():
            won = NewsItem.objects.filter(
                pk=item.pk, published_at__isnull=True, publish_at=item.publish_at
            ).update(published_at=item.publish_at, publish_at=None, updated_at=now)
            if won:
                _audit(
                    item,
                    actor=None,
                    action="change",
                    summary="news item published as scheduled",
                    event="news.published_as_scheduled",
                )
                published += 1
    return published
