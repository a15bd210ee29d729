from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from revier.core.models import TenantOwnedModel


class NewsItem(TenantOwnedModel):
    """An announcement of the town hall (Aktuelles): a draft, scheduled, or published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    # Set while publication is scheduled; the task ``publish_due`` moves it to ``published_at``.
    publish_at = models.DateTimeField(_("scheduled for"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        # Drafts last on every database (PostgreSQL sorts NULL first when descending).
        ordering = [models.F("published_at").desc(nulls_last=True), "-id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="news_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def status(self) -> str:
        if self.published_at is not None:
            return self.Status.PUBLISHED
        if self.publish_at is not None:
            return self.Status.SCHEDULED
        return self.Status.DRAFT

    def get_status_display(self) -> str:
        return self.Status(self.status).label
