"""Background work of the booking module (queue ``background``, see ``module.py``)."""

import logging

from celery import shared_task
from django.utils import timezone

from revier.booking import services
from revier.core.tasks import for_each_municipality, municipality_task

logger = logging.getLogger(__name__)


@municipality_task(name="revier.booking.tasks.sweep_municipality")
def sweep_municipality(*, municipality) -> dict[str, int]:
    """Expire holds and offers (the waiting list moves up), release no-shows, keep appointment
    slots materialised for the booking window."""
    done = {
        "expired": services.bookings_expire(municipality=municipality),
        "no_shows": services.bookings_release_no_shows(municipality=municipality),
        "slots": services.slots_materialise_all(municipality=municipality),
    }
    if any(done.values()):
        logger.info("booking %s: %s", municipality.slug, done)
    return done


@shared_task(name="revier.booking.tasks.sweep")
def sweep() -> dict:
    return for_each_municipality(sweep_municipality).results_by("slug")


@municipality_task(name="revier.booking.tasks.retention_municipality", include_inactive=True)
def retention_municipality(*, municipality) -> int:
    """Anonymise bookings whose retention has ended (per kind, ``services.RETENTION``)."""
    return services.bookings_anonymise(municipality=municipality, now=timezone.now())


@shared_task(name="revier.booking.tasks.retention")
def retention() -> dict:
    return for_each_municipality(retention_municipality).results_by("slug")
