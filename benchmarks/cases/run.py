"""Case work benchmark: the inbox of a municipality holding 100 000 cases, and bulk changes.

Creates a throw-away PostgreSQL database ``revier_bench_<random>``, migrates it, creates one
municipality with three offices, an administrator and a case worker (both with TOTP, as the back
office requires), and ``--cases`` cases spread over a year, twenty services, the offices, the
workflow statuses and a few assignees. Then, in-process through Django's test client (no HTTP
server: the figures are the application's and the database's cost):

- the first page of the back-office inbox with each filter of a fixed mix (p50/p95/p99), and
  the number of SQL queries per page;
- the same filters through ``GET /api/v1/<slug>/cases/``;
- ``--bulk`` (default 1000) cases moved to another status in one request
  (``POST /api/v1/<slug>/cases/bulk-status/``: all-or-nothing check, status, timeline, audit
  log and one notification per applicant), three times.

The database is dropped at the end.

    .venv/bin/python benchmarks/cases/run.py [--cases 100000] [--rounds 30] [--json out.json]
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import secrets
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_common import PG_ADMIN_URL, admin_sql, summary

LEIKAS = [f"991020131{n:05d}" for n in range(20)]
STATUSES = [
    ("received", "open", 0.25),
    ("in_progress", "open", 0.25),
    ("waiting", "waiting", 0.10),
    ("decided", "decided", 0.10),
    ("closed", "closed", 0.30),
]
NAMES = ["Schmidt", "Müller", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"]
GIVEN = ["Anna", "Paul", "Marie", "Lukas", "Sophie", "Jonas", "Emma", "Felix"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--bulk", type=int, default=1000)
    parser.add_argument("--json", help="Also write the result to this file.")
    args = parser.parse_args()

    name = f"revier_bench_{secrets.token_hex(4)}"
    admin_sql(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
    os.environ.setdefault("REVIER_DATA_DIR", f"/tmp/{name}")
    try:
        result = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False), "utf-8")
    return 0


def make_cases(municipality, offices, assignees, count: int, rng: random.Random) -> None:
    from django.db import connection
    from django_scopes import scopes_disabled

    from revier.cases.models import Case

    now = datetime.now(UTC)
    weights = [w for _k, _kind, w in STATUSES]
    batch = []
    with scopes_disabled():
        for n in range(count):
            status, kind, _w = rng.choices(STATUSES, weights)[0]
            received = now - dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
            leika = rng.choice(LEIKAS)
            name = f"{rng.choice(GIVEN)} {rng.choice(NAMES)}"
            reference = f"BEN-{received.year}-{n:06d}"
            batch.append(
                Case(
                    municipality=municipality,
                    reference=reference,
                    leika=leika,
                    service_name=f"Leistung {leika[-2:]}",
                    applicant_name=name,
                    applicant_email=f"person{n}@example.org",
                    data={"G60000086": {"F60000227": name.split()[1]}},
                    office=rng.choice(offices),
                    assignee=rng.choice(assignees),
                    status=status,
                    status_kind=kind,
                    result="granted" if kind in ("decided", "closed") else "",
                    received_at=received,
                    due_date=(received + dt.timedelta(days=rng.choice([14, 30, 60]))).date(),
                    closed_at=received + dt.timedelta(days=10) if kind == "closed" else None,
                    search_text=f"{reference} {name} leistung {leika[-2:]}".lower(),
                )
            )
            if len(batch) == 5000:
                Case.objects.bulk_create(batch)
                batch = []
        Case.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run(args) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope, scopes_disabled

    from revier.accounts.services import staff_role_grant, user_create
    from revier.cases.models import OfficeMember
    from revier.core.services import api_token_issue
    from revier.services.models import Office
    from revier.tenancy.models import Municipality

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    rng = random.Random(20261124)
    with scopes_disabled():
        municipality = Municipality.objects.create(
            slug="bench",
            name="Bench",
            ags="15084590",
            ars="150840590590",
            enabled_modules=["services"],
        )
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    with scope(municipality=municipality):
        offices = [
            Office.objects.create(municipality=municipality, name=n)
            for n in ("Bürgerbüro", "Ordnungsamt", "Standesamt")
        ]
        people = {}
        for email, role in (
            ("admin@bench.example", "administrator"),
            ("clerk@bench.example", "case_worker"),
            ("clerk2@bench.example", "case_worker"),
        ):
            user = user_create(email=email, password=secrets.token_urlsafe(), verified=True)
            TOTP.activate(user, generate_totp_secret())
            staff_role_grant(municipality=municipality, user=user, role=role, actor=None)
            people[email] = user
        clerk = people["clerk@bench.example"]
        # The inbox offers the services the municipality offers as a filter.
        from revier.services.models import LocalService, Service

        for n, leika in enumerate(LEIKAS):
            service, _created = Service.objects.get_or_create(
                leika=leika, defaults={"name": f"Leistung {leika[-2:]}"}
            )
            LocalService.objects.create(
                municipality=municipality, service=service, office=offices[n % len(offices)]
            )
        OfficeMember.objects.create(municipality=municipality, office=offices[0], user=clerk)
        OfficeMember.objects.create(municipality=municipality, office=offices[1], user=clerk)
    assignees = [None, None, clerk, people["clerk2@bench.example"]]
    started = time.perf_counter()
    make_cases(municipality, offices, assignees, args.cases, rng)
    create_seconds = time.perf_counter() - started

    page = Client()
    page.force_login(clerk)
    api = Client(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=clerk)}")
    # The same mix on both surfaces; only the parameter names differ (the inbox form says
    # "kind" and "mine", the API "state" and "me").
    filters = [
        {},
        {"status": "in_progress"},
        {"state": "open", "office": str(offices[0].pk)},
        {"assignee": "me"},
        {"overdue": "true"},
        {"q": "schmidt"},
        {"leika": LEIKAS[3], "state": "open"},
    ]
    page_names = {"state": "kind"}
    page_values = {"me": "mine", "true": "on"}
    page_filters = [
        {page_names.get(k, k): page_values.get(v, v) for k, v in f.items()} for f in filters
    ]
    inbox_url = "/bench/backoffice/vorgaenge/"
    api_url = "/api/v1/bench/cases/"
    inbox_status = page.get(inbox_url).status_code  # warm: caches, plans
    api.get(api_url)
    results = {}
    queries = {}
    for label, client, url, mix in (
        ("inbox_page", page, inbox_url, page_filters),
        ("api_list", api, api_url, filters),
    ):
        samples = []
        counts = set()
        for _round in range(args.rounds):
            for f in mix:
                with CaptureQueriesContext(connection) as captured:
                    t = time.perf_counter()
                    response = client.get(url, f)
                    samples.append(time.perf_counter() - t)
                assert response.status_code == 200, (url, f, response.status_code)
                counts.add(len(captured))
        results[label] = summary(samples)
        queries[label] = sorted(counts)

    from revier.cases.selectors import cases_visible

    bulk = []
    for _round in range(3):
        with scope(municipality=municipality):
            ids = list(
                cases_visible(user=clerk, municipality=municipality)
                .filter(status="received")
                .order_by("?")
                .values_list("pk", flat=True)[: args.bulk]
            )
        client = Client(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=clerk)}")
        t = time.perf_counter()
        response = client.post(
            "/api/v1/bench/cases/bulk-status/",
            {"cases": ids, "status": "in_progress"},
            content_type="application/json",
        )
        bulk.append(time.perf_counter() - t)
        assert response.status_code == 200, response.content
        assert response.json()["changed"] == len(ids) == args.bulk
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "load_average_1m": os.getloadavg()[0],
        "cases": args.cases,
        "create_seconds": round(create_seconds, 1),
        "inbox_first_status": inbox_status,
        "filters": filters,
        **results,
        "queries_per_request": queries,
        "bulk_cases": args.bulk,
        "bulk_seconds": [round(s, 2) for s in bulk],
        "goal": "inbox_page p95 <= 100 ms on 100 000 cases; bulk of 1000 < 5 s",
    }


if __name__ == "__main__":
    sys.exit(main())
