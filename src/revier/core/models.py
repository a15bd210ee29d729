"""Building blocks every domain app uses: the tenant-owned base model, the audit log and the
search index."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class TenantOwnedModel(models.Model):
    """Base for every table that belongs to one municipality.

    The default manager is scoped (django-scopes): a query made while no municipality is active
    raises ``ScopeError`` instead of silently returning the rows of every tenant (fail-closed).
    Put ``municipality`` first into unique constraints of subclasses, so that the data can later
    be distributed by municipality.
    """

    municipality = models.ForeignKey(
        "tenancy.Municipality",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("municipality"),
        editable=False,
    )

    objects = ScopedManager(municipality="municipality")

    class Meta:
        abstract = True


class AuditLogEntry(TenantOwnedModel):
    """Who did what to which personal data, when, in which municipality.

    Written by ``revier.core.audit.audit_log`` from services and views, never from signals.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        DENIED = "denied", _("access denied")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Kept when the actor's account is deleted, so the entry still says who it was.
    actor_email = models.EmailField(_("actor e-mail"), blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "-created_at"], name="core_audit_muni_time")
        ]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_repr}"
        )


class SearchDocument(models.Model):
    """One searchable document of a registered search source (``revier.core.search``).

    Written by the search index only, never by hand: ``core.search.index()`` builds it from the
    source's objects. ``municipality`` empty means the document is global (visible in every
    municipality's search); otherwise only that municipality's searches find it. Not a
    ``TenantOwnedModel`` because global documents have no municipality; the query engine
    filters by municipality itself. On SQLite an FTS5 table ``core_searchdocument_fts``
    (rowid = id) holds the text; on PostgreSQL ``search_vector`` and ``search_text`` carry GIN
    indexes (see migration).
    """

    source = models.CharField(max_length=64)
    key = models.CharField(max_length=200)
    municipality = models.ForeignKey(
        "tenancy.Municipality", null=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=8, default="de")
    title = models.TextField()
    keywords = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # Normalised title, keywords and summary: substring, trigram and vocabulary matching.
    search_text = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="core_searchdoc_source_key")
        ]
        indexes = [
            models.Index(fields=["source", "municipality"], name="core_searchdoc_source_muni")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.key}"
