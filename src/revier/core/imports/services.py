"""Writes of import runs: create (with the uploaded file), enqueue, execute."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revier.core import outbox
from revier.core.imports import (
    ImportFailed,
    ImportSource,
    Problem,
    Reporter,
    get_importer,
    progress_cache_key,
)
from revier.core.models import ImportProblem, ImportRun

logger = logging.getLogger(__name__)


class _RollBack(Exception):
    """Leaves the import's transaction without keeping anything (atomic importer, problems)."""


def import_run_create(
    *,
    importer: str,
    data: bytes,
    source_name: str,
    municipality=None,
    actor=None,
    options: dict | None = None,
) -> ImportRun:
    """Store a queued run with its file. ``actor`` None: the operator's command line.

    Raises ``PermissionDenied`` when ``actor`` may not use the importer there and
    ``ValidationError`` (at the field "file") for a file of the wrong type or size.
    """
    spec = get_importer(importer)
    if spec.platform and municipality is not None:
        raise ValueError(f"The importer {importer!r} imports platform-wide data, not a town's.")
    if not spec.platform and municipality is None:
        raise ValueError(f"The importer {importer!r} needs a municipality.")
    if actor is not None and not actor.has_perm(spec.permission, municipality):
        raise PermissionDenied(_("You may not use this import."))
    if not spec.accepts(source_name):
        raise ValidationError(
            {
                "file": _("This import takes files of the types %(types)s.")
                % {"types": ", ".join(spec.file_types)}
            }
        )
    limit = spec.byte_limit()
    if len(data) > limit:
        raise ValidationError(
            {
                "file": _("The file has %(size)d bytes; at most %(limit)d bytes are accepted.")
                % {"size": len(data), "limit": limit}
            }
        )
    return ImportRun.objects.create(
        municipality=municipality,
        importer=spec.key,
        source_name=source_name[:255],
        source=data,
        source_size=len(data),
        options=options or {},
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        started_by_email=getattr(actor, "email", "") or "",
    )


def import_run_enqueue(*, run: ImportRun) -> None:
    """Hand the run to the ``background`` queue once the current transaction is committed (in
    the embedded default the task runs at once, in this process)."""
    from revier.core.tasks import import_run_task

    run_id, municipality_id = run.pk, run.municipality_id
    # The Celery app's own setting (the test suite and the embedded default switch it on).
    if import_run_task.app.conf.task_always_eager:
        # In-process: the run is executed now, in this connection, so the caller's answer
        # (the upload's page) already shows the finished run.
        import_run_task.apply(kwargs={"run_id": run_id, "municipality_id": municipality_id})
        return
    outbox.enqueue(import_run_task, run_id=run_id, municipality_id=municipality_id)


def _load(run_id: int, municipality_id: int | None) -> ImportRun:
    if municipality_id is None:
        return ImportRun.platform.select_related("started_by").get(pk=run_id)
    return (
        ImportRun.objects.with_scope(municipality=municipality_id)
        .select_related("municipality", "started_by")
        .get(pk=run_id)
    )


def import_run_execute(
    *,
    run_id: int,
    municipality_id: int | None,
    on_progress: Callable[[int, int | None], None] | None = None,
    reraise: bool = False,
) -> ImportRun:
    """Execute a queued run (the body of the Celery task; the commands call it directly).

    The importer works inside one transaction. An atomic importer that raised or refused
    anything is rolled back: the run fails and lists every problem. A record-oriented importer
    keeps its good records; refused ones are listed and the run is "partly succeeded" (or
    "failed" when nothing was taken). An unexpected error rolls back and fails the run.
    The caller opens no scope: a municipal run is executed in its municipality's scope, a
    platform run without one. ``reraise``: after recording the failed run, raise an unexpected
    error again (the command line shows its traceback; the task only logs it).
    """
    from django_scopes import scope

    run = _load(run_id, municipality_id)
    if run.status != ImportRun.Status.QUEUED:
        # A task delivered twice (acks_late after a worker crash) must not import twice.
        logger.warning("Import run %s is %s, not queued; not executed again.", run.pk, run.status)
        return run
    spec = get_importer(run.importer)
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])

    report = Reporter(run_id=run.pk, on_progress=on_progress)
    source = ImportSource(
        data=bytes(run.source),
        name=run.source_name,
        options=run.options,
        municipality=run.municipality,
        actor=run.started_by,
        run_id=run.pk,
    )
    atomic = spec.atomic or bool(run.options.get("all_or_nothing"))
    failed = False
    rolled_back = False
    unexpected: Exception | None = None
    try:
        if run.municipality is not None:
            with scope(municipality=run.municipality), transaction.atomic():
                _process(spec, source, report, atomic=atomic)
        else:
            with transaction.atomic():
                _process(spec, source, report, atomic=atomic)
    except _RollBack:
        failed = rolled_back = True
    except ImportFailed as exc:
        failed = rolled_back = True
        for problem in exc.problems:
            report.add_problem(problem)
    except Exception as exc:  # any error must end the run as failed, never leave it running
        logger.exception("Import run %s failed.", run.pk)
        failed = rolled_back = True
        unexpected = exc
        report.add_problem(
            Problem(
                location="",
                message=_("The import stopped with an internal error (%(error)s).")
                % {"error": type(exc).__name__},
            )
        )

    taken = report.created + report.changed + report.unchanged
    if failed or (report.refused and not taken):
        status = ImportRun.Status.FAILED
    elif report.refused:
        status = ImportRun.Status.PARTLY_SUCCEEDED
    else:
        status = ImportRun.Status.SUCCEEDED
    if rolled_back:
        # Nothing was written: the counts of written records would not be true.
        report.created = report.changed = report.unchanged = 0
        report.result_url_name = report.result_object_id = ""
        report.summary = _("The file was refused; nothing was imported.")
    with transaction.atomic():
        ImportProblem.objects.bulk_create(
            ImportProblem(
                run=run,
                position=n,
                location=p.location[:500],
                record_key=p.key[:200],
                message=p.message,
            )
            for n, p in enumerate(report.problems, start=1)
        )
        run.status = status
        run.total = report.total
        # A finished run has processed everything it read, even if the importer reported
        # progress coarsely; a failed one stopped where it stopped.
        done = report.total if report.total is not None and not failed else report.processed
        run.processed = done
        run.created_count = report.created
        run.changed_count = report.changed
        run.unchanged_count = report.unchanged
        run.refused_count = report.refused
        run.problem_count = report.problem_count
        run.summary = report.summary[:500]
        run.result_url_name = report.result_url_name[:200]
        run.result_object_id = report.result_object_id[:64]
        run.finished_at = timezone.now()
        run.save()
    cache.delete(progress_cache_key(run.pk))
    if unexpected is not None and reraise:
        raise unexpected
    return run


def _process(spec, source: ImportSource, report: Reporter, *, atomic: bool) -> None:
    spec.process(source, report)
    if atomic and report.problem_count:
        raise _RollBack
