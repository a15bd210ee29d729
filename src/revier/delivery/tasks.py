"""Background work of delivery (queue ``submissions``). Tasks take ``municipality_id``."""

import logging

from celery import shared_task
from django.utils import timezone
from django_scopes import scope

from revier.delivery import services
from revier.delivery.models import Delivery
from revier.tenancy.models import Municipality

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="revier.delivery.tasks.deliver_package", max_retries=None)
def deliver_package(self, *, municipality_id: int, delivery_id: int) -> str:
    """Attempt one delivery; on a temporary failure schedule the next attempt (backoff).

    Running this twice for the same delivery is harmless: ``delivery_run`` claims the row under
    a lock and a delivered package is never sent again.
    """
    municipality = Municipality.objects.get(pk=municipality_id)
    with scope(municipality=municipality):
        delivery = services.delivery_run(delivery_id=delivery_id)
    if delivery.status == Delivery.Status.RETRYING and not self.request.is_eager:
        countdown = max((delivery.next_attempt_at - timezone.now()).total_seconds(), 1)
        raise self.retry(countdown=countdown)
    # Eagerly (embedded default, tests) a retry would run at once, ignoring the countdown:
    # the row stays "retrying" with next_attempt_at and retry_due_deliveries picks it up.
    return delivery.status


@shared_task(name="revier.delivery.tasks.retry_due_deliveries")
def retry_due_deliveries() -> int:
    """Periodic: enqueue deliveries whose next attempt is due, and take over claims of dead
    workers. A safety net beside Celery's own countdown retries (lost messages, restarts)."""
    count = 0
    for municipality in Municipality.objects.filter(is_active=True).only("pk"):
        with scope(municipality=municipality):
            due = services.deliveries_due()
        for delivery_id in due:
            deliver_package.delay(municipality_id=municipality.pk, delivery_id=delivery_id)
            count += 1
    if count:
        logger.info("enqueued %d due deliveries", count)
    return count


@shared_task(name="revier.delivery.tasks.check_delivery_answers")
def check_delivery_answers() -> int:
    """Periodic: read the receiving authorities' answers (accepted, rejected) to delivered
    packages whose next check is due, in every municipality."""
    count = 0
    for municipality in Municipality.objects.filter(is_active=True).only("pk"):
        with scope(municipality=municipality):
            for delivery_id in services.deliveries_awaiting_answer():
                services.delivery_answer_check(delivery_id=delivery_id)
                count += 1
    if count:
        logger.info("read the answers of %d deliveries", count)
    return count
