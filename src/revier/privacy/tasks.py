"""Background work of data protection (queue ``background``)."""

import logging

from celery import shared_task

from revier.core.tasks import for_each_municipality, municipality_task
from revier.privacy import services

logger = logging.getLogger(__name__)


# Deletion deadlines outlive a deactivation: inactive municipalities are included (ADR 0024).
@municipality_task(name="revier.privacy.tasks.case_retention_apply", include_inactive=True)
def case_retention_apply(*, municipality) -> dict[str, int]:
    """Anonymise or delete one municipality's closed cases past their retention; logs and
    audits the counts."""
    counts = services.case_retention_apply(municipality=municipality)
    if any(counts.values()):
        logger.info("case retention %s: %s", municipality.slug, counts)
    return counts


@shared_task(name="revier.privacy.tasks.case_retention_apply_all")
def case_retention_apply_all() -> dict[str, dict[str, int]]:
    """Periodic (daily): :func:`case_retention_apply` for every municipality (enqueued with a
    broker; inline without one, then returning the counts by municipality slug)."""
    return for_each_municipality(case_retention_apply).results_by("slug")
