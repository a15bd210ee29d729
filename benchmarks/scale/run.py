"""Scale benchmark: every page and API p95 at 3, 1,000 and 10,000 municipalities (issue 13).

One throw-away PostgreSQL database, grown in steps (grow.py bulk-inserts municipalities with an
office, local services, staff and a share of cases); at each size gunicorn (deploy/gunicorn.conf.py,
production settings) is started afresh on a port of this benchmark and every endpoint is measured
with wrk, after the floor. Records `migrate` on the empty database and again at each size, the
calibration loop and the load average before and after each size. See benchmarks/README.md.
"""

import argparse
import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BIN = REPO / ".venv" / "bin"

_spec = importlib.util.spec_from_file_location("portal_run", HERE.parent / "portal" / "run.py")
portal = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(portal)

ENDPOINTS = [
    ("floor", "/_bench/floor"),
    ("platform start", "/"),
    ("platform Land", "/?land=15"),
    ("platform Kreis", "/?kreis=15084"),
    ("platform search", "/?q=zeit"),
    ("home", "/zeitz/"),
    ("news", "/zeitz/aktuelles/"),
    ("services", "/zeitz/leistungen/"),
    ("impressum", "/zeitz/impressum/"),
    ("API municipalities", "/api/v1/municipalities/"),
    ("API municipalities Land", "/api/v1/municipalities/?land=15"),
    ("API news", "/api/v1/zeitz/news/"),
    ("API services", "/api/v1/zeitz/services/"),
    ("home, random municipality", "spread"),
]


def calibration_ms() -> float:
    """The fixed loop of benchmarks/submissions/run.py (best of three), in this process."""
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.process_time() - t0)
    return round(best * 1000, 1)


