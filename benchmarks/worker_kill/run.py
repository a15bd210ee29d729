"""Time to recover after a worker kill (issue 13, "Performance"; ADR 0030).

The production stack of the chaos test (``tests/chaos/test_faults.py``) on loopback: a
PostgreSQL database of its own (``revier_bench_<hex>``, dropped at the end), a Redis of its own
on port 9160, one gunicorn web process, a Celery worker (2 processes) and beat, and the local
FIT-Connect server. ``--submissions`` applications (half delivered by FIT-Connect, half to the own
back office) are accepted over the API while the worker is stopped, so their work waits in the
queue. Then the worker starts; once it has delivered a few, it is killed with -9 (its whole
process group) and started again at once. Measured: from the kill until every accepted
application is delivered and the outbox is empty ("recovered"), and, for comparison, the same
backlog's delivery time without a kill ("baseline", first).

The safety nets run at their production settings unless ``--fast-nets`` (sweeps every 3 s, as in
the chaos test). Prints one JSON line with the calibration loop (CPU ms of a fixed loop, before
and after) and the 1-minute load average: the machine may be shared.

    .venv/bin/python benchmarks/worker_kill/run.py --submissions 40
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.chaos.test_faults import (  # noqa: E402
    BIN,
    HERE,
    QUEUES,
    ChaosStack,
    Client,
    _admin_sql,
    _redis_argv,
    _redis_up,
    _run,
    _state,
    _wait,
    _web_argv,
    _web_up,
)
from tests.delivery.fitconnect_server import FitConnectServer  # noqa: E402
from tests.ops.conftest import production_env  # noqa: E402

REDIS_PORT, WEB_PORT, FITCONNECT_PORT = 9160, 9161, 9163


def _calibration_ms() -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.process_time() - t0)
    return round(best * 1000, 1)


def _worker_argv() -> list[str]:
    return [
        str(BIN / "celery"),
        "-A",
        "revier.config",
        "worker",
        "-Q",
        QUEUES,
        "--concurrency",
        "2",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]


def _delivered(env, exclude: dict) -> tuple[int, int, int]:
    """(delivered, total, outbox waiting) of the load's deliveries."""
    state = _state(env)
    delivered = total = 0
    for slug in ("zeitz", "naumburg"):
        for reference, delivery in state[slug]["deliveries"].items():
            if reference in exclude[slug]["deliveries"]:
                continue
            total += 1
            delivered += delivery[0] == "delivered"
    return delivered, total, state["outbox_waiting"]


