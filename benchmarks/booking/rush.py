"""The rush (issue 14): many clients at once for few places, over HTTP, on PostgreSQL with
several gunicorn processes. Two scenarios:

* ``event``: ``--clients`` (500) people for one event of ``--places`` (100) seats, each one
  ``POST /api/v1/<slug>/bookings/`` (with an ``Idempotency-Key``; a 503 "try again" is retried
  after ``Retry-After``).
* ``townhall``: the same people for one day of town-hall slots (3 counters × 20-minute slots,
  8–12 and 13–18): each reads the availability once, picks a free slot at random, and on 409
  reads it again and picks another (at most 5 tries), as people do.

Then the database is checked: no slot or event holds more active bookings than its capacity
(``oversold`` must be 0). Reported: bookings per minute (first request to last answer), the
latency of the booking requests (p50/p95/p99), the outcome counts, the 1-minute load average and
the calibration loop before and after (the machine's speed drifts; compare within one run).

    .venv/bin/python benchmarks/booking/rush.py --workers 4 --clients 500 --json out.json

Needs PostgreSQL at 127.0.0.1:5432 (creates and drops ``revier_bench_<random>``). Ports 9450–9499.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_common import admin_sql, server_env, summary

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / ".venv" / "bin"


def calibration_ms() -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.process_time() - t0)
    return round(best * 1000, 1)


SETUP = r"""
import datetime as dt, json, sys
from django_scopes import scope
from django.utils import timezone
from rest_framework.authtoken.models import Token
from revier.accounts.models import User
from revier.booking import services
from revier.booking.calendar import local
from revier.core.holidays import public_holidays
from revier.tenancy.services import municipality_create

clients, places = int(sys.argv[1]), int(sys.argv[2])
m = municipality_create(slug="zeitz", name="Zeitz", ags="15084590", ars="150840590590",
                        kreis="Burgenlandkreis", email="rathaus@zeitz.example",
                        enabled_modules=["booking"])
day = timezone.localdate() + dt.timedelta(days=7)
while day.weekday() != 1 or day in public_holidays("15", day.year):
    day += dt.timedelta(days=1)
users = User.objects.bulk_create(
    [User(email=f"p{i}@rush.example", password="!") for i in range(clients)])
tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])
with scope(municipality=m):
    event = services.event_create(municipality=m, name="Rush", start=local(day, dt.time(18)),
                                  end=local(day, dt.time(21)), capacity=places)
    hours = {1: [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(18))]}
    office = services.resource_create(municipality=m, kind="appointment", name="Personalausweis",
                                      capacity=3, duration_minutes=20, opening_hours=hours,
                                      booking_window_days=30)
    services.slots_materialise(resource=office, start_date=day, end_date=day)
print(json.dumps({"event": event.pk, "office": office.pk, "day": day.isoformat(),
                  "tokens": [t.key for t in tokens]}))
"""

CHECK = r"""
import json
from django.db.models import Count, F, Q
from django_scopes import scopes_disabled
from revier.booking.models import Booking, Slot, Resource
with scopes_disabled():
    active = Q(bookings__status__in=Booking.ACTIVE)
    slots = Slot.objects.annotate(n=Count("bookings", filter=active))
    oversold = sum(max(0, s.n - s.capacity) for s in slots)
    print(json.dumps({
        "oversold": oversold,
        "event_active": Booking.objects.filter(
            resource__kind="event", status__in=Booking.ACTIVE).count(),
        "townhall_active": Booking.objects.filter(
            resource__kind="appointment", status__in=Booking.ACTIVE).count(),
        "townhall_capacity": sum(s.capacity for s in slots if s.resource.kind == "appointment"),
    }))
