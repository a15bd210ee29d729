"""What the request id and the metrics cost per request (ADR 0035, 0036), in-process.

Runs a trivial view through ``RequestIdMiddleware`` + ``MetricsMiddleware`` and without them,
once with prometheus_client's multiprocess mode (as under gunicorn: every value an mmap'd file)
and once without; prints one JSON line per mode with the calibration loop and the load, so runs
on a loaded machine can be compared only within themselves.

    .venv/bin/python benchmarks/ops/middleware.py
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

N = 20_000


def calibration_ms() -> float:
    """The fixed loop of benchmarks/compare.py: how fast the machine was."""
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.process_time() - t0)
    return round(best * 1000, 1)


def measure() -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
    django.setup()
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve
    from prometheus_client import generate_latest

    from revier.core.logs import RequestIdMiddleware
    from revier.core.metrics import MetricsMiddleware, registry

    match = resolve("/")

    def view(request):
        request.resolver_match = match
        return HttpResponse(b"ok")

    wrapped = RequestIdMiddleware(MetricsMiddleware(view))
    factory = RequestFactory()
    requests = [factory.get("/") for _ in range(N)]

    def run(handler) -> float:
        best = []
        for _ in range(5):
            t0 = time.perf_counter()
            for request in requests:
                handler(request)
            best.append((time.perf_counter() - t0) / N * 1e6)
        return min(best)

    bare, instrumented = run(view), run(wrapped)
    scrape = []
    for _ in range(20):
        t0 = time.perf_counter()
        generate_latest(registry())
        scrape.append((time.perf_counter() - t0) * 1000)
    return {
        "multiprocess": bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR")),
        "bare_us": round(bare, 2),
        "instrumented_us": round(instrumented, 2),
        "overhead_us": round(instrumented - bare, 2),
        "scrape_ms_median": round(statistics.median(scrape), 2),
        "calibration_ms": calibration_ms(),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        print(json.dumps(measure()))
        sys.exit(0)
    for multiprocess in (False, True):
        env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
        env["REVIER_DATA_DIR"] = tempfile.mkdtemp(prefix="revier-bench-ops-")
        with tempfile.TemporaryDirectory() as metrics_dir:
            if multiprocess:
                env["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
            out = subprocess.run(
                [sys.executable, __file__, "child"],
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
                check=True,
            )
        print(out.stdout.strip())
