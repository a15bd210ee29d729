"""Celery application. Queues are named by the kind of work so operators can scale them apart."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")

app = Celery("revier")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
