"""Celery application. Queues are named by the kind of work so operators can scale them apart."""

import logging
import os

from celery import Celery, signals
from celery.beat import PersistentScheduler

from revier.core import logs, metrics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")

app = Celery("revier")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
logger = logging.getLogger(__name__)
# The request id travels with every task; the worker logs as the web does (ADR 0036), and counts
# its tasks' outcomes for /metrics (ADR 0035).
logs.connect_celery()
metrics.connect_celery()


class ModuleScheduler(PersistentScheduler):
    """Beat's scheduler with the schedule the modules declare (``revier.core.kit``), known once
    Django's apps are ready. Taken when the scheduler sets its schedule up: beat builds the
    scheduler before it sends ``beat_init`` (Celery 5.7 reads ``scheduler.max_interval`` for a
    log line first), so a schedule set in a ``beat_init`` handler came too late and beat sent
    no periodic task at all."""

    def setup_schedule(self):
        from revier.core import kit

        self.app.conf.beat_schedule = kit.periodic_tasks()
        super().setup_schedule()


@signals.worker_ready.connect
def _sweep_at_start(sender, **kwargs) -> None:
    """A worker that has just started (after a crash, say) sends the safety nets the modules
    mark ``at_worker_start`` once: what its predecessor left is taken over now."""
    from revier.core import kit

    for periodic in kit.worker_start_tasks():
        try:
            sender.app.send_task(periodic.task, kwargs=dict(periodic.kwargs))
        except Exception:  # the broker went away again: beat sends it on schedule
            logger.exception("could not send %s at worker start", periodic.task)
