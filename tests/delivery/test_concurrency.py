"""Two workers running the same delivery at the same moment: one submission only."""

import threading
import time

import pytest
from django.db import connection
from django_scopes import scope

from revier.delivery.models import Delivery
from revier.delivery.services import delivery_enqueue
from revier.delivery.tasks import deliver_package
from tests.delivery.conftest import make_package


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_deliver_once(zeitz, fitconnect_server, fitconnect_route_factory):
    # Autocommit: enqueued and attempted eagerly at once, while the server is down (a delivered
    # package is removed from the platform, so it could not be sent again).
    fitconnect_server.unavailable = True
    with scope(municipality=zeitz):
        fitconnect_route_factory(zeitz)
        delivery = delivery_enqueue(package=make_package(zeitz))
    fitconnect_server.unavailable = False
    assert fitconnect_server.submitted() == []

    # Both workers start on a fresh pending row; the destination answers slowly.
    with scope(municipality=zeitz):
        Delivery.objects.filter(pk=delivery.pk).update(status="pending", attempts=0)
    original = fitconnect_server._destination

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    fitconnect_server._destination = slow
    results, start = [], threading.Barrier(2)

    def worker():
        try:
            start.wait()
            results.append(deliver_package(municipality_id=zeitz.pk, delivery_id=delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(results) == ["delivered", "sending"]
    assert len(fitconnect_server.submitted()) == 1
    with scope(municipality=zeitz):
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
