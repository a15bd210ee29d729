"""A broker outage at the moment of submitting loses nothing (issue 13, item 2).

Before the outbox, the delivery task was queued with ``on_commit(task.delay)``: with the broker
down the resident got a 500 while the application was stored ``submitted`` and its delivery
``pending`` — and no sweep ever looked at ``pending``. Now the resident gets the reference, the
work waits in the outbox, and the sweeper hands it over once the broker is back.
"""

from datetime import timedelta

import pytest
from celery import current_app
from django.core import mail
from django_scopes import scope
from kombu.exceptions import OperationalError

from revier.core import outbox
from revier.core.models import OutboxMessage
from revier.delivery.models import Delivery
from tests.applications.test_api_and_retention import DATA, _api
from tests.applications.test_fitconnect_end_to_end import URL
from tests.applications.test_fitconnect_end_to_end import routed as routed
from tests.applications.test_fitconnect_end_to_end import server as server

pytestmark = pytest.mark.django_db


def test_submit_with_the_broker_down_answers_201_and_is_delivered_when_it_is_back(
    zeitz,
    routed,
    server,
    resident,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as down:
        down.setitem(current_app.conf, "task_always_eager", False)
        down.setattr(current_app, "send_task", broker_down)
        body = {"form": routed["version"].pk, "data": DATA}
        with django_capture_on_commit_callbacks(execute=True):
            response = _api(resident).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        assert response.status_code == 201, response.content
        reference = response.json()["reference"]
        # A retry with the same key gives the same reference.
        with django_capture_on_commit_callbacks(execute=True):
            replay = _api(resident).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        assert (replay.status_code, replay.json()["reference"]) == (201, reference)

    with scope(municipality=zeitz):
        delivery = Delivery.objects.get()
    assert (delivery.reference, delivery.status) == (reference, Delivery.Status.PENDING)
    waiting = outbox.waiting()
    assert sorted(m.task for m in waiting) == [
        "revier.core.tasks.send_mail_task",
        "revier.delivery.tasks.deliver_package",
    ]
    assert all(m.attempts == 1 and "Connection refused" in m.last_error for m in waiting)
    assert server.submissions == {} and mail.outbox == []

    # The broker is back (here: Celery in-process again); the periodic sweep hands both over.
    assert outbox.sweep(grace=timedelta(0))["dispatched"] == 2
    with scope(municipality=zeitz):
        delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert len(server.submitted()) == 1
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
