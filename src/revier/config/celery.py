"""Celery application. Queues are named by the kind of work so operators can scale them apart."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")

app = Celery("revier")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.beat_init.connect
def _schedule_from_modules(sender, **kwargs) -> None:
    # The schedule comes from the modules' declarations, known once Django's apps are ready.
    from revier.core import kit

    sender.app.conf.beat_schedule = kit.periodic_tasks()
