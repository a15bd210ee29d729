"""FIT-Connect exactly once across attempts, and no delivery left behind (issue 13, items 2–3).

The local Submission API injects the faults a sender meets: a step answered 503 before anything
is done, and a step carried out whose answer is lost (the connection closes: what a timeout, or a
worker killed between sending and recording, looks like). Whatever happens, the receiver ends
with one submitted submission per delivery, and the authority's accept names the parts it got.
"""

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from revier.delivery import fitconnect
from revier.delivery.models import Delivery
from revier.delivery.services import (
    deliveries_due,
    delivery_answer_check,
    delivery_enqueue,
    delivery_run,
    sending_lease,
)
from revier.delivery.tasks import retry_due_deliveries
from tests.delivery.conftest import make_package

pytestmark = pytest.mark.django_db

Status = Delivery.Status


@pytest.fixture(autouse=True)
def _fresh_caches():
    fitconnect.caches_clear()
    yield
    fitconnect.caches_clear()


def enqueue(municipality, capture, **kwargs) -> Delivery:
    with capture(execute=True):
        delivery = delivery_enqueue(package=make_package(municipality, **kwargs))
    delivery.refresh_from_db()
    return delivery


def again(delivery: Delivery) -> Delivery:
    """The next attempt, as the sweep or Celery's retry makes it."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    delivery_run(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def creates(server) -> int:
    return sum(
        1 for method, path in server.requests if (method, path) == ("POST", "/v1/submissions")
    )


def test_a_lost_answer_to_the_submit_is_confirmed_not_sent_again(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    # The service submits, and the answer never arrives: the sender cannot know it went.
    fitconnect_server.faults.append(("submit", "lost"))
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    assert delivery.status == Status.RETRYING
    [submission] = fitconnect_server.submitted()
    # What was announced was recorded before anything of it was sent.
    assert delivery.handover["submission_id"] == submission.submission_id
    assert delivery.handover["tags"] == fitconnect_server.authentication_tags(submission)

    delivery = again(delivery)

    assert delivery.status == Status.DELIVERED
    assert delivery.attempts == 2
    assert delivery.submission_id == submission.submission_id
    assert delivery.case_id == submission.case_id
    assert delivery.handover == {}
    # The second attempt asked the case's event log and sent nothing.
    assert creates(fitconnect_server) == 1
    assert len(fitconnect_server.submissions) == 1
    assert fitconnect_server.submitted() == [submission]
    # The authority's accept names exactly the parts sent the first time: it verifies.
    fitconnect_server.accept(submission.submission_id)
    delivery_answer_check(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.answer, delivery.answer_error) == (Delivery.Answer.ACCEPTED, "")


@pytest.mark.parametrize(
    "fault",
    [("attachment", "before"), ("attachment", "lost"), ("submit", "before"), ("create", "lost")],
)
def test_an_interrupted_handover_is_completed_with_the_same_submission(
    fault, zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    fitconnect_server.faults.append(fault)
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    assert delivery.status == Status.RETRYING

    delivery = again(delivery)

    assert delivery.status == Status.DELIVERED
    [submission] = fitconnect_server.submitted()
    assert delivery.submission_id == submission.submission_id
    assert delivery.authentication_tags == fitconnect_server.authentication_tags(submission)
    if fault[0] == "create":
        # The announcement's answer was lost before its id could be recorded: that one stays
        # open (never submitted; the service removes it) and a second one is made.
        assert len(fitconnect_server.submissions) == 2
    else:
        assert creates(fitconnect_server) == 1
        assert len(fitconnect_server.submissions) == 1
    # The receiver opens every part (decrypted and every hash checked on submit).
    assert submission.data == make_package(zeitz_scope).data


def test_an_open_submission_the_service_has_removed_is_made_anew(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    fitconnect_server.faults.append(("attachment", "before"))
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    first = delivery.handover["submission_id"]
    # The service removed the open submission (and its case) meanwhile.
    del fitconnect_server.submissions[first]

    delivery = again(delivery)

    assert delivery.status == Status.DELIVERED
    [submission] = fitconnect_server.submitted()
    assert submission.submission_id != first


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_claim_of_a_killed_worker_is_taken_over_at_once_and_completed(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    """A worker killed after announcing the submission and sending a part: its claim names a
    process that is gone, so the sweep takes it over now (not after the lease), and the same
    submission is completed."""
    fitconnect_server.faults.append(("attachment", "lost"))
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    announced = delivery.handover["submission_id"]
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Status.SENDING,
        sending_since=timezone.now(),
        sending_by=f"{socket.gethostname()}:{_dead_pid()}",
        next_attempt_at=None,
    )
    # A live claim (this process, another host) is left alone until its lease runs out.
    other = enqueue(zeitz_scope, django_capture_on_commit_callbacks, reference="ZTZ-2026-000002")
    Delivery.objects.filter(pk=other.pk).update(
        status=Status.SENDING, sending_since=timezone.now(), sending_by=f"elsewhere:{os.getpid()}"
    )

    assert deliveries_due() == [delivery.pk]
    assert retry_due_deliveries() == 1

    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED
    assert delivery.submission_id == announced
    assert [s.submission_id for s in fitconnect_server.submitted()] == [
        announced,
        other.submission_id,
    ]
    # After the lease even another host's claim is taken over.
    Delivery.objects.filter(pk=other.pk).update(
        sending_since=timezone.now() - sending_lease() - timedelta(seconds=1)
    )
    assert deliveries_due() == [other.pk]


def test_a_pending_delivery_whose_task_was_lost_is_picked_up_once_per_grace_period(
    zeitz_scope, fitconnect_route, fitconnect_server, settings
):
    """The broker lost its data (restarted without persistence) after the task was handed to
    it: the delivery stays ``pending`` with no task. The sweep finds it after the grace period,
    and does not enqueue it again on every run while its task waits in a long queue."""
    grace = timedelta(seconds=settings.REVIER_DELIVERY_PENDING_GRACE_SECONDS)
    # Enqueued in the test's transaction: its task is never run (the message "was lost").
    delivery = delivery_enqueue(package=make_package(zeitz_scope))
    assert deliveries_due() == []
    Delivery.objects.filter(pk=delivery.pk).update(
        updated_at=timezone.now() - grace - timedelta(seconds=1)
    )
    assert deliveries_due() == [delivery.pk]
    assert deliveries_due() == []  # enqueued once; the next one after another grace period
    Delivery.objects.filter(pk=delivery.pk).update(
        updated_at=timezone.now() - grace - timedelta(seconds=1)
    )
    assert retry_due_deliveries() == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED
    assert len(fitconnect_server.submitted()) == 1
