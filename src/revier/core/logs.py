"""Structured logs with a request id through web and worker (ADR 0036).

- :class:`RequestIdMiddleware` takes a sane incoming ``X-Request-ID`` (the proxy's, e.g. nginx's
  ``$request_id``) or makes one, keeps it for the request and echoes it in the response.
- :class:`RequestIdFilter` puts it (and, in a worker, the task's id and name) on every log
  record; :class:`JsonFormatter` writes one JSON object per line.
- Celery: the id travels in the task message's headers (``before_task_publish``) and is set
  again around the task in the worker (``task_prerun``/``task_postrun``), so the worker's lines
  carry the id of the request that queued the work. ``revier.config.celery`` connects these.

``REVIER_LOG_FORMAT`` chooses ``json`` (production default) or ``plain`` (``make run``).
Own code rather than python-json-logger: the formatter is 30 lines, and the fields (request id,
task) are ours either way.
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
import re
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
# The Celery message header that carries the id from the web process to the worker.
_META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "revier_request_id"
# What an incoming id may look like: a UUID, nginx's 32 hex digits, a tracing id. Anything else
# (too long, spaces, control characters, quotes) is replaced, never logged as sent.
_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

_request_id: ContextVar[str | None] = ContextVar("revier_request_id", default=None)
_task: ContextVar[tuple[str, str] | None] = ContextVar("revier_task", default=None)


def new_request_id() -> str:
    return os.urandom(16).hex()  # 32 hex digits, like nginx's $request_id


def sane_request_id(value: str | None) -> str | None:
    """``value`` if it is a well-formed request id, else ``None``."""
    if value and _VALID.fullmatch(value):
        return value
    return None


def get_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None):
    """Set the current request id; returns the token for :func:`reset_request_id`."""
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)


class RequestIdMiddleware:
    """First in the chain: every later line of the request, Django's own included, has the id."""

    def __init__(self, get_response):
        self.get_response = get_response
        from django.core.signals import request_finished

        request_finished.connect(_clear_request_id, dispatch_uid="revier.core.logs.request_id")

    def __call__(self, request):
        # META, not request.headers: that builds a dict of every header on first use.
        request_id = sane_request_id(request.META.get(_META_KEY)) or new_request_id()
        request.request_id = request_id
        # Not reset on the way out: Django logs 4xx/5xx answers after the middleware chain has
        # returned. Cleared when the response is closed (request_finished).
        set_request_id(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _clear_request_id(**kwargs) -> None:
    _request_id.set(None)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` ("-" outside a request) and ``task_id``/``task_name`` to records."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        task = _task.get()
        record.task_id, record.task_name = task if task else ("", "")
        return True


# Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
    "task_id",
    "task_name",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, task, extras."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id.get(),
            "process": record.process,
        }
        if getattr(record, "task_id", ""):
            data["task_id"] = record.task_id
            data["task_name"] = record.task_name
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.stack_info:
            data["stack"] = record.stack_info
        return json.dumps(data, ensure_ascii=False, default=str)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, fmt: str, level: str) -> dict:
    """The ``LOGGING`` setting for ``fmt`` ``json`` or ``plain``."""
    if fmt not in {"json", "plain"}:
        raise ValueError(f"REVIER_LOG_FORMAT must be json or plain, not {fmt!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "revier.core.logs.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": PLAIN_FORMAT},
            "json": {"()": "revier.core.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # WeasyPrint logs every rendering step at INFO.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            # httpx logs every request at INFO (four per FIT-Connect delivery); failures are
            # logged by the code that made the request, with what it was for.
            "httpx": {"level": "WARNING"},
        },
    }


# --- Celery -------------------------------------------------------------------------------------


def task_publish(headers: dict | None = None, **kwargs) -> None:
    """``before_task_publish``: the current request id goes into the message headers."""
    request_id = _request_id.get()
    if request_id and headers is not None and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


_tokens: dict[str, tuple] = {}


def task_prerun(task_id: str | None = None, task=None, **kwargs) -> None:
    """``task_prerun``: the id of the request that queued the task (an eager task keeps the
    current request's id), and the task itself, for every line the task logs."""
    request = getattr(task, "request", None)
    sent = sane_request_id(request.get(TASK_HEADER)) if request is not None else None
    if sent is None and getattr(request, "is_eager", False):
        sent = _request_id.get()
    # Otherwise a task from beat or a command: no request behind it, no id.
    _tokens[task_id or ""] = (
        _request_id.set(sent),
        _task.set((task_id or "", getattr(task, "name", "") or "")),
    )


def task_postrun(task_id: str | None = None, **kwargs) -> None:
    tokens = _tokens.pop(task_id or "", None)
    if tokens:
        request_token, task_token = tokens
        _task.reset(task_token)
        _request_id.reset(request_token)


def celery_setup_logging(loglevel=None, **kwargs) -> None:
    """``setup_logging``: keep Django's ``LOGGING`` (JSON in production) in the worker instead of
    Celery's own; the worker's ``--loglevel`` still sets the root level."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


def connect_celery() -> None:
    from celery import signals

    signals.before_task_publish.connect(task_publish, weak=False)
    signals.task_prerun.connect(task_prerun, weak=False)
    signals.task_postrun.connect(task_postrun, weak=False)
    signals.setup_logging.connect(celery_setup_logging, weak=False)
