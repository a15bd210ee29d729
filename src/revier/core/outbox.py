"""The transactional outbox: work that must happen after a commit, never lost and never
dependent on the broker being up at that moment (ADR 0030).

Instead of queuing a task with ``transaction.on_commit`` and ``task.delay``, a service writes::

    from revier.core import outbox

    outbox.enqueue(deliver_package, municipality_id=m.pk, delivery_id=d.pk)

``enqueue`` inserts an :class:`~revier.core.models.OutboxMessage` row (task name, arguments,
municipality) in the caller's transaction: it commits with the data the work is about, or not at
all. When the transaction commits, the message is handed to Celery and the row is marked
``dispatched_at``. If that fails (the broker is down, the process is killed between commit and
hand-over), the caller still gets its answer — its data is committed — and the periodic
:func:`sweep` hands the row over later. Outside a transaction (autocommit) the row is written and
handed over at once.

Guarantees, and what they ask of a task:

- **At least once.** A task may run more than once: a sweep may hand over a row whose hand-over
  at commit succeeded but could not be marked (database gone at that moment), and with
  ``acks_late`` + ``task_reject_on_worker_lost`` a task whose worker died runs again. Every task
  enqueued here must be idempotent (a delivery claims its row; see ``delivery_run``).
- **Arguments are JSON** (the tasks' serializer): ids and plain values, never model instances.
- In the embedded default (no broker, ``task_always_eager``) the task runs in-process when the
  transaction commits, as before; the row is marked handed over before it runs, so a task that
  fails there fails like one in a worker (its own retries apply), and is not run again by a sweep.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django_scopes import get_scope

from revier.core.models import OutboxMessage

logger = logging.getLogger(__name__)

# Rows handed over per sweep transaction, and transactions per sweep: a sweep stays bounded.
SWEEP_BATCH = 200
SWEEP_MAX_BATCHES = 25
PRUNE_BATCH = 5000


def _task_name(task) -> str:
    return task if isinstance(task, str) else task.name


def _municipality_id(kwargs: dict) -> int | None:
    """Whom the work is for: the task's ``municipality_id``, else the active scope's."""
    value = kwargs.get("municipality_id")
    if value is None:
        active = get_scope().get("municipality")
        value = getattr(active, "pk", active)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Record ``task(*args, **kwargs)`` in the current transaction; hand it to Celery on commit.

    ``task`` is a Celery task or its registered name. Returns the row (its ``pk`` identifies the
    message in logs)."""
    name = _task_name(task)
    message = OutboxMessage.objects.create(
        task=name, args=list(args), kwargs=kwargs, municipality_id=_municipality_id(kwargs)
    )
    transaction.on_commit(partial(_dispatch_committed, message))
    return message


def _eager(app) -> bool:
    return bool(app.conf.task_always_eager)


def _publish(message: OutboxMessage) -> None:
    """Hand one message to Celery: to the broker, or run it here in the embedded default."""
    app = current_app
    if _eager(app):
        app.tasks[message.task].apply_async(args=message.args, kwargs=message.kwargs)
    else:
        app.send_task(message.task, args=message.args, kwargs=message.kwargs)


def _mark(pk: int, *, dispatched: bool, error: str = "") -> None:
    fields = {"attempts": F("attempts") + 1, "last_error": error[:2000]}
    if dispatched:
        fields["dispatched_at"] = timezone.now()
    OutboxMessage.objects.filter(pk=pk).update(**fields)


def _dispatch_committed(message: OutboxMessage) -> None:
    """The on-commit hand-over. Never raises for the broker's or the database's sake: the
    caller's data is committed, and what is not handed over now is the sweeper's."""
    if _eager(current_app):
        # In-process: mark first, then run; the task's own failure is its own (see module doc).
        try:
            _mark(message.pk, dispatched=True)
        except DatabaseError:
            logger.exception("outbox %s: could not mark as handed over", message.pk)
        _publish(message)
        return
    try:
        _publish(message)
    except Exception as exc:
        logger.warning(
            "outbox %s (%s): broker unavailable at commit, left to the sweeper: %s",
            message.pk,
            message.task,
            exc,
        )
        try:
            _mark(message.pk, dispatched=False, error=f"{type(exc).__name__}: {exc}")
        except DatabaseError:
            logger.exception("outbox %s: could not record the failed hand-over", message.pk)
        return
    try:
        _mark(message.pk, dispatched=True)
    except DatabaseError:
        # Handed over but not marked: the sweeper hands it over again (tasks are idempotent).
        logger.exception("outbox %s: handed over, but could not be marked", message.pk)


def waiting(*, older_than: timedelta | None = None):
    """Rows not handed over yet (older than ``older_than``: younger ones are in flight)."""
    qs = OutboxMessage.objects.filter(dispatched_at__isnull=True)
    if older_than is not None:
        qs = qs.filter(created_at__lte=timezone.now() - older_than)
    return qs


def sweep(*, grace: timedelta | None = None, keep: timedelta | None = None) -> dict[str, int]:
    """Hand over every row that was not handed over at commit (oldest first), then delete rows
    handed over longer ago than ``keep``. Stops at the first failed hand-over (the broker is
    down: the next run tries again). Rows are locked while handed over (``SKIP LOCKED`` on
    PostgreSQL), so two sweeps running at once do not both hand over the same row."""
    if grace is None:
        grace = timedelta(seconds=settings.REVIER_OUTBOX_GRACE_SECONDS)
    if keep is None:
        keep = timedelta(seconds=settings.REVIER_OUTBOX_KEEP_SECONDS)
    counts = {"dispatched": 0, "failed": 0, "pruned": 0}
    broker_down = False
    for _batch in range(SWEEP_MAX_BATCHES):
        with transaction.atomic():
            rows = list(
                waiting(older_than=grace)
                .select_for_update(skip_locked=True)
                .order_by("created_at", "pk")[:SWEEP_BATCH]
            )
            for row in rows:
                try:
                    _publish(row)
                except Exception as exc:
                    if _eager(current_app):
                        # The task itself failed in-process: handed over all the same.
                        logger.exception("outbox %s (%s) failed in-process", row.pk, row.task)
                        _mark(row.pk, dispatched=True, error=f"{type(exc).__name__}: {exc}")
                        continue
                    logger.warning("outbox sweep: broker unavailable: %s", exc)
                    _mark(row.pk, dispatched=False, error=f"{type(exc).__name__}: {exc}")
                    counts["failed"] += 1
                    broker_down = True
                    break
                _mark(row.pk, dispatched=True)
                counts["dispatched"] += 1
        if broker_down or len(rows) < SWEEP_BATCH:
            break
    cutoff = timezone.now() - keep
    old = OutboxMessage.objects.filter(dispatched_at__lt=cutoff).order_by("pk")
    ids = list(old.values_list("pk", flat=True)[:PRUNE_BATCH])
    if ids:
        counts["pruned"] = OutboxMessage.objects.filter(pk__in=ids).delete()[0]
    if counts["dispatched"] or counts["failed"]:
        logger.info("outbox sweep: %(dispatched)d handed over, %(failed)d failed", counts)
    return counts
