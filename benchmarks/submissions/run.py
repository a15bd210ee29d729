"""Submissions benchmark: end-to-end applications per second with a 40-field form and one PDF
attachment — validate, store, PDF/A receipt (written directly, ``receipt_pdf``), encrypt (JWE)
and deliver to the local FIT-Connect server of the tests, which decrypts and checks every part.

Set-up (one throw-away PostgreSQL database ``revier_bench_<random>``, created and dropped again):
a municipality with a form of 40 fields built with the form services (4 pages of 10: text,
date, whole number, yes/no, selection; one file field), a FIT-Connect route for the service to
``tests/delivery/fitconnect_server.py`` on 127.0.0.1 (RSA-4096 destination key, as the real
service uses), and one resident. Each worker is a separate process that calls the service
``application_submit_api`` (what ``POST /api/v1/<slug>/applications/`` runs after parsing) in a
loop; Celery runs eagerly (no broker), so the delivery task runs in the worker right after the
commit, as a Celery worker on the same machine would. A submission counts when its delivery is
``delivered``. The FIT-Connect servers run as processes of their own on the same two cores.

Like the real delivery service, the test server accepts a submission after checking its JWE
headers; the receiving authority decrypts it later, on its own machines. So the servers open
(decrypt with RSA-4096, validate the metadata, check every hash) all received submissions after
the measured window, and the result says how many were opened without fault (``goal_met``
requires all). ``--open-on-submit`` puts that work back into the window, on the same two cores.

Timings per phase come from wrappers around ``receipt_pdf`` (the PDF) and ``delivery_run``
(encrypt + HTTP to the server + its decryption); the PDF is also timed alone, in one process
without load. ``--profile`` profiles worker 0 with cProfile (CPU time) and prints the top functions.

Usage: ``.venv/bin/python benchmarks/submissions/run.py [--workers 4] [--seconds 20]
[--profile] [--json FILE]``
"""

import argparse
import base64
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
from bench_common import PG_ADMIN_URL, admin_sql  # noqa: E402 (after the path is set)

LEIKA = "99089001001000"
FIELDS = 40
# A 200 KB "scan": random bytes, because a real scan's image streams are already compressed
# (zeros would let PostgreSQL's TOAST compression look cheaper than it is).
ATTACHMENT = b"%PDF-1.7\n" + random.Random(2026).randbytes(200 * 1024) + b"\n%%EOF"
GOAL = 50.0


# --- children (Django) --------------------------------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def _answers(tree: list[dict]) -> dict:
    values = {
        "text": "Musterstraße 12",
        "date": "2026-03-14",
        "num_int": 3,
        "bool": True,
    }
    data = {}
    for step in tree:
        for node in step["children"]:
            if node["datatype"] == "file":
                data[node["key"]] = {
                    "filename": "nachweis.pdf",
                    "content_type": "application/pdf",
                    "content_base64": base64.b64encode(ATTACHMENT).decode(),
                }
            elif node["choices"]:
                data[node["key"]] = node["choices"][0]["code"]
            else:
                data[node["key"]] = values[node["datatype"]]
    return data


def child_server(payload: dict) -> None:
    """One local FIT-Connect server in its own process (the test server serialises its
    requests under one lock; the real service is not one process): config on stdout, runs
    until stdin closes, then prints how many submissions it received, its CPU time, and the
    result of opening them all as the receiving authority."""
    sys.path.insert(0, str(REPO))
    from tests.delivery.fitconnect_server import FitConnectServer

    leika = payload["leika"]
    server = FitConnectServer(open_on_submit=payload["open_on_submit"]).start()
    destination = server.add_destination(services=[f"urn:de:fim:leika:leistung:{leika}"])
    config = {
        "leika": leika,
        "api_url": server.api_url,
        "token_url": server.token_url,
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "destination": destination.destination_id,
    }
    print(json.dumps(config), flush=True)
    sys.stdin.read()
    cpu_s = time.process_time()
    # The receiving authority's part, after the measured window unless --open-on-submit: every
    # submission decrypted (RSA-4096 per part), its metadata validated, every hash checked.
    t0 = time.process_time()
    problems = server.open_received()
    opened = [s for s in server.submitted() if s.metadata is not None]
    received = {
        "received": len(server.submitted()),
        "opened": len(opened),
        "problems": len(problems),
        "cpu_s": cpu_s,
        "open_cpu_s": time.process_time() - t0,
    }
    print(json.dumps(received), flush=True)
    server.stop()


