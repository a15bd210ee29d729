"""What the benchmark scripts share: the throw-away PostgreSQL databases they create and drop,
and latency percentiles. Imported by the scripts in the folders beside it."""

import os
import statistics

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def admin_sql(sql: str) -> None:
    """Run ``sql`` outside a transaction on the admin database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile ``p`` (0–100) of ``values``."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))
    return ordered[index]


def summary(samples: list[float]) -> dict:
    """p50/p95/p99 in milliseconds of ``samples`` given in seconds."""
    ms = [s * 1000 for s in samples]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
    }


def server_env(*, data_dir, database: str, port: int, workers: int, **overrides: str) -> dict:
    """The environment of a Revier server under test in the production shape: the caller's
    environment without any Revier, database, Redis, Celery or mail setting of its own, then
    production settings on loopback, a fresh secret key, the throw-away ``database``, and
    ``overrides`` (e.g. ``REDIS_URL``, ``REVIER_BENCHMARK_FLOOR``) last."""
    import secrets

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REVIER_", "DATABASE_", "REDIS_", "CELERY_", "EMAIL_"))
    }
    env.update(
        REVIER_ENV="production",
        REVIER_SECRET_KEY=secrets.token_urlsafe(60),
        REVIER_ALLOWED_HOSTS="127.0.0.1",
        REVIER_SSL_REDIRECT="0",
        REVIER_DATA_DIR=str(data_dir),
        REVIER_ACCESS_LOG="",
        REVIER_LOG_LEVEL="WARNING",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        WEB_CONCURRENCY=str(workers),
        REVIER_BIND=f"127.0.0.1:{port}",
    )
    env.update(overrides)
    return env