"""


def revier_python(env, code: str, *args: str) -> str:
    result = subprocess.run(
        [
            str(BIN / "python"),
            "-c",
            "import django, os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'revier.config.settings'); django.setup(); exec(sys.stdin.read())",
            *args,
        ],
        input=code,
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(result.stderr[-3000:])
    return result.stdout.strip().splitlines()[-1]


def wait_ready(url: str, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn exited early")
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn not ready")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.outcomes: dict[str, int] = {}

    def add(self, seconds: float, outcome: str) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def post_booking(client, url, token, body, stats) -> int:
    key = secrets.token_hex(8)
    for _attempt in range(20):
        t0 = time.perf_counter()
        r = client.post(
            url,
            json=body,
            headers={"Authorization": f"Token {token}", "Idempotency-Key": key},
        )
        stats.add(time.perf_counter() - t0, str(r.status_code))
        if r.status_code == 503:
            time.sleep(float(r.headers.get("Retry-After", "1")) * random.random())
            continue
        return r.status_code
    return 503


def run_event(base, slug, setup, clients, concurrency):
    stats = Stats()
    url = f"{base}/api/v1/{slug}/bookings/"

    def one(i):
        with httpx.Client(timeout=60) as client:
            return post_booking(
                client, url, setup["tokens"][i], {"bookable": setup["event"]}, stats
            )

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        codes = list(pool.map(one, range(clients)))
    return time.perf_counter() - t0, codes, stats


def run_townhall(base, slug, setup, clients, concurrency):
    stats = Stats()
    url = f"{base}/api/v1/{slug}/bookings/"
    day = setup["day"]
    avail = f"{base}/api/v1/{slug}/bookables/{setup['office']}/availability/?from={day}&to={day}"

    def one(i):
        token = setup["tokens"][i]
        with httpx.Client(timeout=60) as client:
            for _try in range(5):
                free = client.get(avail).json()
                if not free:
                    return 409
                slot = random.choice(free)
                code = post_booking(
                    client, url, token, {"bookable": setup["office"], "start": slot["start"]}, stats
                )
                if code != 409:
                    return code
            return 409

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        codes = list(pool.map(one, range(clients)))
    return time.perf_counter() - t0, codes, stats


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--places", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=64, help="clients in flight at once")
    parser.add_argument("--port", type=int, default=9451)
    parser.add_argument("--json")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="revier-rush-"))
    database = f"revier_bench_{secrets.token_hex(4)}"
    base = f"http://127.0.0.1:{args.port}"
    env = server_env(
        data_dir=data_dir,
        database=database,
        port=args.port,
        workers=args.workers,
        REVIER_API_THROTTLE_USER="100000/minute",
        CELERY_BROKER_URL="",
    )
    print(f"creating {database} …", file=sys.stderr, flush=True)
    admin_sql(f'CREATE DATABASE "{database}"')
    server = None
    load_before = os.getloadavg()[0]
    calibration_before = calibration_ms()
    try:
        print("migrating …", file=sys.stderr, flush=True)
        subprocess.run(
            [str(BIN / "revier"), "migrate", "--no-input", "-v", "0"], env=env, cwd=REPO, check=True
        )
        subprocess.run(
            [str(BIN / "revier"), "collectstatic", "--no-input", "-v", "0"],
            env=env,
            cwd=REPO,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print("setting up …", file=sys.stderr, flush=True)
        setup = json.loads(revier_python(env, SETUP, str(args.clients), str(args.places)))
        print("starting gunicorn …", file=sys.stderr, flush=True)
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py")],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=(data_dir / "gunicorn.log").open("wb"),
            start_new_session=True,
        )
        wait_ready(base, server)
        # Warm-up: every worker imports and connects.
        with httpx.Client() as c:
            for _ in range(args.workers * 4):
                c.get(f"{base}/api/v1/zeitz/bookables/")
        results = {}
        for name, run in (("event", run_event), ("townhall", run_townhall)):
            print(f"{name}: {args.clients} clients …", file=sys.stderr, flush=True)
            elapsed, codes, stats = run(base, "zeitz", setup, args.clients, args.concurrency)
            booked = sum(1 for c in codes if c == 201)
            results[name] = {
                "clients": args.clients,
                "seconds": round(elapsed, 2),
                "booked": booked,
                "booked_per_minute": round(booked / elapsed * 60),
                "answers": dict(sorted(stats.outcomes.items())),
                "latency": summary(stats.latencies),
            }
        check = json.loads(revier_python(env, CHECK))
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)
    report = {
        "setup": {
            "workers": args.workers,
            "clients": args.clients,
            "places": args.places,
            "concurrency": args.concurrency,
        },
        "load_1min_before": round(load_before, 2),
        "calibration_ms_before_after": [calibration_before, calibration_ms()],
        "results": results,
        "database_check": check,
    }
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    if check["oversold"] or check["event_active"] > args.places:
        sys.exit("OVERSOLD")


if __name__ == "__main__":
    main()