def _build_form(municipality, leika: str):
    from revier.forms.models import Field
    from revier.forms.services import (
        form_create,
        form_field_add,
        form_step_add,
        form_version_publish,
    )

    kinds = [("text", None), ("date", None), ("num_int", None), ("bool", None)]
    kinds.append(("text", ["A", "B", "C"]))
    version = form_create(municipality=municipality, leika=leika, title="Benchmark", actor=None)
    n = 0
    for page in range(FIELDS // 10):
        step = form_step_add(version=version, title=f"Seite {page + 1}", actor=None)
        for _i in range(10):
            n += 1
            datatype, choices = kinds[n % len(kinds)]
            if n == FIELDS:
                datatype, choices = Field.Datatype.FILE, None
            form_field_add(
                version=version,
                step=step,
                label=f"Angabe {n}",
                datatype=datatype,
                choices=choices,
                required=True,
                actor=None,
            )
    return form_version_publish(version=version, actor=None)


def child_setup(servers: list[dict]) -> dict:
    _django()
    from django.core.management import call_command
    from django_scopes import scope

    from revier.accounts.services import user_create
    from revier.applications.models import Application
    from revier.applications.receipt import receipt_pdf
    from revier.applications.services import application_submit_api
    from revier.delivery.services import delivery_route_set
    from revier.forms.selectors import form_version_tree
    from revier.services.models import Service
    from revier.services.services import local_service_set
    from revier.tenancy.services import municipality_create

    call_command("migrate", verbosity=0, interactive=False)
    zeitz = municipality_create(
        slug="zeitz", name="Zeitz", ags="15084590", ars="150840590590", kreis="Burgenlandkreis"
    )
    zeitz.enabled_modules = ["services"]
    zeitz.save()
    user = user_create(email="bench@example.org", password=secrets.token_urlsafe(16))
    versions = []
    with scope(municipality=zeitz):
        # One service (form, route, server) per worker.
        for server in servers:
            leika = server["leika"]
            service = Service.objects.create(leika=leika, name=f"Benchmark {leika}")
            local_service_set(municipality=zeitz, service=service, actor=None, online=True)
            version = _build_form(zeitz, leika)
            delivery_route_set(
                municipality=zeitz,
                leika=leika,
                plugin="fitconnect",
                options={k: server[k] for k in server if k != "leika"},
            )
            versions.append(version.pk)
        version = version.__class__.objects.get(pk=versions[0])
        tree = form_version_tree(version)
        # One submission end to end, then the PDF alone (no other load) for its own figure.
        _status, body = application_submit_api(
            municipality=zeitz, version=version, actor=user, data=_answers(tree)
        )
        application = Application.objects.get(reference=body["reference"])
        field_count = version.fields.count()
        pdf_times = []
        for _ in range(15):
            t0 = time.perf_counter()
            receipt_pdf(application=application, tree=tree)
            pdf_times.append((time.perf_counter() - t0) * 1000)
    return {
        "municipality": zeitz.pk,
        "versions": versions,
        "user": user.pk,
        "fields": field_count,
        "pdf_alone_ms": round(statistics.median(pdf_times), 1),
        "receipt_bytes": len(bytes(application.receipt)),
    }


def child_work(setup: dict, index: int, start_at: float, seconds: float, profile: bool) -> dict:
    _django()
    from django.db import connection
    from django_scopes import scope

    from revier.accounts.models import User
    from revier.applications import services as app_services
    from revier.delivery import services as delivery_services
    from revier.forms.models import FormVersion
    from revier.forms.selectors import form_version_tree
    from revier.tenancy.models import Municipality

    phases: dict[str, list[float]] = {"pdf": [], "deliver": []}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name].append((time.perf_counter() - t0) * 1000)

        return wrapper

    app_services.receipt_pdf = timed("pdf", app_services.receipt_pdf)
    delivery_services.delivery_run = timed("deliver", delivery_services.delivery_run)

    municipality = Municipality.objects.get(pk=setup["municipality"])
    user = User.objects.get(pk=setup["user"])
    with scope(municipality=municipality):
        version = FormVersion.objects.select_related("form").get(pk=setup["versions"][index])
        data = _answers(form_version_tree(version))

    def submit() -> str:
        with scope(municipality=municipality):
            _status, body = app_services.application_submit_api(
                municipality=municipality, version=version, actor=user, data=data
            )
        return body["reference"]

    submit()  # warm-up: templates, fonts, keys, connections
    phases = {"pdf": [], "deliver": []}
    totals: list[float] = []
    references: list[str] = []
    profiler = None
    if profile:
        import cProfile

        # CPU time, not wall time: waiting on PostgreSQL or the server is not what to cut.
        profiler = cProfile.Profile(time.process_time)
    time.sleep(max(0.0, start_at - time.time()))
    cpu_start = time.process_time()
    end = start_at + seconds
    if profiler:
        profiler.enable()
    while time.time() < end:
        t0 = time.perf_counter()
        references.append(submit())
        totals.append((time.perf_counter() - t0) * 1000)
    if profiler:
        profiler.disable()
    finished = time.time()
    result = {
        "cpu_s": time.process_time() - cpu_start,
        "count": len(totals),
        "elapsed": finished - start_at,
        "total_ms": totals,
        "pdf_ms": phases["pdf"],
        "deliver_ms": phases["deliver"],
        "references": references,
    }
    if profiler:
        import io
        import pstats

        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(12)
        # Where Revier's own code spends it (cumulative, including what it calls).
        stats.sort_stats("cumulative").print_stats(r"revier/|httpx/_client", 25)
        result["profile"] = out.getvalue()[-12000:]
    connection.close()
    return result


