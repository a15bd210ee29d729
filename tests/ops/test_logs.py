"""Structured logs with a request id (ADR 0036): the middleware takes or makes the id and echoes
it, every line of the request carries it, and a task queued by the request logs it too."""

import io
import json
import logging

import pytest
from celery import shared_task

from revier.core import logs

pytestmark = pytest.mark.django_db

log = logging.getLogger("revier.tests.logs")


@shared_task(name="tests.ops.test_logs.log_something")
def log_something(word: str) -> str:
    log.warning("task says %s", word)
    return logs.get_request_id() or ""


@pytest.fixture
def captured():
    """The root handler's formatter and filter (JSON), writing into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_sane_incoming_id_is_kept_and_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "req-4711.abc:def"})
    assert response["X-Request-ID"] == "req-4711.abc:def"


@pytest.mark.parametrize(
    "sent",
    ["", "a" * 129, "has space", 'quote"d', "-leading-dash", "line\nbreak", "ümlaut", "x\x00y"],
)
def test_a_missing_or_odd_incoming_id_is_replaced(client, sent):
    response = client.get("/healthz", headers={"X-Request-ID": sent} if sent else {})
    made = response["X-Request-ID"]
    assert made != sent
    assert len(made) == 32 and int(made, 16) >= 0


def test_every_line_of_a_request_carries_its_id_also_djangos_own(client, captured):
    response = client.get("/does-not-exist/", headers={"X-Request-ID": "trace-1"})
    assert response.status_code == 404
    lines = captured()
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found, lines
    assert {line["request_id"] for line in not_found} == {"trace-1"}
    assert not_found[0]["level"] == "WARNING"
    assert not_found[0]["message"].startswith("Not Found: /does-not-exist/")


def test_json_lines_hold_time_level_extras_and_the_exception(captured):
    token = logs.set_request_id("abc123")
    try:
        try:
            raise ValueError("broken ümlaut")
        except ValueError:
            log.exception("it failed", extra={"reference": "ZTZ-2026-1"})
    finally:
        logs.reset_request_id(token)
    (line,) = captured()
    assert line["message"] == "it failed"
    assert line["level"] == "ERROR"
    assert line["request_id"] == "abc123"
    assert line["reference"] == "ZTZ-2026-1"
    assert line["time"].endswith("+00:00")
    assert "ValueError: broken ümlaut" in line["exception"]


def test_outside_a_request_the_id_is_empty(captured):
    log.warning("no request")
    (line,) = captured()
    assert line["request_id"] is None


def test_the_id_goes_into_the_task_message_and_back_out_in_the_worker():
    """Publishing puts the id into the headers; the worker's prerun sets it from there (a
    worker has no request of its own), the task's name and id on its lines, postrun clears."""
    headers: dict = {}
    token = logs.set_request_id("web-req-1")
    try:
        logs.task_publish(headers=headers)
    finally:
        logs.reset_request_id(token)
    assert headers == {logs.TASK_HEADER: "web-req-1"}

    class Request(dict):
        is_eager = False

    class Task:
        name = "revier.core.tasks.send_mail_task"
        request = Request(headers)

    record = logging.makeLogRecord({})
    logs.task_prerun(task_id="t-1", task=Task())
    try:
        logs.RequestIdFilter().filter(record)
        assert logs.get_request_id() == "web-req-1"
    finally:
        logs.task_postrun(task_id="t-1")
    assert (record.request_id, record.task_id, record.task_name) == (
        "web-req-1",
        "t-1",
        "revier.core.tasks.send_mail_task",
    )
    assert logs.get_request_id() is None

    class BeatTask(Task):
        request = Request()

    logs.task_prerun(task_id="t-2", task=BeatTask())
    assert logs.get_request_id() is None  # no request behind a periodic task
    logs.task_postrun(task_id="t-2")


def test_an_eager_task_keeps_the_request_id(captured):
    token = logs.set_request_id("eager-req")
    try:
        assert log_something.delay("hello").get() == "eager-req"
    finally:
        logs.reset_request_id(token)
    (line,) = [line for line in captured() if line["message"] == "task says hello"]
    assert line["request_id"] == "eager-req"
    assert line["task_name"] == "tests.ops.test_logs.log_something"


def test_format_is_chosen_by_setting():
    assert logs.logging_config(fmt="json", level="INFO")["handlers"]["console"]["formatter"] == (
        "json"
    )
    plain = logs.logging_config(fmt="plain", level="INFO")
    assert "%(request_id)s" in plain["formatters"]["plain"]["format"]
    with pytest.raises(ValueError, match="json or plain"):
        logs.logging_config(fmt="xml", level="INFO")
