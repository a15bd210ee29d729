"""Background work of applying (queue ``background``)."""

import logging

from celery import shared_task

from revier.applications import services
from revier.core.tasks import for_each_municipality, municipality_task

logger = logging.getLogger(__name__)


# Deletion deadlines outlive a deactivation: inactive municipalities are included (ADR 0024).
@municipality_task(
    name="revier.applications.tasks.apply_retention_municipality", include_inactive=True
)
def apply_retention_municipality(*, municipality) -> dict[str, int]:
    """Delete or anonymise one municipality's applications past their form's retention; logs
    and audits the counts."""
    counts = services.retention_apply(municipality=municipality)
    if any(counts.values()):
        logger.info("retention %s: %s", municipality.slug, counts)
    return counts


@shared_task(name="revier.applications.tasks.apply_retention")
def apply_retention() -> dict[str, dict[str, int]]:
    """Periodic: :func:`apply_retention_municipality` for every municipality (enqueued with a
    broker; inline without one, then returning the counts by municipality slug)."""
    return for_each_municipality(apply_retention_municipality).results_by("slug")
