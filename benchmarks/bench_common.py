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
