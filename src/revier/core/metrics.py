"""Prometheus metrics for operators (ADR 0035).

- Web: :class:`MetricsMiddleware` counts requests and observes their latency by **route name**
  (the URL pattern's name, never the raw path: bounded label values), method and status class.
  Under gunicorn the processes share their values through prometheus_client's multiprocess mode
  (``PROMETHEUS_MULTIPROC_DIR``, set by ``deploy/gunicorn.conf.py``).
- Celery: task outcomes are counted where every worker and every web process can see them, in
  Redis (a hash per installation), and read at scrape time together with the queue lengths
  (Redis lists of the broker). Without Redis (the embedded default: tasks in-process) they are
  counted in the process.
- Modules add their own gauges, computed at scrape time, as ``MetricSource`` in their
  ``module.py`` (``revier.core.kit``); delivery reports the age of the oldest pending delivery.
- ``/metrics`` is answered only to operators: a bearer token (``REVIER_METRICS_TOKEN``) or a
  client address in ``REVIER_METRICS_ALLOWED_IPS``; with neither set it does not exist (404).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse
from django.utils.module_loading import import_string
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Paths answered by middleware before URL resolution, named like routes.
FIXED_ROUTES = {"/healthz": "healthz", "/readyz": "readyz", METRICS_PATH: "metrics"}

REQUESTS = Counter(
    "revier_http_requests",
    "HTTP requests answered, by route name, method and status class.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "revier_http_request_duration_seconds",
    "Time to answer an HTTP request in the web process, by route name and method.",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def route_of(request) -> str:
    """The route's name (``portal:home``); ``unmatched`` for a path no route knows."""
    fixed = FIXED_ROUTES.get(request.path_info)
    if fixed:
        return fixed
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match._func_path


# --- the endpoint's protection ------------------------------------------------------------------


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(item, strict=False)
        for item in getattr(settings, "REVIER_METRICS_ALLOWED_IPS", [])
    ]


def authorize(request) -> int:
    """HTTP status for a scrape: 200 allowed, 401 wrong token, 403 address not allowed,
    404 the endpoint is switched off."""
    token = getattr(settings, "REVIER_METRICS_TOKEN", "")
    networks = _allowed_networks()
    if not token and not networks:
        return 404
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode()):
            return 200
    if networks:
        # The socket's peer, never X-Forwarded-For: the proxy must not forward /metrics.
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return 403
        if any(address in net for net in networks):
            return 200
    return 401 if token else 403


# --- collectors read at scrape time ---------------------------------------------------------------


class _ProcessCollector:
    """This process's own metrics (the default registry) where there is no multiprocess dir."""

    def collect(self):
        yield from REGISTRY.collect()


class _SourcesCollector:
    """The platform's gauges: Celery (queues, task outcomes) and the modules' sources."""

    def collect(self):
        yield from celery_metrics()
        from revier.core import kit

        for source in kit.items("metric_sources"):
            try:
                yield from import_string(source.collect)()
            except Exception:
                # A failing source must not hide the others; the error counts as a metric.
                logger.exception("metric source %s failed", source.key)
                failed = GaugeMetricFamily(
                    "revier_metric_source_up", "1 if a metric source answered.", labels=["source"]
                )
                failed.add_metric([source.key], 0)
                yield failed


def registry() -> CollectorRegistry:
    reg = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(reg)
    else:
        reg.register(_ProcessCollector())
    reg.register(_SourcesCollector())
    return reg


def metrics_response(request) -> HttpResponse:
    status = authorize(request)
    if status != 200:
        response = HttpResponse(status=status, content_type="text/plain; charset=utf-8")
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


# (route, method) -> (latency child, {status class: counter child}): labels() takes a lock and
# builds a key on every call; the label values are bounded, and so is this cache.
_child_cache: dict[tuple[str, str], tuple] = {}


def _children(route: str, method: str) -> tuple:
    children = _child_cache.get((route, method))
    if children is None:
        children = _child_cache[(route, method)] = (LATENCY.labels(route, method), {})
    return children


