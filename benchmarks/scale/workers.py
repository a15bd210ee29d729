"""gunicorn configurations compared on one database in one run, ABAB (ADR 0034, issue 11).

Configurations (all through deploy/gunicorn.conf.py, production settings, the demo data):

- ``old``: the settings before issue 13 — 4 sync workers, no preloading, recycled after
  2000 requests with a jitter of 200;
- ``sync``: the shipped settings — 4 sync workers, preloaded, recycled after 5000–10000;
- ``gthread``: the shipped settings with 2 threads per worker (4 × 2).

Each round runs every configuration once (a fresh gunicorn each time) over the floor, a
municipality's home page, the municipalities API and the news API; rounds repeat in the same
order, so the machine's drift falls on every configuration alike. Records the calibration loop
and the load average before every configuration, and how many worker boots gunicorn logged.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import run as scale

portal = scale.portal

ENDPOINTS = [
    ("floor", "/_bench/floor"),
    ("home", "/zeitz/"),
    ("API municipalities", "/api/v1/municipalities/"),
    ("API news", "/api/v1/zeitz/news/"),
]
CONFIGS = {
    "old": {
        "REVIER_WEB_PRELOAD": "0",
        "REVIER_WEB_MAX_REQUESTS": "2000",
        "REVIER_WEB_MAX_REQUESTS_JITTER": "200",
        "REVIER_WEB_THREADS": "1",
    },
    "sync": {"REVIER_WEB_THREADS": "1"},
    "gthread": {"REVIER_WEB_THREADS": "2"},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=12)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--configs", default="old,sync,gthread")
    parser.add_argument("--port", type=int, default=9220)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--static-cache", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    configs = args.configs.split(",")
    data_dir = Path(tempfile.mkdtemp(prefix="revier-workers-"))
    database = f"revier_bench_{secrets.token_hex(4)}"
    base_url = f"http://127.0.0.1:{args.port}"
    portal.REDIS_URL = args.redis_url
    env = portal.server_env(
        data_dir=data_dir,
        database=database,
        port=args.port,
        workers=4,
        REVIER_BENCHMARK_FLOOR="1",
        REVIER_NUM_PROXIES="1",
        REVIER_LOG_LEVEL="INFO",
        REDIS_URL=args.redis_url,
        DJANGO_SETTINGS_MODULE="revier.config.settings",
        PGAPPNAME="revier-workers-bench",
    )
    report: dict = {"machine": portal.machine(), "setup": vars(args) | {"json": None}, "runs": []}
    report["setup"]["static_cache"] = str(args.static_cache)
    portal.admin_sql(f'CREATE DATABASE "{database}"')
    server = None
    try:
        scale.revier(env, "migrate", "--no-input", "-v", "0")
        scale.static_files(env, data_dir, args.static_cache)
        scale.revier(env, "demo")
        report_lua = HERE_PORTAL / "report.lua"
        for round_no in range(args.rounds):
            for name in configs:
                portal.flush_redis()
                run = {
                    "round": round_no + 1,
                    "config": name,
                    "load_before": round(os.getloadavg()[0], 2),
                    "calibration_ms_before": scale.calibration_ms(),
                }
                log = data_dir / f"gunicorn-{name}-{round_no}.log"
                server = subprocess.Popen(
                    [
                        str(scale.BIN / "gunicorn"),
                        "-c",
                        str(scale.REPO / "deploy" / "gunicorn.conf.py"),
                    ],
                    env={**env, **CONFIGS[name]},
                    cwd=scale.REPO,
                    stdout=subprocess.DEVNULL,
                    stderr=log.open("wb"),
                    start_new_session=True,
                )
                portal.wait_ready(base_url, server, timeout=300)
                print(f"round {round_no + 1}, {name}:", file=sys.stderr, flush=True)
                results = {}
                for label, path in ENDPOINTS:
                    scale.wrk(
                        base_url + path,
                        connections=args.connections,
                        seconds=2,
                        script=report_lua,
                        extra_env={},
                    )
                    r = scale.wrk(
                        base_url + path,
                        connections=args.connections,
                        seconds=args.seconds,
                        script=report_lua,
                        extra_env={},
                    )
                    results[label] = r
                    print(
                        f"  {label:20} {r['rps']:7.0f}/s  p95 {r['p95_ms']:7.1f}  max "
                        f"{r['max_ms']:7.0f} ms",
                        file=sys.stderr,
                        flush=True,
                    )
                scale._stop(server)
                server = None
                text = log.read_text(errors="replace")
                run["worker_boots"] = text.count("Booting worker")
                run["results"] = results
                report["runs"].append(run)
    finally:
        if server is not None:
            scale._stop(server)
        portal.admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        portal.flush_redis()
        shutil.rmtree(data_dir, ignore_errors=True)

    print()
    print(
        "| round | config | calibration ms | load | worker boots | "
        + " | ".join(f"{label} req/s (p95 ms)" for label, _ in ENDPOINTS)
        + " |"
    )
    print("| --- " * (5 + len(ENDPOINTS)) + "|")
    for run in report["runs"]:
        cells = " | ".join(
            f"{run['results'][label]['rps']:.0f} ({run['results'][label]['p95_ms']:.1f})"
            for label, _ in ENDPOINTS
        )
        print(
            f"| {run['round']} | {run['config']} | {run['calibration_ms_before']} | "
            f"{run['load_before']} | {run['worker_boots']} | {cells} |"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


HERE_PORTAL = Path(__file__).resolve().parent.parent / "portal"

if __name__ == "__main__":
    sys.exit(main())
