"""Background work of the news module (queue ``background``, see ``module.py``)."""

import logging

from celery import shared_task
from django_scopes import scope

from revier.news import services
from revier.tenancy.models import Municipality

logger = logging.getLogger(__name__)

BATCH = 200


@shared_task(name="revier.news.tasks.publish_due")
def publish_due(*, municipality_id: int | None = None) -> dict[str, int]:
    """Periodic: publish the scheduled news whose time has come, one municipality (and scope)
    at a time, all of them or only ``municipality_id``. One municipality's failure is logged
    and does not stop the others. Returns the number published per municipality (slug)."""
    municipalities = Municipality.objects.order_by("pk")
    if municipality_id is not None:
        municipalities = municipalities.filter(pk=municipality_id)
    done: dict[str, int] = {}
    last_pk = 0
    while batch := list(municipalities.filter(pk__gt=last_pk)[:BATCH]):
        for municipality in batch:
            try:
                with scope(municipality=municipality):
                    count = services.news_publish_due(municipality=municipality)
            except Exception:
                logger.exception("publishing scheduled news failed for %s", municipality.slug)
                continue
            if count:
                logger.info("news %s: %s published as scheduled", municipality.slug, count)
                done[municipality.slug] = count
        last_pk = batch[-1].pk
    return done
