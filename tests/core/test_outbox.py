"""The transactional outbox (``revier.core.outbox``, ADR 0030): recorded with the transaction,
handed to Celery on commit, and swept up later when the broker was down."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from revier.core import kit, outbox
from revier.core.models import OutboxMessage
from revier.core.tasks import send_mail_task

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


class Broker:
    """Stands in for the broker: records what is published, or refuses while ``down``."""

    def __init__(self):
        self.sent: list[tuple[str, list, dict]] = []
        self.down = False

    def send_task(self, name, args=None, kwargs=None, **options):
        if self.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append((name, list(args or []), dict(kwargs or {})))


@pytest.fixture
def broker(monkeypatch):
    """Celery with a broker (not eager), whose publishing is recorded."""
    fake = Broker()
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    monkeypatch.setattr(current_app, "send_task", fake.send_task)
    return fake


MAIL = {"subject": "Hallo", "body": "Text", "to": ["a@example.org"]}


def test_enqueued_work_is_handed_over_when_the_transaction_commits(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = outbox.enqueue(send_mail_task, **MAIL)
        # Recorded in the transaction, not handed over before it commits.
        assert OutboxMessage.objects.filter(pk=message.pk).exists()
        assert broker.sent == []
    assert broker.sent == [("revier.core.tasks.send_mail_task", [], MAIL)]
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert (message.attempts, message.last_error) == (1, "")


def test_rolled_back_work_is_neither_recorded_nor_handed_over(
    broker, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue(send_mail_task, **MAIL)
        raise RuntimeError("the service failed")
    assert broker.sent == []
    assert not OutboxMessage.objects.exists()


def test_broker_down_at_commit_the_caller_succeeds_and_the_sweeper_delivers_later(
    broker, django_capture_on_commit_callbacks
):
    broker.down = True
    # No exception reaches the caller.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = outbox.enqueue(send_mail_task, **MAIL)
    message.refresh_from_db()
    assert message.dispatched_at is None
    assert message.attempts == 1
    assert "Connection refused" in message.last_error

    # Still down at the next sweep: stays, the error recorded.
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert outbox.sweep()["failed"] == 1
    broker.down = False
    assert outbox.sweep() == {"dispatched": 1, "failed": 0, "pruned": 0}
    assert broker.sent == [("revier.core.tasks.send_mail_task", [], MAIL)]
    message.refresh_from_db()
    assert message.dispatched_at is not None and message.attempts == 3
    assert outbox.sweep()["dispatched"] == 0  # handed over once


def test_the_sweeper_leaves_young_rows_to_their_commit_and_prunes_old_ones(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue("revier.core.tasks.send_mail_task", **MAIL)
    assert len(broker.sent) == 1
    OutboxMessage.objects.update(dispatched_at=None)  # as if its hand-over had not happened yet
    assert outbox.sweep(grace=timedelta(seconds=30))["dispatched"] == 0
    assert outbox.sweep(grace=timedelta(0))["dispatched"] == 1
    OutboxMessage.objects.update(dispatched_at=timezone.now() - timedelta(hours=2))
    assert outbox.sweep(keep=timedelta(hours=1))["pruned"] == 1
    assert not OutboxMessage.objects.exists()


def test_the_sweep_is_bounded_and_takes_the_oldest_first(broker, monkeypatch):
    monkeypatch.setattr(outbox, "SWEEP_BATCH", 3)
    monkeypatch.setattr(outbox, "SWEEP_MAX_BATCHES", 2)
    broker.down = True
    for n in range(8):
        outbox.enqueue(send_mail_task, subject=str(n), body="", to=["a@example.org"])
    broker.down = False
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert outbox.sweep()["dispatched"] == 6
    assert [kwargs["subject"] for _n, _a, kwargs in broker.sent] == list("012345")
    assert outbox.sweep()["dispatched"] == 2


def test_municipality_is_recorded_from_the_task_or_the_scope(zeitz, broker):
    from django_scopes import scope

    assert outbox.enqueue("x.task", municipality_id=zeitz.pk).municipality_id == zeitz.pk
    with scope(municipality=zeitz):
        assert outbox.enqueue("x.task").municipality_id == zeitz.pk
    assert outbox.enqueue("x.task").municipality_id is None


def test_in_process_work_runs_at_commit_and_is_not_run_again_by_a_sweep(
    django_capture_on_commit_callbacks, mailoutbox
):
    assert current_app.conf.task_always_eager
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        outbox.enqueue(send_mail_task, **MAIL)
        assert mailoutbox == []
    assert [m.subject for m in mailoutbox] == ["Hallo"]
    assert outbox.sweep(grace=timedelta(0))["dispatched"] == 0
    assert len(mailoutbox) == 1


def test_sweeper_is_a_periodic_task_and_workers_give_back_work_they_die_with():
    schedule = kit.periodic_tasks()["core-outbox-sweep"]
    assert schedule["task"] == "revier.core.tasks.outbox_sweep"
    assert schedule["task"] in current_app.tasks
    assert schedule["schedule"] == settings.REVIER_OUTBOX_SWEEP_SECONDS
    assert current_app.conf.task_acks_late is True
    assert current_app.conf.task_reject_on_worker_lost is True


# Work handed to Celery after a commit goes through the outbox: no call site may go around it.
ON_COMMIT_DISPATCH = re.compile(
    r"on_commit\((?:(?!\n\n).)*?\.(?:delay|apply_async|send_task)\(", re.DOTALL
)


def test_no_task_is_queued_with_on_commit_around_the_outbox():
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "src" / "revier").rglob("*.py"))
        if ON_COMMIT_DISPATCH.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_dispatch_pattern_finds_the_old_shape():
    old = "transaction.on_commit(\n    lambda: deliver_package.delay(municipality_id=m)\n)"
    assert ON_COMMIT_DISPATCH.search(old)
    assert not ON_COMMIT_DISPATCH.search("transaction.on_commit(_replace_token)\n\nx.delay()")


def test_beat_schedules_every_declared_periodic_task(tmp_path):
    """Beat as ``celery beat`` builds it: the scheduler first, ``beat_init`` after. The modules'
    schedule must be in it (it was empty before: set in a ``beat_init`` handler, too late)."""
    from celery.beat import Service

    # As ``celery beat`` makes it: the scheduler class from the app's configuration.
    service = Service(
        app=current_app,
        scheduler_cls=current_app.conf.beat_scheduler,
        schedule_filename=str(tmp_path / "beat-schedule"),
    )
    try:
        entries = service.scheduler.schedule
        assert set(kit.periodic_tasks()) <= set(entries)
        assert entries["core-outbox-sweep"].task == "revier.core.tasks.outbox_sweep"
        assert entries["delivery-retry-due"].schedule.run_every.total_seconds() == (
            settings.REVIER_DELIVERY_SWEEP_SECONDS
        )
    finally:
        service.scheduler.close()


def test_a_started_worker_sends_the_safety_nets_once(monkeypatch):
    from revier.config.celery import _sweep_at_start

    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, **kw: sent.append(name))

    class Consumer:
        app = current_app

    _sweep_at_start(sender=Consumer())
    assert sent == [p.task for p in kit.worker_start_tasks()]
    assert {"revier.core.tasks.outbox_sweep", "revier.delivery.tasks.retry_due_deliveries"} <= set(
        sent
    )
