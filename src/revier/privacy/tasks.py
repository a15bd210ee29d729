"""Background work of data protection (queue ``background``)."""

import logging

from celery import shared_task
from django_scopes import scope

from revier.privacy import services
from revier.tenancy.models import Municipality

logger = logging.getLogger(__name__)


@shared_task(name="revier.privacy.tasks.case_retention_apply_all")
def case_retention_apply_all() -> dict[str, dict[str, int]]:
    """Periodic (daily): anonymise or delete closed cases past their retention, one
    municipality (and scope) at a time; logs and audits the counts of each."""
    done = {}
    for municipality in Municipality.objects.order_by("pk"):
        with scope(municipality=municipality):
            counts = services.case_retention_apply(municipality=municipality)
        if any(counts.values()):
            logger.info("case retention %s: %s", municipality.slug, counts)
        done[municipality.slug] = counts
    return done
