"""Delivery gauges for ``/metrics`` (a ``MetricSource``, ADR 0035): how many deliveries wait, and
how long the oldest one has waited. Computed when Prometheus scrapes, over all municipalities,
with two aggregate queries (no per-municipality labels: 10,000 municipalities stay one series).

Until the transactional outbox (``core.outbox``) is in place this is the age of work that must
still happen after a commit; with the outbox, its oldest unsent entry is the better signal.
"""

from django.db.models import Count, Min
from django.utils import timezone
from django_scopes import scopes_disabled
from prometheus_client.core import GaugeMetricFamily

from revier.delivery.models import Delivery

WAITING = (Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.RETRYING)
REPORTED = (*WAITING, Delivery.Status.FAILED)


def collect():
    with scopes_disabled():
        counts = dict(
            Delivery.objects.filter(status__in=REPORTED)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
        oldest = Delivery.objects.filter(status__in=WAITING).aggregate(oldest=Min("created_at"))[
            "oldest"
        ]
    by_status = GaugeMetricFamily(
        "revier_deliveries",
        "Deliveries not (yet) handed over, by status: pending, sending, retrying, failed.",
        labels=["status"],
    )
    for status in REPORTED:
        by_status.add_metric([str(status)], counts.get(status, 0))
    yield by_status
    age = 0.0 if oldest is None else max(0.0, (timezone.now() - oldest).total_seconds())
    yield GaugeMetricFamily(
        "revier_delivery_oldest_pending_age_seconds",
        "Age of the oldest delivery still pending, sending or retrying (0 when none waits).",
        value=age,
    )
