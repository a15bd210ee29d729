"""Background work of applying (queue ``background``)."""

import logging

from celery import shared_task
from django_scopes import scope

from revier.applications import services
from revier.tenancy.models import Municipality

logger = logging.getLogger(__name__)


@shared_task(name="revier.applications.tasks.apply_retention")
def apply_retention() -> dict[str, dict[str, int]]:
    """Periodic: delete or anonymise applications past their form's retention, one
    municipality (and scope) at a time; logs and audits the counts of each."""
    done = {}
    for municipality in Municipality.objects.order_by("pk"):
        with scope(municipality=municipality):
            counts = services.retention_apply(municipality=municipality)
        if any(counts.values()):
            logger.info("retention %s: %s", municipality.slug, counts)
        done[municipality.slug] = counts
    return done
