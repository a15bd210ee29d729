"""Portal benchmark: throughput and p95 latency of a municipality's home page and of the API,
next to a trivial Django view served by the same processes (the framework's floor).

Production shape on loopback: PostgreSQL and Redis on 127.0.0.1, the demo data, gunicorn with
deploy/gunicorn.conf.py, load from wrk. See benchmarks/README.md; results in RESULTS.md.
Every target is on 127.0.0.1; every run is bounded; the database it creates is dropped again.
"""

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / ".venv" / "bin"
HERE = Path(__file__).resolve().parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_common import server_env  # noqa: E402 (after the path is set)

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

ENDPOINTS = [
    ("floor", "/_bench/floor"),
    ("home", "/zeitz/"),
    ("api", "/api/v1/municipalities/"),
    ("news_api", "/api/v1/zeitz/news/"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


def flush_redis() -> None:
    """The benchmark's own Redis database starts and ends empty (no throttle or cache state)."""
    import redis

    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).flushdb()


def revier(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "revier"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        sys.exit(f"revier {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn exited early")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}/readyz", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.3)
    sys.exit(f"gunicorn not ready within {timeout} s")


def query_counts(env: dict) -> dict[str, int]:
    """SQL queries per request of each endpoint (one warm request, Django's test client)."""
    code = f"""
import json, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1", headers={{"X-Forwarded-Proto": "https"}})
counts = {{}}
for name, path in {ENDPOINTS!r}:
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200, path
    counts[name] = len(ctx.captured_queries)
print(json.dumps(counts))
"""
    env = {**env, "DJANGO_SETTINGS_MODULE": "revier.config.settings"}
    result = subprocess.run(
        [str(BIN / "python"), "-c", code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode:
        sys.exit(f"query count failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def wrk(url: str, *, connections: int, threads: int, seconds: int) -> dict:
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(HERE / "report.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    if result.returncode:
        sys.exit(f"wrk failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": free.splitlines()[1].split()[1] if free else "unknown",
        "python": platform.python_version(),
        "kernel": platform.release(),
        "wrk": (wrk_version.stdout or wrk_version.stderr).splitlines()[0],
        # Other work on the machine distorts the figures; the 1-minute load average before the
        # run tells whether it was quiet.
        "load_before": LOAD_BEFORE,
    }


LOAD_BEFORE = round(os.getloadavg()[0], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=12, help="duration per endpoint")
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (Debian package)")

    data_dir = Path(tempfile.mkdtemp(prefix="revier-bench-"))
    database = f"revier_bench_{secrets.token_hex(4)}"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = server_env(
        data_dir=data_dir,
        database=database,
        port=port,
        workers=args.workers,
        REVIER_BENCHMARK_FLOOR="1",
        # As behind nginx: the client address comes from X-Forwarded-For (report.lua varies
        # it), so the API throttle keeps its production rate and its real cost.
        REVIER_NUM_PROXIES="1",
        REDIS_URL=REDIS_URL,
        REVIER_WEB_THREADS=str(args.threads),
    )
    admin_sql(f'CREATE DATABASE "{database}"')
    flush_redis()
    server = None
    try:
        print("Preparing database, static files and demo data …", file=sys.stderr)
        revier(env, "migrate", "--no-input", "-v", "0")
        revier(env, "collectstatic", "--no-input", "-v", "0")
        revier(env, "demo")
        queries = query_counts(env)
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py")],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=(data_dir / "gunicorn.log").open("wb"),
            start_new_session=True,
        )
        wait_ready(base_url, server)
        results = {}
        for name, path in ENDPOINTS:
            print(f"{name}: {path} for {args.seconds} s …", file=sys.stderr)
            # Warm-up: connection pools, template caches, CPU frequency.
            wrk(base_url + path, connections=args.connections, threads=2, seconds=2)
            results[name] = wrk(
                base_url + path, connections=args.connections, threads=2, seconds=args.seconds
            )
            results[name]["queries"] = queries[name]
            if results[name]["non_2xx"] or results[name]["socket_errors"]:
                log = (data_dir / "gunicorn.log").read_text(errors="replace")[-3000:]
                sys.exit(f"{path}: errors during the run: {results[name]}\n{log}")
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        flush_redis()
        shutil.rmtree(data_dir, ignore_errors=True)

    report = {
        "machine": machine(),
        "setup": {
            "workers": args.workers,
            "threads": args.threads,
            "connections": args.connections,
            "seconds": args.seconds,
        },
        "results": results,
    }
    floor = results["floor"]["rps"]
    print()
    print(
        f"{args.connections} connections, {args.workers} gunicorn workers × {args.threads} "
        f"thread(s), {args.seconds} s per endpoint, {report['machine']['nproc']} cores "
        f"({report['machine']['cpu']}), load average before {report['machine']['load_before']}, "
        f"{report['machine']['date']}"
    )
    print()
    print("| endpoint | requests/s | p50 ms | p95 ms | p99 ms | SQL queries | ratio to floor |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, path in ENDPOINTS:
        r = results[name]
        print(
            f"| `{path}` | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['queries']} | {r['rps'] / floor:.2f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