def revier(env: dict, *args: str, timeout: int = 1200) -> None:
    result = subprocess.run(
        [str(BIN / "revier"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        sys.exit(f"revier {' '.join(args)} failed:\n{result.stderr[-3000:]}")


def timed(env: dict, *args: str) -> float:
    t0 = time.perf_counter()
    revier(env, *args)
    return round(time.perf_counter() - t0, 2)


def static_files(env: dict, data_dir: Path, keep: Path | None) -> None:
    """collectstatic (manifest and compression: minutes on a loaded VM), or a copy kept from an
    earlier run of the same commit (``--static-cache``)."""
    target = data_dir / "static"
    if keep is not None and (keep / "staticfiles.json").is_file():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(keep, target)
        return
    revier(env, "collectstatic", "--no-input", "-v", "0")
    if keep is not None:
        shutil.copytree(target, keep, dirs_exist_ok=True)


def wrk(url: str, *, connections: int, seconds: int, script: Path, extra_env: dict) -> dict:
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
        env={**os.environ, **extra_env},
    )
    if result.returncode:
        sys.exit(f"wrk failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(base_url: str, args, synthetic: int) -> dict:
    results = {}
    extra = {"REPORT_LUA": str(HERE.parent / "portal" / "report.lua"), "SCALE_N": str(synthetic)}
    for name, path in ENDPOINTS:
        if path == "spread":
            script, url = HERE / "spread.lua", base_url + "/"
        else:
            script, url = HERE.parent / "portal" / "report.lua", base_url + path
        wrk(url, connections=args.connections, seconds=2, script=script, extra_env=extra)
        r = wrk(
            url, connections=args.connections, seconds=args.seconds, script=script, extra_env=extra
        )
        results[name] = r
        print(
            f"  {name:28} {r['rps']:7.0f}/s  p50 {r['p50_ms']:6.1f}  p95 {r['p95_ms']:6.1f} ms"
            f"  errors {r['non_2xx'] + r['socket_errors']}",
            file=sys.stderr,
            flush=True,
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3,1000,10000")
    parser.add_argument("--seconds", type=int, default=8, help="measured seconds per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=9210)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--static-cache", type=Path, help="keep collected static files here")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (Debian package)")
    sizes = [int(s) for s in args.sizes.split(",")]
    data_dir = Path(tempfile.mkdtemp(prefix="revier-scale-"))
    database = f"revier_bench_{secrets.token_hex(4)}"
    base_url = f"http://127.0.0.1:{args.port}"
    portal.REDIS_URL = args.redis_url
    env = portal.server_env(
        data_dir=data_dir,
        database=database,
        port=args.port,
        workers=args.workers,
        REVIER_BENCHMARK_FLOOR="1",
        REVIER_NUM_PROXIES="1",
        REDIS_URL=args.redis_url,
        REVIER_WEB_THREADS=str(args.threads),
        DJANGO_SETTINGS_MODULE="revier.config.settings",
        PGAPPNAME="revier-scale-bench",
    )
    report: dict = {
        "machine": portal.machine(),
        "setup": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "sizes": {},
    }
    portal.admin_sql(f'CREATE DATABASE "{database}"')
    portal.flush_redis()
    server = None
    try:
        report["migrate_empty_s"] = timed(env, "migrate", "--no-input", "-v", "0")
        static_files(env, data_dir, args.static_cache)
        revier(env, "demo")
        for size in sizes:
            print(f"Growing to {size} municipalities …", file=sys.stderr, flush=True)
            grown = subprocess.run(
                [str(BIN / "python"), str(HERE / "grow.py"), "--to", str(size)],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=1800,
                check=False,
            )
            if grown.returncode:
                sys.exit(f"grow.py failed:\n{grown.stderr[-3000:]}")
            added = json.loads(grown.stdout.strip().splitlines()[-1])
            synthetic = max(0, size - 3)
            entry = {
                "grown": added,
                "migrate_s": timed(env, "migrate", "--no-input", "-v", "0"),
                "load_before": round(os.getloadavg()[0], 2),
                "calibration_ms_before": calibration_ms(),
            }
            portal.flush_redis()
            server = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py")],
                env=env,
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=(data_dir / f"gunicorn-{size}.log").open("wb"),
                start_new_session=True,
            )
            portal.wait_ready(base_url, server)
            print(f"{size} municipalities:", file=sys.stderr, flush=True)
            entry["results"] = measure(base_url, args, synthetic)
            entry["calibration_ms_after"] = calibration_ms()
            entry["load_after"] = round(os.getloadavg()[0], 2)
            _stop(server)
            server = None
            report["sizes"][str(size)] = entry
    finally:
        if server is not None:
            _stop(server)
        portal.admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        portal.flush_redis()
        shutil.rmtree(data_dir, ignore_errors=True)

    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report, sizes)
    return 0


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)


def print_table(report: dict, sizes: list[int]) -> None:
    first, last = str(sizes[0]), str(sizes[-1])
    print()
    m = report["machine"]
    print(f"{m['date']}, {m['nproc']} cores ({m['cpu']}), load before the run {m['load_before']}")
    print(f"migrate on the empty database: {report['migrate_empty_s']} s")
    for size in sizes:
        e = report["sizes"][str(size)]
        print(
            f"{size}: grown in {e['grown'].get('seconds')} s ({e['grown']}), "
            f"migrate (nothing to do) {e['migrate_s']} s, "
            f"calibration {e['calibration_ms_before']} / "
            f"{e['calibration_ms_after']} ms, load {e['load_before']} / {e['load_after']}"
        )
    print()
    head = " | ".join(f"p95 {s} (req/s)" for s in sizes)
    print(f"| endpoint | {head} | p95 {last} / {first} | ratio to floor at {last} |")
    print("| --- |" + " ---: |" * (len(sizes) + 2))
    for name, _path in ENDPOINTS:
        cells = []
        for size in sizes:
            r = report["sizes"][str(size)]["results"][name]
            cells.append(f"{r['p95_ms']:.1f} ({r['rps']:.0f})")
        a = report["sizes"][first]["results"][name]["p95_ms"]
        b = report["sizes"][last]["results"][name]["p95_ms"]
        floor = report["sizes"][last]["results"]["floor"]["rps"]
        rps = report["sizes"][last]["results"][name]["rps"]
        ratio = f"{b / a:.2f}" if a else "–"
        to_floor = f"{rps / floor:.2f}" if floor else "–"
        print(f"| {name} | {' | '.join(cells)} | {ratio} | {to_floor} |")


if __name__ == "__main__":
    sys.exit(main())