# --- parent -------------------------------------------------------------------------------------


def _calibration_ms() -> float:
    """CPU time of a fixed pure-Python loop (best of three). The VM's speed drifts by up to a
    third between minutes; this figure, taken before and after a run, says how fast the
    machine was, so runs can be compared."""
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.process_time() - t0)
    return round(best * 1000, 1)


def _postgres_cpu_s() -> float | None:
    """CPU time of all local ``postgres`` processes so far (Linux /proc), None elsewhere.
    Includes PostgreSQL's background processes; the server runs on the same two cores."""
    clock = os.sysconf("SC_CLK_TCK")
    total, seen = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended meanwhile
        if "(postgres)" not in text:
            continue
        fields = text.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
        seen = True
    return total / clock if seen else None


def _delivery_statuses(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url, connect_timeout=3) as conn:
        rows = conn.execute("SELECT status, count(*) FROM delivery_delivery GROUP BY status")
        return dict(rows.fetchall())


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--open-on-submit",
        action="store_true",
        help="the test server decrypts and checks each submission inside the measured window "
        "(the receiving authority's work on Revier's two cores) instead of after it",
    )
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--args", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "server":
        child_server(json.loads(args.args))
        return
    if args.child == "setup":
        print(json.dumps(child_setup(json.loads(args.args))))
        return
    if args.child == "work":
        print(json.dumps(child_work(**json.loads(args.args))))
        return

    load = os.getloadavg()[0]
    calibration_before = _calibration_ms()
    print(
        f"load average (1 min) before: {load:.2f}; {os.cpu_count()} CPUs; "
        f"{args.workers} worker processes for {args.seconds:.0f} s"
    )
    name = f"revier_bench_{secrets.token_hex(4)}"
    db_url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    data_dir = tempfile.TemporaryDirectory()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REVIER_", "DATABASE_", "CELERY_")) and k != "DJANGO_SETTINGS_MODULE"
    }
    # Loopback only; Celery eager (no broker): the delivery runs in the worker after commit.
    env.update(
        REVIER_DATA_DIR=data_dir.name,
        DATABASE_URL=db_url,
        CELERY_BROKER_URL="",
        NO_PROXY="127.0.0.1,localhost",
    )

    def spawn(kind: str, payload, **kwargs) -> subprocess.Popen:
        # stderr into a file, not a pipe: the children log every HTTP request, and a pipe
        # nobody reads until the end fills up (64 KB) and stops the child mid-run — which
        # made three of four workers stand still for the second half of earlier runs.
        log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (removed when the run ends)
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", kind, "--args", json.dumps(payload)],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            **kwargs,
        )
        proc.log = log
        return proc

    def result_of(proc: subprocess.Popen, timeout: float) -> dict:
        out, _err = proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            proc.log.seek(0)
            raise SystemExit(f"child failed:\n{proc.log.read()[-4000:]}")
        return json.loads(out.strip().splitlines()[-1])

    servers = [
        spawn(
            "server",
            {"leika": f"{LEIKA[:-1]}{n}", "open_on_submit": args.open_on_submit},
            stdin=subprocess.PIPE,
        )
        for n in range(args.workers)
    ]
    admin_sql(f"CREATE DATABASE {name}")
    try:
        configs = [json.loads(p.stdout.readline()) for p in servers]
        setup = result_of(spawn("setup", configs), 600)
        start_at = time.time() + 15  # Django start-up and the warm-up run of every worker
        procs = [
            spawn(
                "work",
                {
                    "setup": setup,
                    "index": n,
                    "start_at": start_at,
                    "seconds": args.seconds,
                    "profile": args.profile and n == 0,
                },
            )
            for n in range(args.workers)
        ]
        # Sampled at the window's edges, while the workers' backends still exist (a process
        # that has ended takes its CPU time with it).
        time.sleep(max(0.0, start_at - time.time()))
        postgres_before = _postgres_cpu_s()
        time.sleep(max(0.0, start_at + args.seconds - time.time()))
        postgres_after = _postgres_cpu_s()
        results = [result_of(p, args.seconds + 300) for p in procs]
        statuses = _delivery_statuses(db_url)
        server_results = [result_of(p, 60) for p in servers]
        received = sum(r["received"] for r in server_results)
        opened = sum(r["opened"] for r in server_results)
        open_problems = sum(r["problems"] for r in server_results)
        open_cpu = sum(r["open_cpu_s"] for r in server_results)
        # Includes the servers' start (RSA key generation) and set-up: an upper bound.
        server_cpu = sum(r["cpu_s"] for r in server_results)
    finally:
        for p in servers:
            if p.poll() is None:
                p.kill()
        admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        data_dir.cleanup()

    calibration_after = _calibration_ms()
    count = sum(r["count"] for r in results)
    elapsed = max(r["elapsed"] for r in results)
    totals = [t for r in results for t in r["total_ms"]]
    pdf = [t for r in results for t in r["pdf_ms"]]
    deliver = [t for r in results for t in r["deliver_ms"]]
    rate = count / elapsed
    summary = {
        "date": time.strftime("%Y-%m-%d"),
        "load_before": round(load, 2),
        "calibration_ms_before_after": [calibration_before, calibration_after],
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "seconds": round(elapsed, 1),
        "fields": setup["fields"],
        "attachment_kb": len(ATTACHMENT) // 1024,
        "receipt_kb": round(setup["receipt_bytes"] / 1024, 1),
        "submissions": count,
        # Each worker's count: a worker that stood still (a lock, a full pipe) shows here.
        "per_worker": [r["count"] for r in results],
        "per_second": round(rate, 2),
        # Counts only if every submission received was also opened and checked without fault.
        "goal_met": rate >= GOAL and opened == received and open_problems == 0,
        "deliveries": statuses,
        "received_by_server": received,
        "server_opens": "on submit, in the window" if args.open_on_submit else "after the window",
        # Every submission decrypted and checked by the receiving authority's side.
        "opened_and_checked": opened,
        "open_problems": open_problems,
        "open_cpu_ms_per_submission": round(open_cpu * 1000 / max(received, 1), 1),
        "latency_ms": {"p50": _pct(totals, 0.5), "p95": _pct(totals, 0.95)},
        "pdf_ms_under_load": {"p50": _pct(pdf, 0.5), "p95": _pct(pdf, 0.95)},
        "pdf_ms_alone": setup["pdf_alone_ms"],
        "deliver_ms_under_load": {"p50": _pct(deliver, 0.5), "p95": _pct(deliver, 0.95)},
        "worker_cpu_ms_per_submission": round(sum(r["cpu_s"] for r in results) * 1000 / count, 1),
        "server_cpu_ms_per_submission_max": round(server_cpu * 1000 / max(received, 1), 1),
        # Backends and background processes, over the window (ends when the last worker does).
        "postgres_cpu_ms_per_submission": (
            round((postgres_after - postgres_before) * 1000 / max(count, 1), 1)
            if postgres_before is not None and postgres_after is not None
            else None
        ),
        "share_pdf": round(sum(pdf) / sum(totals), 3) if totals else 0,
        "share_deliver": round(sum(deliver) / sum(totals), 3) if totals else 0,
    }
    print(json.dumps(summary, indent=2))
    for r in results:
        if "profile" in r:
            print("\nprofile of worker 0 (tottime):\n" + r["profile"])
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
