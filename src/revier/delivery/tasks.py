"""Background work of delivery (queue ``submissions``). Tasks take ``municipality_id``."""

import logging

from celery import shared_task
from django.utils import timezone

from revier.core.tasks import for_each_municipality, municipality_task
from revier.delivery import services
from revier.delivery.models import Delivery

logger = logging.getLogger(__name__)


@municipality_task(name="revier.delivery.tasks.deliver_package", bind=True, max_retries=None)
def deliver_package(self, *, municipality, delivery_id: int) -> str:
    """Attempt one delivery; on a temporary failure schedule the next attempt (backoff).

    Running this twice for the same delivery is harmless: ``delivery_run`` claims the row under
    a lock and a delivered package is never sent again.
    """
    delivery = services.delivery_run(delivery_id=delivery_id)
    if delivery.status == Delivery.Status.RETRYING and not self.request.is_eager:
        countdown = max((delivery.next_attempt_at - timezone.now()).total_seconds(), 1)
        raise self.retry(countdown=countdown)
    # Eagerly (embedded default, tests) a retry would run at once, ignoring the countdown:
    # the row stays "retrying" with next_attempt_at and retry_due_deliveries picks it up.
    return delivery.status


def _enqueue_due(*, municipality) -> int:
    due = services.deliveries_due()
    for delivery_id in due:
        deliver_package.delay(municipality_id=municipality.pk, delivery_id=delivery_id)
    return len(due)


@shared_task(name="revier.delivery.tasks.retry_due_deliveries")
def retry_due_deliveries() -> int:
    """Periodic: enqueue deliveries whose next attempt is due, and take over claims of dead
    workers. A safety net beside Celery's own countdown retries (lost messages, restarts)."""
    # Finding what is due is one query per municipality: done inline, only deliveries are
    # enqueued.
    count = sum(c or 0 for c in for_each_municipality(_enqueue_due).results.values())
    if count:
        logger.info("enqueued %d due deliveries", count)
    return count


def _check_answers(*, municipality) -> int:
    count = 0
    for delivery_id in services.deliveries_awaiting_answer():
        services.delivery_answer_check(delivery_id=delivery_id)
        count += 1
    return count


@shared_task(name="revier.delivery.tasks.check_delivery_answers")
def check_delivery_answers() -> int:
    """Periodic: read the receiving authorities' answers (accepted, rejected) to delivered
    packages whose next check is due, in every municipality."""
    count = sum(c or 0 for c in for_each_municipality(_check_answers).results.values())
    if count:
        logger.info("read the answers of %d deliveries", count)
    return count
