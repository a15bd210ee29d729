"""Fault injection on the production stack (issue 13, deliverable 3; ADR 0030).

PostgreSQL (a database of this test alone), a Redis of this test alone (``redis-server --save ""``
on a port of its own, so restarting it loses its data — the shared Redis is never touched), two
gunicorn web processes, a Celery worker and beat, and the local FIT-Connect server, all on
loopback. Clients submit applications over the API, each with an ``Idempotency-Key``, half to
Zeitz (delivered by FIT-Connect), half to Naumburg (delivered to its own back office). Meanwhile:

1. ``kill -9`` one web process (its whole process group) and start it again;
2. ``kill -9`` the Celery worker (its whole process group) and start it again;
3. restart Redis, losing every queued message;
4. terminate every backend of the test database with ``pg_terminate_backend`` — what a
   PostgreSQL restart does to the application (every connection dropped, transactions in flight
   rolled back). The system PostgreSQL is shared with other work on this machine, so it is not
   restarted itself.

Afterwards: every client has its reference (it retried with its key after any error, and a
replay of the key gives the same reference), and every submitted application was delivered
exactly once — one submitted FIT-Connect submission per reference, or one received package and
one case per reference in the back office.

``make chaos`` runs the full version (longer load, every fault twice); the normal suite runs a
short one, bounded to about a minute beside the stack's start.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.delivery.fitconnect_server import FitConnectServer
from tests.ops.conftest import REPO, production_env
from tests.ops.test_stack import BIN, QUEUES, _admin_sql, _require_services, _run

pytestmark = [pytest.mark.stack, pytest.mark.chaos]

FULL = os.environ.get("REVIER_CHAOS") == "full"
# Ports of this test (9150–9199 are reserved for it on the shared machine).
REDIS_PORT, WEB_PORTS, FITCONNECT_PORT = 9150, (9151, 9152), 9153
LOAD_SECONDS = 60 if FULL else 14
CLIENTS = 4
# How long the stack may take to deliver what was accepted after the last fault.
SETTLE_SECONDS = 180 if FULL else 45
HERE = Path(__file__).resolve().parent
PDF = b"%PDF-1.7\n" + secrets.token_bytes(2048) + b"\n%%EOF\n"


def _data(upload_key: str) -> dict:
    return {
        "GD0000001": {"FD0000001": "Schmidt", "FD0000002": "Anna", "FD0000003": "1990-04-01"},
        "GD0000002": {
            "FD0000010": "Schützenplatz 3",
            "FD0000011": "06712",
            "FD0000012": "Zeitz",
            "FD0000013": "2026-03-01",
        },
        upload_key: {
            "filename": "bestaetigung.pdf",
            "content_base64": base64.b64encode(PDF).decode(),
        },
    }


class ChaosStack:
    """The processes, each in its own process group, restartable under the same name."""

    def __init__(self, data_dir: Path, env: dict[str, str]):
        self.data_dir = data_dir
        self.env = env
        self.argv: dict[str, list[str]] = {}
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict | None = None) -> None:
        self.argv[name] = argv
        with (self.data_dir / f"{name}.log").open("ab") as out:
            self.processes[name] = subprocess.Popen(
                argv,
                env=env or self.env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, name: str) -> None:
        """``kill -9`` of the process and every process it started (its group)."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def restart(self, name: str) -> None:
        self.start(name, self.argv[name])

    def log(self, name: str) -> str:
        return (self.data_dir / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def _wait(predicate, timeout: float, what: str, stack: ChaosStack | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return
        time.sleep(0.2)
    logs = ""
    if stack is not None:
        logs = "\n".join(f"--- {n}\n{stack.log(n)[-1500:]}" for n in stack.processes)
    pytest.fail(f"{what} not within {timeout} s\n{logs}")


def _redis_argv(data_dir: Path) -> list[str]:
    return [
        "redis-server",
        "--bind",
        "127.0.0.1",
        "--port",
        str(REDIS_PORT),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(data_dir),
    ]


def _redis_up() -> bool:
    import redis

    return bool(redis.Redis(port=REDIS_PORT, socket_connect_timeout=1).ping())


def _web_argv(port: int) -> list[str]:
    return [
        str(BIN / "gunicorn"),
        "-c",
        str(REPO / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
    ]


def _web_up(port: int) -> bool:
    return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200


@dataclass
class Client:
    """One resident's submissions: each key retried until it gives a reference."""

    token: str
    forms: dict[str, int]
    uploads: dict[str, str]
    results: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (slug, reference)
    errors: Counter = field(default_factory=Counter)
    unretryable: list[str] = field(default_factory=list)

    def submit(self, slug: str, key: str, web: int) -> httpx.Response:
        return httpx.post(
            f"http://127.0.0.1:{WEB_PORTS[web % 2]}/api/v1/{slug}/applications/",
            json={"form": self.forms[slug], "data": _data(self.uploads[slug])},
            headers={
                "Authorization": f"Token {self.token}",
                "Idempotency-Key": key,
                "X-Forwarded-Proto": "https",
            },
            timeout=20,
        )

    def run(self, stop: threading.Event, number: int) -> None:
        n = 0
        while not stop.is_set():
            slug = ("zeitz", "naumburg")[n % 2]
            key = f"chaos-{number}-{n}-{uuid.uuid4()}"
            web = number + n
            # After the load stops, a key already started is still carried through.
            deadline = time.monotonic() + SETTLE_SECONDS
            while time.monotonic() < deadline:
                try:
                    response = self.submit(slug, key, web)
                except httpx.HTTPError as exc:
                    self.errors[type(exc).__name__] += 1
                else:
                    if response.status_code == 201:
                        self.results[key] = (slug, response.json()["reference"])
                        break
                    self.errors[response.status_code] += 1
                    retryable = response.status_code >= 500 or response.status_code in (409, 429)
                    if not retryable:
                        self.unretryable.append(f"{response.status_code} {response.text[:300]}")
                        break
                web += 1  # the other web process, as a load balancer would
                time.sleep(0.2)
            n += 1


def _state(env) -> dict:
    out = _run(env, "shell", "-c", (HERE / "_check.py").read_text(), timeout=120)
    return json.loads(out.strip().splitlines()[-1])


def _pg_terminate(database: str) -> int:
    import psycopg

    with psycopg.connect(
        "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
    ) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchall()
    return len(rows)


def test_nothing_lost_nothing_twice_under_faults(tmp_path_factory):
    _require_services()
    data_dir = tmp_path_factory.mktemp("chaos")
    redis_dir = tmp_path_factory.mktemp("chaos-redis")
    database = f"revier_chaos_{secrets.token_hex(4)}"
    fitconnect = FitConnectServer(open_on_submit=True)
    fitconnect.port = FITCONNECT_PORT
    fitconnect.start()
    destination = fitconnect.add_destination(services=["urn:de:fim:leika:leistung:99115005104000"])
    env = production_env(
        data_dir,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        REVIER_ALLOWED_HOSTS="127.0.0.1",
        REVIER_SSL_REDIRECT="0",
        REVIER_LOG_LEVEL="WARNING",
        REVIER_API_THROTTLE_USER="100000/minute",
        # The safety nets at test speed (production: 60 s, 30 s, 300 s, 120 s, 600 s).
        REVIER_OUTBOX_SWEEP_SECONDS="2",
        REVIER_OUTBOX_GRACE_SECONDS="3",
        REVIER_DELIVERY_SWEEP_SECONDS="3",
        REVIER_DELIVERY_PENDING_GRACE_SECONDS="8",
        REVIER_DELIVERY_SENDING_LEASE_SECONDS="20",
        WEB_CONCURRENCY="2",
    )
    stack = ChaosStack(data_dir, env)
    _admin_sql(f'CREATE DATABASE "{database}"')
    try:
        stack.start("redis", _redis_argv(redis_dir))
        _wait(_redis_up, 15, "redis-server", stack)
        _run(env, "migrate", "--no-input", "-v", "0", timeout=600)
        route = {
            "api_url": fitconnect.api_url,
            "token_url": fitconnect.token_url,
            "client_id": fitconnect.client_id,
            "client_secret": fitconnect.client_secret,
            "destination": destination.destination_id,
        }
        setup_env = {
            **env,
            "CHAOS_ROUTE": json.dumps(route),
            "CHAOS_PASSWORD": secrets.token_urlsafe(16),
        }
        out = subprocess.run(
            [str(BIN / "revier"), "shell", "-c", (HERE / "_setup.py").read_text()],
            env=setup_env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert out.returncode == 0, out.stderr[-3000:]
        setup = json.loads(out.stdout.strip().splitlines()[-1])
        # What the demo made before (its own applications and cases) is not the load's.
        before = _state(env)
        for n, port in enumerate(WEB_PORTS, 1):
            stack.start(f"web{n}", _web_argv(port))
        celery = [str(BIN / "celery"), "-A", "revier.config"]
        stack.start(
            "worker",
            [
                *celery,
                "worker",
                "-Q",
                QUEUES,
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
        )
        stack.start(
            "beat",
            [*celery, "beat", "--schedule", str(data_dir / "beat-schedule"), "--loglevel", "INFO"],
        )
        for port in WEB_PORTS:
            _wait(lambda port=port: _web_up(port), 90, f"web process on {port}", stack)
        _wait(lambda: " ready." in stack.log("worker"), 90, "Celery worker", stack)

        clients = [Client(setup["token"], setup["forms"], setup["uploads"]) for _ in range(CLIENTS)]
        stop = threading.Event()
        threads = [
            threading.Thread(target=c.run, args=(stop, n), daemon=True)
            for n, c in enumerate(clients)
        ]
        for thread in threads:
            thread.start()

        started = time.monotonic()
        faults: list[tuple[float, str]] = []

        def fault(name: str, action) -> None:
            action()
            faults.append((round(time.monotonic() - started, 1), name))

        rounds = 2 if FULL else 1
        pause = LOAD_SECONDS / (4 * rounds + 1)
        for _round in range(rounds):
            time.sleep(pause)
            fault("kill -9 web1", lambda: (stack.kill("web1"), stack.restart("web1")))
            time.sleep(pause)
            fault("kill -9 worker", lambda: (stack.kill("worker"), stack.restart("worker")))
            time.sleep(pause)
            fault("restart redis", lambda: (stack.kill("redis"), stack.restart("redis")))
            time.sleep(pause)
            fault(f"pg_terminate_backend ×{_pg_terminate(database)}", lambda: None)
        time.sleep(pause)
        stop.set()
        for thread in threads:
            thread.join(SETTLE_SECONDS + 30)
        load_end = time.monotonic()

        accepted = {key: value for c in clients for key, value in c.results.items()}
        unretryable = [u for c in clients for u in c.unretryable]
        errors = sum((c.errors for c in clients), Counter())
        assert not unretryable, unretryable[:5]
        assert accepted, f"no submission accepted; errors {errors}"

        # Every accepted application delivered exactly once, within the settle time.
        def all_delivered() -> bool:
            state = _state(env)
            return state["outbox_waiting"] == 0 and all(
                d[0] == "delivered"
                for slug in ("zeitz", "naumburg")
                for d in state[slug]["deliveries"].values()
            )

        _wait(all_delivered, SETTLE_SECONDS, "all deliveries delivered", stack)
        recovered = round(time.monotonic() - load_end, 1)
        state = _state(env)

        references = {slug: set() for slug in ("zeitz", "naumburg")}
        for slug, reference in accepted.values():
            references[slug].add(reference)
        submitted_fc = Counter(
            s.metadata["additionalReferenceInfo"]["senderReference"] for s in fitconnect.submitted()
        )
        for slug in ("zeitz", "naumburg"):
            for kind in ("applications", "deliveries", "received", "cases"):
                for reference in before[slug][kind]:
                    state[slug][kind].pop(reference, None)
            stored = state[slug]["applications"]
            # Nothing accepted is missing; nothing stored that no client was given (a client
            # whose answer was lost got the same reference on its retry).
            assert set(stored) == references[slug], slug
            assert set(state[slug]["deliveries"]) == references[slug], slug
        assert submitted_fc == dict.fromkeys(references["zeitz"], 1)
        assert state["naumburg"]["received"] == dict.fromkeys(references["naumburg"], 1)
        assert state["naumburg"]["cases"] == dict.fromkeys(references["naumburg"], 1)
        # A replay of every key gives its reference again.
        client = clients[0]
        for n, (key, (slug, reference)) in enumerate(sorted(accepted.items())):
            replay = client.submit(slug, key, n)
            assert (replay.status_code, replay.json()["reference"]) == (201, reference)

        report = {
            "version": "full" if FULL else "short",
            "accepted": len(accepted),
            "client_errors_retried": dict(errors),
            "faults_at_s": faults,
            "load_seconds": LOAD_SECONDS,
            "all_delivered_s_after_load": recovered,
            "fitconnect_submissions": len(fitconnect.submissions),
        }
        print("CHAOS", json.dumps(report))
        (REPO / "var").mkdir(exist_ok=True)
        (REPO / "var" / f"chaos-{report['version']}.json").write_text(json.dumps(report))
    finally:
        stack.stop()
        fitconnect.stop()
        _admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