def _submit_backlog(setup: dict, count: int) -> int:
    import httpx  # noqa: F401  (the client uses it)

    clients = [Client(setup["token"], setup["forms"], setup["uploads"]) for _ in range(4)]
    per_client = count // len(clients)

    def run(client: Client, number: int) -> None:
        for n in range(per_client):
            slug = ("zeitz", "naumburg")[n % 2]
            key = f"bench-{number}-{n}-{secrets.token_hex(4)}"
            for _try in range(20):
                try:
                    response = client.submit(slug, key, 0)
                except Exception:
                    time.sleep(0.5)
                    continue
                if response.status_code == 201:
                    client.results[key] = (slug, response.json()["reference"])
                    break
                time.sleep(0.5)

    threads = [threading.Thread(target=run, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return sum(len(c.results) for c in clients)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--fast-nets", action="store_true")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json")
    args = parser.parse_args()

    import tests.chaos.test_faults as chaos

    chaos.WEB_PORTS = (WEB_PORT, WEB_PORT)
    chaos.REDIS_PORT = REDIS_PORT
    calibration_before = _calibration_ms()
    load_before = os.getloadavg()[0]
    data_dir = Path(f"/tmp/revier-bench-worker-kill-{secrets.token_hex(4)}")
    (data_dir / "redis").mkdir(parents=True)
    database = f"revier_bench_{secrets.token_hex(4)}"
    fitconnect = FitConnectServer(open_on_submit=False)
    fitconnect.port = FITCONNECT_PORT
    fitconnect.start()
    destination = fitconnect.add_destination(services=["urn:de:fim:leika:leistung:99115005104000"])
    nets = (
        {
            "REVIER_OUTBOX_SWEEP_SECONDS": "2",
            "REVIER_OUTBOX_GRACE_SECONDS": "3",
            "REVIER_DELIVERY_SWEEP_SECONDS": "3",
            "REVIER_DELIVERY_PENDING_GRACE_SECONDS": "8",
            "REVIER_DELIVERY_SENDING_LEASE_SECONDS": "20",
        }
        if args.fast_nets
        else {}
    )
    env = production_env(
        data_dir,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        REVIER_ALLOWED_HOSTS="127.0.0.1",
        REVIER_SSL_REDIRECT="0",
        REVIER_LOG_LEVEL="WARNING",
        REVIER_API_THROTTLE_USER="100000/minute",
        WEB_CONCURRENCY="2",
        PGAPPNAME="revier-bench-worker-kill",
        **nets,
    )
    stack = ChaosStack(data_dir, env)
    _admin_sql(f'CREATE DATABASE "{database}"')
    result: dict = {"submissions": args.submissions, "fast_nets": args.fast_nets}
    try:
        stack.start("redis", _redis_argv(data_dir / "redis"))
        _wait(_redis_up, 15, "redis-server", stack)
        _run(env, "migrate", "--no-input", "-v", "0", timeout=900)
        route = {
            "api_url": fitconnect.api_url,
            "token_url": fitconnect.token_url,
            "client_id": fitconnect.client_id,
            "client_secret": fitconnect.client_secret,
            "destination": destination.destination_id,
        }
        out = subprocess.run(
            [str(BIN / "revier"), "shell", "-c", (HERE / "_setup.py").read_text()],
            env={**env, "CHAOS_ROUTE": json.dumps(route), "CHAOS_PASSWORD": "x" * 16},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        setup = json.loads(out.stdout.strip().splitlines()[-1])
        before = _state(env)
        stack.start("web", _web_argv(WEB_PORT))
        _wait(lambda: _web_up(WEB_PORT), 120, "web process", stack)
        stack.start(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "revier.config",
                "beat",
                "--schedule",
                str(data_dir / "beat-schedule"),
            ],
        )

        for phase in ("baseline", "kill"):
            accepted = _submit_backlog(setup, args.submissions)
            started = time.monotonic()
            stack.start("worker", _worker_argv())
            if phase == "kill":
                # Kill once the worker is at work (a few delivered), then start it again.
                _wait(
                    lambda: _delivered(env, before)[0] >= result["baseline"]["delivered"] + 4,
                    args.timeout,
                    "first deliveries",
                    stack,
                )
                delivered_at_kill = _delivered(env, before)[0] - result["baseline"]["delivered"]
                stack.kill("worker")
                killed = time.monotonic()
                stack.restart("worker")
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                delivered, total, waiting = _delivered(env, before)
                if delivered == total and waiting == 0:
                    break
                time.sleep(0.5)
            done = time.monotonic()
            entry = {
                "accepted": accepted,
                "delivered": delivered,
                "total": total,
                "all_delivered_s": round(done - started, 1),
            }
            if phase == "kill":
                entry["delivered_before_kill"] = delivered_at_kill
                entry["recovered_s_after_kill"] = round(done - killed, 1)
            result[phase] = entry
            worker = stack.processes["worker"]
            os.killpg(worker.pid, signal.SIGTERM)  # a warm shutdown between the phases
            worker.wait(timeout=60)
        result["fitconnect_submitted"] = len(fitconnect.submitted())
        result["fitconnect_submissions"] = len(fitconnect.submissions)
    finally:
        stack.stop()
        fitconnect.stop()
        _admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    result["calibration_ms_before_after"] = [calibration_before, _calibration_ms()]
    result["load_1min_before_after"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
