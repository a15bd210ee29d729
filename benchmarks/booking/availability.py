"""Availability of a month for a hub with 50 desks (issue 14: p95 ≤ 50 ms, queries independent
of the number of bookings). In-process (no HTTP), on the database of ``DATABASE_URL`` (default: a
temporary SQLite file): ``revier.booking.selectors.hub_availability`` for 31 days, timed
``--rounds`` times with few and with many bookings, and the SQL queries of each call counted.

    .venv/bin/python benchmarks/booking/availability.py --rounds 50
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_common import summary


def calibration_ms() -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.process_time() - t0)
    return round(best * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--desks", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("REVIER_DATA_DIR", tempfile.mkdtemp(prefix="revier-avail-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope

    from revier.booking import selectors, services
    from revier.booking.calendar import local
    from revier.booking.models import Booking
    from revier.tenancy.services import municipality_create

    call_command("migrate", verbosity=0)
    m = municipality_create(
        slug=f"bench{int(time.time())}",
        name="Bench",
        ags="15084590",
        ars="150840590590",
        kreis="Burgenlandkreis",
        email="b@example.org",
        enabled_modules=["booking"],
    )
    hours = {d: [(dt.time(8), dt.time(18))] for d in range(5)}
    start = dt.date.today() + dt.timedelta(days=1)
    end = start + dt.timedelta(days=30)
    with scope(municipality=m):
        hub = services.hub_create(municipality=m, name="Hub", slug="hub")
        desks = [
            services.resource_create(
                municipality=m, kind="desk", name=f"D{i}", hub=hub, opening_hours=hours
            )
            for i in range(args.desks)
        ]

        def measure(label: str) -> dict:
            samples, queries = [], set()
            for _ in range(args.rounds):
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    selectors.hub_availability(hub, start, end)
                    samples.append(time.perf_counter() - t0)
                queries.add(len(ctx.captured_queries))
            return {"label": label, "queries": sorted(queries), **summary(samples)}

        few = measure("no bookings")
        rows = []
        for i, desk in enumerate(desks):
            for day_offset in range(0, 31):
                day = start + dt.timedelta(days=day_offset)
                if day.weekday() < 5 and (i + day_offset) % 2 == 0:
                    rows.append(
                        Booking(
                            municipality=m,
                            resource=desk,
                            start=local(day, dt.time(8)),
                            end=local(day, dt.time(13)),
                            exclusive=True,
                            status="confirmed",
                            email=f"p{i}@example.org",
                        )
                    )
        Booking.objects.bulk_create(rows, batch_size=500)
        many = measure(f"{len(rows)} bookings")
    report = {
        "database": connection.vendor,
        "desks": args.desks,
        "days": 31,
        "load_1min": round(os.getloadavg()[0], 2),
        "calibration_ms": calibration_ms(),
        "results": [few, many],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
