"""Liveness and readiness probes."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = "revier:readyz"
    value = str(time.monotonic())
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return the value just written")


def check_broker() -> str | None:
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    # The Revier app is the current one (revier.config sets it up with the settings).
    from celery import current_app as app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return None


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def readiness() -> tuple[bool, dict[str, str]]:
    results: dict[str, str] = {}
    ok = True
    for name, check in CHECKS.items():
        try:
            note = check()
            results[name] = "ok" if not note else f"ok ({note})"
        except Exception as exc:  # any failure makes the process not ready
            ok = False
            results[name] = f"error: {exc.__class__.__name__}"
    return ok, results
