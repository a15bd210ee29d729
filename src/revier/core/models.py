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
    # What happened, as a code a module declares (kit.AuditEvent) and its parameters, so the
    # entry reads in the reader's language. Entries from before the codes keep their English
    # ``summary``; new ones store it too (plain text for exports and searches).
    event = models.CharField(_("event"), max_length=64, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
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

    @property
    def message(self) -> str:
        """The entry in the active language: its event's message, else the stored summary."""
        from revier.core.audit import event_message

        return event_message(self.event, self.params) or self.summary


class PlatformImportRunManager(models.Manager):
    """The runs that belong to no municipality (the federal catalogue): no scope needed, and no
    municipality's run is ever among them."""

    def get_queryset(self):
        return super().get_queryset().filter(municipality__isnull=True)


class ImportRun(models.Model):
    """One import of one file by one importer (``revier.core.imports``): status, counts,
    progress, who and when. Municipal runs are tenant data (the default manager is scoped);
    runs of platform-wide data have no municipality and are read through ``platform``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        PARTLY_SUCCEEDED = "partly_succeeded", _("partly succeeded")
        FAILED = "failed", _("failed")

    FINISHED = (Status.SUCCEEDED, Status.PARTLY_SUCCEEDED, Status.FAILED)

    municipality = models.ForeignKey(
        "tenancy.Municipality",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("municipality"),
        editable=False,
    )
    importer = models.CharField(_("importer"), max_length=100)
    source_name = models.CharField(_("file name"), max_length=255, blank=True)
    # The uploaded file, kept in the database like other uploads (ADR 0013): never served as
    # media, read by the worker that executes the run.
    source = models.BinaryField(_("file"), editable=False)
    source_size = models.PositiveBigIntegerField(_("file size"), default=0)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("records in the file"), null=True, blank=True)
    processed = models.PositiveIntegerField(_("records processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    refused_count = models.PositiveIntegerField(_("refused"), default=0)
    # All problems found; only the first MAX_PROBLEMS are stored as ImportProblem rows.
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    # The page that shows what was imported: a URL name of the municipality's URLs (reversed when
    # the page is shown, with the request's prefix) and the object's id, if any.
    result_url_name = models.CharField(_("result page"), max_length=200, blank=True)
    result_object_id = models.CharField(_("result object"), max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    # Kept when the account is deleted, so the run still says who started it.
    started_by_email = models.EmailField(_("started by (e-mail)"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ScopedManager(municipality="municipality")
    platform = PlatformImportRunManager()

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "importer", "-created_at"], name="core_import_run")
        ]

    def __str__(self) -> str:
        return f"{self.importer} {self.source_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.is_finished else None
        return min(100, round(100 * self.processed / self.total))


class ImportProblem(models.Model):
    """A refused record or a reason a file was refused, with where it is in the file.

    Only read through its run (``revier.core.imports.selectors``), whose manager decides who
    may see it.
    """

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="problems", verbose_name=_("run")
    )
    position = models.PositiveIntegerField(_("position"))
    location = models.CharField(_("location"), max_length=500, blank=True)
    record_key = models.CharField(_("record"), max_length=200, blank=True)
    message = models.TextField(_("message"))

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="core_import_problem_pos")
        ]

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


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


class OutboxMessage(models.Model):
    """A task to hand to the broker once the transaction that wrote this row commits.

    Written by ``revier.core.outbox.enqueue`` in the caller's transaction, so the work exists
    exactly when the data it is about does; handed to Celery on commit, and by the periodic
    sweeper when that did not happen (broker down, process killed). Not tenant-owned: the
    sweeper reads across municipalities, and the rows hold only a task name and its arguments
    (ADR 0030). ``municipality`` says whom the work is for, where it is for one.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    municipality = models.ForeignKey(
        "tenancy.Municipality",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Hand-overs tried (at commit and by the sweeper); the last one's error, if it failed.
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # What the sweeper looks for: only rows not yet handed over (a small index).
            models.Index(
                fields=["created_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="core_outbox_waiting",
            ),
            models.Index(
                fields=["dispatched_at"],
                condition=models.Q(dispatched_at__isnull=False),
                name="core_outbox_dispatched",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


class IdempotentRequest(TenantOwnedModel):
    """An API client's ``Idempotency-Key`` for one kind of request (``scope``): a repeated
    request returns the first answer (``revier.core.idempotency``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=50)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "user", "scope", "key"], name="core_idempotent_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