class MetricsMiddleware:
    """Counts and times every request; answers ``/metrics`` (before host checks: Prometheus
    scrapes a web process by its address)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        if request.path_info == METRICS_PATH:
            response = metrics_response(request)
        else:
            response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        route = route_of(request)
        latency, counters = _children(route, method)
        latency.observe(time.perf_counter() - start)
        status = f"{response.status_code // 100}xx"
        counter = counters.get(status)
        if counter is None:
            counter = counters[status] = REQUESTS.labels(route, method, status)
        counter.inc()
        return response


# --- Celery ------------------------------------------------------------------------------------

_local_outcomes: dict[str, int] = {}
_local_lock = threading.Lock()


def _redis_cache():
    """The default cache's Redis client and the hash's key, or ``None`` without Redis."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None
    return cache._cache.get_client(write=True), cache.make_key("metrics:celery-tasks")


def _task_name(task) -> str:
    # Only tasks the app knows: a bounded set of label values.
    from celery import current_app

    name = getattr(task, "name", "") or ""
    return name if name in current_app.tasks else "other"


def task_outcome(task, state: str) -> None:
    """Count one outcome of ``task``; never lets a metrics failure fail the task."""
    field = f"{_task_name(task)}|{state}"
    try:
        redis = _redis_cache()
        if redis is not None:
            client, key = redis
            client.hincrby(key, field, 1)
            return
    except Exception:
        logger.warning("task outcome not counted (Redis)", exc_info=True)
        return
    with _local_lock:
        _local_outcomes[field] = _local_outcomes.get(field, 0) + 1


def task_outcomes() -> dict[tuple[str, str], int]:
    """``{(task, state): count}`` from Redis, or this process's counts without Redis."""
    redis = _redis_cache()
    if redis is None:
        with _local_lock:
            raw = dict(_local_outcomes)
    else:
        client, key = redis
        raw = {k.decode(): int(v) for k, v in client.hgetall(key).items()}
    outcomes = {}
    for field, count in raw.items():
        name, _, state = field.rpartition("|")
        outcomes[(name, state)] = count
    return outcomes


def _on_success(sender=None, **kwargs) -> None:
    task_outcome(sender, "succeeded")


def _on_failure(sender=None, **kwargs) -> None:
    task_outcome(sender, "failed")


def _on_retry(sender=None, **kwargs) -> None:
    task_outcome(sender, "retried")


def connect_celery() -> None:
    from celery import signals

    signals.task_success.connect(_on_success, weak=False)
    signals.task_failure.connect(_on_failure, weak=False)
    signals.task_retry.connect(_on_retry, weak=False)


def _broker_client():
    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def celery_metrics() -> Iterable:
    outcomes = CounterMetricFamily(
        "revier_celery_tasks",
        "Celery tasks finished, by task and outcome (succeeded, failed, retried).",
        labels=["task", "state"],
    )
    try:
        for (name, state), count in sorted(task_outcomes().items()):
            outcomes.add_metric([name, state], count)
    except Exception:
        logger.warning("task outcomes unavailable", exc_info=True)
    yield outcomes

    queue_length = GaugeMetricFamily(
        "revier_celery_queue_length",
        "Messages waiting in a Celery queue (the broker's list).",
        labels=["queue"],
    )
    unacked = GaugeMetricFamily(
        "revier_celery_unacked_messages",
        "Messages a worker has taken but not yet acknowledged (acks_late: running or reserved).",
    )
    broker_up = GaugeMetricFamily("revier_celery_broker_up", "1 if the broker answered.")
    client = _broker_client()
    if client is None:
        return  # tasks run in-process: there is no queue
    try:
        with client.pipeline(transaction=False) as pipe:
            for queue in settings.CELERY_TASK_QUEUES_NAMES:
                pipe.llen(queue)
            pipe.hlen("unacked")
            lengths = pipe.execute()
    except Exception:
        logger.warning("broker unavailable for metrics", exc_info=True)
        broker_up.add_metric([], 0)
        yield broker_up
        return
    finally:
        client.close()
    for queue, length in zip(settings.CELERY_TASK_QUEUES_NAMES, lengths, strict=False):
        queue_length.add_metric([queue], length)
    unacked.add_metric([], lengths[-1])
    broker_up.add_metric([], 1)
    yield queue_length
    yield unacked
    yield broker_up
