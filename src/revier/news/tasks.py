"""Background work of the news module (queue ``background``, see ``module.py``)."""

import logging

from celery import shared_task

from revier.core.tasks import for_each_municipality, municipality_task
from revier.news import services

logger = logging.getLogger(__name__)


@municipality_task(name="revier.news.tasks.publish_due_municipality")
def publish_due_municipality(*, municipality) -> int:
    """Publish one municipality's scheduled news whose time has come."""
    count = services.news_publish_due(municipality=municipality)
    if count:
        logger.info("news %s: %s published as scheduled", municipality.slug, count)
    return count


@shared_task(name="revier.news.tasks.publish_due")
def publish_due() -> dict[str, int]:
    """Periodic: :func:`publish_due_municipality` for every municipality (enqueued with a broker;
    inline without one, then returning the number published by municipality slug). One
    municipality's failure is logged and does not stop the others."""
    return for_each_municipality(publish_due_municipality).results_by("slug")
