"""Celery application. Queues are named by the kind of work so operators can scale them apart."""

import os

from celery import Celery, signals

from revier.core import logs, metrics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")

app = Celery("revier")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The request id travels with every task; the worker logs as the web does (ADR 0036), and counts
# its tasks' outcomes for /metrics (ADR 0035).
logs.connect_celery()
metrics.connect_celery()


@signals.beat_init.connect
def _schedule_from_modules(sender, **kwargs) -> None:
    # The schedule comes from the modules' declarations, known once Django's apps are ready.
    from revier.core import kit

    sender.app.conf.beat_schedule = kit.periodic_tasks()
