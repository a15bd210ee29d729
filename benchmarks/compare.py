"""Before and after: the portal, catalogue search and submissions benchmarks of two commits, side
by side in one run on the same machine.

    python benchmarks/compare.py --before aa5ced6 --after HEAD [--rounds 2] [--quick]
        [--only portal,catalogue,submissions] [--json out.json]

Each ref gets its own git worktree (``git worktree add --detach``) under a temporary directory and
its own environment from its own uv.lock (``uv sync --frozen``). Every benchmark then runs
before, after, before, after … (ABAB: the drift of a shared VM's speed hits both sides alike),
each time with that worktree's Python and that ref's benchmark script. The table gives the
median of the rounds per side and the ratio, oriented so that ≥ 0.95 means "not more than 5 %
worse": after/before for throughput, before/after for latency.

Bounded and tidy: every subprocess has a timeout; a run that overruns (or Ctrl-C / SIGTERM) is
interrupted so the benchmark drops its own database, then killed; processes left behind in a
worktree, throw-away databases the run created and still left, and the worktrees themselves are
removed at the end. Only loopback targets (PostgreSQL and Redis on 127.0.0.1). Standard library
only: run it with any Python 3.11+. See benchmarks/README.md ("Before and after").
"""

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
GATE = 0.95
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# The portal benchmark's documented Redis database; it flushes it before and after each run.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

PORTAL_PATHS = {
    "floor": "/_bench/floor",
    "home": "/zeitz/",
    "api": "/api/v1/municipalities/",
    "news_api": "/api/v1/zeitz/news/",
}

# Options per benchmark: the full run (the figures of record in RESULTS.md) and --quick, the
# shortest run that still produces every figure (for testing this script, not for results).
# "timeout" bounds one run, set-up (migrations, demo data, RSA keys) included.
BENCHMARKS = {
    "portal": {
        "script": "benchmarks/portal/run.py",
        "full": {},  # make bench: 4 sync workers, 16 connections, 2 s warm-up + 12 s per endpoint
        "quick": {"--seconds": "6"},
        "timeout": {"full": 1200, "quick": 900},
    },
    "catalogue": {
        "script": "benchmarks/catalogue/run.py",
        "full": {},  # 2000 services × 100 municipalities, 30 rounds of the ten queries
        "quick": {"--services": "0", "--municipalities": "1", "--rounds": "1"},
        "timeout": {"full": 1800, "quick": 600},
    },
    "submissions": {
        "script": "benchmarks/submissions/run.py",
        # Two workers for 20 s: the set-up of the figures of record in RESULTS.md.
        "full": {"--workers": "2", "--seconds": "20"},
        "quick": {"--workers": "1", "--seconds": "3"},
        "timeout": {"full": 1200, "quick": 900},
    },
}


class RunFailed(Exception):
    pass


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def calibration_ms() -> float:
    """CPU time of the fixed loop of benchmarks/submissions/run.py (best of three), in this
    process, so both sides are measured by the same interpreter: how fast the machine was."""
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.process_time() - t0)
    return round(best * 1000, 1)


def loopback_only(url: str, what: str) -> None:
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        sys.exit(f"{what} must point to 127.0.0.1 (loopback only), not {host!r}")


def redis_db(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    if not path.isdigit() or int(path) == 0:
        sys.exit(f"BENCH_REDIS_URL needs a database number other than 0 (it is flushed): {url}")
    return int(path)


def git(*args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        ["git", "-C", str(REPO), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        raise RunFailed(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def find_uv() -> str:
    """The uv of the Makefile: uv on PATH, else the one bootstrapped into .uv/ by make."""
    found = shutil.which("uv") or (REPO / ".uv" / "bin" / "uv")
    if not Path(found).is_file():
        sys.exit("uv not found: run `make install` once (bootstraps .uv/bin/uv) or put uv on PATH")
    return str(found)


def clean_env() -> dict:
    """The environment of every child: nothing of a developer's Revier or virtualenv settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REVIER_", "DATABASE_", "REDIS_", "CELERY_", "EMAIL_"))
        and key not in {"DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONPATH"}
        and key != "UV_PROJECT_ENVIRONMENT"
    }
    env.update(BENCH_PG_ADMIN_URL=PG_ADMIN_URL, BENCH_REDIS_URL=REDIS_URL)
    env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


class Side:
    """One ref checked out in its own worktree with its own environment."""

    def __init__(self, label: str, ref: str, root: Path):
        self.label = label
        self.ref = ref
        self.sha = git("rev-parse", "--verify", f"{ref}^{{commit}}")
        self.subject = git("log", "-1", "--format=%s", self.sha)[:100]
        self.path = root / label
        self.python = self.path / ".venv" / "bin" / "python"
        self.options: dict[str, set[str]] = {}

    def prepare(self, uv: str, logs: Path) -> None:
        log(f"{self.label}: worktree of {self.ref} ({self.sha[:10]}) …")
        git("worktree", "add", "--detach", str(self.path), self.sha, timeout=300)
        log(f"{self.label}: uv sync --frozen …")
        out = logs / f"uv-sync-{self.label}.log"
        with out.open("wb") as sink:
            result = subprocess.run(
                [uv, "sync", "--frozen", "--python", "python3"],
                cwd=self.path,
                env=clean_env(),
                stdout=sink,
                stderr=subprocess.STDOUT,
                timeout=900,
                check=False,
            )
        if result.returncode:
            raise RunFailed(f"uv sync in {self.path} failed:\n{tail(out)}")

    def supported_options(self, bench: str) -> set[str]:
        """The options this ref's benchmark script accepts (from its --help)."""
        if bench not in self.options:
            result = subprocess.run(
                [str(self.python), BENCHMARKS[bench]["script"], "--help"],
                cwd=self.path,
                env=clean_env(),
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if result.returncode:
                raise RunFailed(f"{bench} --help failed on {self.label}:\n{result.stderr[-2000:]}")
            self.options[bench] = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", result.stdout))
        return self.options[bench]


def tail(path: Path, chars: int = 3000) -> str:
    with contextlib.suppress(OSError):
        return path.read_text(errors="replace")[-chars:]
    return ""


def pg_check(python: Path) -> None:
    """Fail early when PostgreSQL is not reachable at the admin URL."""
    code = (
        "import os, psycopg\n"
        "psycopg.connect(os.environ['BENCH_PG_ADMIN_URL'], connect_timeout=3).close()\n"
    )
    result = subprocess.run(
        [str(python), "-c", code],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode:
        raise RunFailed(f"PostgreSQL at {PG_ADMIN_URL} not reachable:\n{result.stderr[-1500:]}")


# Which throw-away databases belong to a run: every process of the run connects with its own
# application_name (PGAPPNAME, read by libpq), and this watcher notes the revier_bench_<8 hex>
# databases such connections use. Other people's benchmark databases on the same server are
# never touched, even when they are momentarily without a connection.
WATCH = """
import os, time, psycopg
seen = set()
with psycopg.connect(os.environ["BENCH_PG_ADMIN_URL"], autocommit=True, connect_timeout=3) as c:
    while True:
        rows = c.execute(
            "SELECT DISTINCT datname FROM pg_stat_activity WHERE application_name = %s"
            " AND datname ~ '^revier_bench_[0-9a-f]{8}$'",
            (os.environ["WATCH_APPNAME"],),
        ).fetchall()
        for (name,) in rows:
            if name not in seen:
                seen.add(name)
                print(name, flush=True)
        time.sleep(1)
"""


# The name comes from the watcher and is checked against the benchmarks' pattern here again.
DROP = """
import os, re, psycopg
name = os.environ["DROP_NAME"]
assert re.fullmatch(r"revier_bench_[0-9a-f]{8}", name)
with psycopg.connect(os.environ["BENCH_PG_ADMIN_URL"], autocommit=True, connect_timeout=3) as c:
    exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("dropped" if exists else "gone")
"""


def pg_drop_leftovers(python: Path, candidates: set[str]) -> None:
    """Drop those of a run's databases that still exist (the benchmark normally drops its own;
    not when it was killed)."""
    for name in sorted(candidates):
        if not re.fullmatch(r"revier_bench_[0-9a-f]{8}", name):
            continue
        result = subprocess.run(
            [str(python), "-c", DROP],
            env={**clean_env(), "DROP_NAME": name},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        outcome = result.stdout.strip() if not result.returncode else "drop failed"
        if outcome != "gone":
            log(f"left-over database {name}: {outcome}")


def redis_flush(python: Path) -> None:
    code = (
        "import os, redis\n"
        "redis.Redis.from_url(os.environ['BENCH_REDIS_URL'], socket_connect_timeout=3).flushdb()\n"
    )
    subprocess.run(
        [str(python), "-c", code], env=clean_env(), capture_output=True, timeout=30, check=False
    )


def processes_in(path: Path) -> list[int]:
    """Processes whose working directory is inside ``path`` (a worktree of this run): what a
    killed benchmark may leave, e.g. gunicorn, which the portal benchmark starts in a session
    of its own."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            cwd = (proc / "cwd").readlink()
            if cwd == path or path in cwd.parents:
                found.append(int(proc.name))
    return [pid for pid in found if pid != os.getpid()]


def stop_group(proc: subprocess.Popen) -> None:
    """Interrupt a benchmark (SIGINT: its finally blocks drop its database), then kill it."""
    for sig, grace in ((signal.SIGINT, 60), (signal.SIGKILL, 10)):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)


def stop_leftovers(path: Path) -> None:
    for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 5)):
        pids = processes_in(path)
        if not pids:
            return
        log(f"stopping {len(pids)} process(es) left in {path.name}: {pids}")
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while processes_in(path) and time.monotonic() < deadline:
            time.sleep(0.5)


def run_once(side: Side, bench: str, quick: bool, round_no: int, workdir: Path) -> dict:
    spec = BENCHMARKS[bench]
    mode = "quick" if quick else "full"
    supported = side.supported_options(bench)
    if "--json" not in supported:
        raise RunFailed(f"{bench} on {side.label} has no --json option")
    args, dropped = [], []
    for option, value in spec[mode].items():
        if option in supported:
            args += [option, value]
        else:
            dropped.append(option)  # an older script without that knob: runs with its default
    out = workdir / f"{bench}-{side.label}-{round_no}.json"
    out_log = workdir / f"{bench}-{side.label}-{round_no}.log"
    command = [str(side.python), spec["script"], *args, "--json", str(out)]
    timeout = spec["timeout"][mode]
    appname = f"revier-compare-{secrets.token_hex(6)}"
    record = {
        "benchmark": bench,
        "side": side.label,
        "round": round_no,
        "command": " ".join([".venv/bin/python", spec["script"], *args, "--json", "FILE"]),
        "options_not_supported": dropped,
        "load_before": round(os.getloadavg()[0], 2),
        "calibration_ms_before": calibration_ms(),
    }
    log(f"{bench} round {round_no} {side.label} ({side.sha[:10]}): {record['command']}")
    started = time.monotonic()
    watch_out = workdir / f"{bench}-{side.label}-{round_no}.databases"
    with watch_out.open("wb") as sink:
        watcher = subprocess.Popen(
            [str(side.python), "-c", WATCH],
            env={**clean_env(), "WATCH_APPNAME": appname, "PGAPPNAME": "revier-compare-watch"},
            stdout=sink,
            stderr=subprocess.DEVNULL,
        )
    try:
        with out_log.open("wb") as sink:
            proc = subprocess.Popen(
                command,
                cwd=side.path,
                env={**clean_env(), "PGAPPNAME": appname},
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: interrupted and killed as one
            )
            try:
                returncode = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                stop_group(proc)
                raise RunFailed(f"{bench} on {side.label} exceeded {timeout} s") from None
            except BaseException:
                stop_group(proc)
                raise
        if returncode:
            raise RunFailed(f"{bench} on {side.label} exited with {returncode}:\n{tail(out_log)}")
        record["result"] = json.loads(out.read_text())
    except (RunFailed, OSError, ValueError) as exc:
        record["error"] = str(exc)
        log(f"FAILED: {exc}")
    finally:
        record["seconds"] = round(time.monotonic() - started, 1)
        stop_leftovers(side.path)
        watcher.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            watcher.wait(timeout=10)
        if watcher.poll() is None:
            watcher.kill()
        databases = set(watch_out.read_text().split()) if watch_out.exists() else set()
        record["databases"] = sorted(databases)
        pg_drop_leftovers(side.python, databases)
        if bench == "portal" and "result" not in record:
            redis_flush(side.python)  # the throttle and cache state of an interrupted run
    record["calibration_ms_after"] = calibration_ms()
    log(f"{bench} round {round_no} {side.label}: {record['seconds']} s")
    return record


# --- figures --------------------------------------------------------------------------------------


def figures(bench: str, result: dict) -> list[tuple[str, str, str, bool, float]]:
    """(key, label, kind, gated, value) of one run. kind: "throughput" (higher is better) or
    "latency" (lower is better). Ungated rows are context, not part of the 0.95 rule."""
    rows = []
    if bench == "portal":
        for name, r in result["results"].items():
            path = PORTAL_PATHS.get(name, name)
            rows.append(
                (f"portal.{name}.rps", f"portal `{path}` requests/s", "throughput", True, r["rps"])
            )
        for name, r in result["results"].items():
            path = PORTAL_PATHS.get(name, name)
            rows.append(
                (f"portal.{name}.p95", f"portal `{path}` p95 ms", "latency", True, r["p95_ms"])
            )
    elif bench == "catalogue":
        rows.append(
            (
                "catalogue.municipality.p95",
                "catalogue search in a municipality p95 ms",
                "latency",
                True,
                result["municipality_search"]["p95_ms"],
            )
        )
        rows.append(
            (
                "catalogue.federal.p95",
                "catalogue federal search p95 ms",
                "latency",
                False,
                result["federal_search"]["p95_ms"],
            )
        )
        rows.append(
            (
                "catalogue.api.p95",
                "catalogue `GET /api/v1/services/?q=` p95 ms",
                "latency",
                False,
                result["api_search"]["p95_ms"],
            )
        )
    elif bench == "submissions":
        rate = result["per_second"]
        calibration = statistics.mean(result["calibration_ms_before_after"])
        rows.append(("submissions.per_second", "submissions per second", "throughput", True, rate))
        rows.append(
            (
                "submissions.per_second_x_calibration",
                "submissions per second × calibration ms",
                "throughput",
                True,
                round(rate * calibration, 1),
            )
        )
        rows.append(
            (
                "submissions.latency.p95",
                "submission latency p95 ms",
                "latency",
                False,
                result["latency_ms"]["p95"],
            )
        )
    return rows


def compare(runs: list[dict]) -> list[dict]:
    table: dict[str, dict] = {}
    for run in runs:
        if "result" not in run:
            continue
        for key, label, kind, gated, value in figures(run["benchmark"], run["result"]):
            row = table.setdefault(
                key,
                {
                    "key": key,
                    "metric": label,
                    "kind": kind,
                    "gated": gated,
                    "before_rounds": [],
                    "after_rounds": [],
                },
            )
            row[f"{run['side']}_rounds"].append(value)
    for row in table.values():
        before = statistics.median(row["before_rounds"]) if row["before_rounds"] else None
        after = statistics.median(row["after_rounds"]) if row["after_rounds"] else None
        ratio = None
        if before and after:
            ratio = after / before if row["kind"] == "throughput" else before / after
        row.update(
            before=before,
            after=after,
            ratio=round(ratio, 3) if ratio is not None else None,
            ok=(ratio >= GATE) if ratio is not None else None,
        )
    return list(table.values())


def fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}"


def print_table(rows: list[dict], runs: list[dict], sides: dict, quick: bool) -> None:
    print()
    print(f"before: {sides['before'].ref} = {sides['before'].sha[:10]} {sides['before'].subject}")
    print(f"after:  {sides['after'].ref} = {sides['after'].sha[:10]} {sides['after'].subject}")
    print(
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        + (" — QUICK (smoke test, not results)" if quick else "")
    )
    print()
    print(f"| metric | before | after | ratio | ≥ {GATE} | before rounds | after rounds |")
    print("| --- | ---: | ---: | ---: | :---: | ---: | ---: |")
    for row in rows:
        verdict = "–" if row["ok"] is None else ("yes" if row["ok"] else "**no**")
        if not row["gated"]:
            verdict = f"({verdict}, context)"
        ratio = "–" if row["ratio"] is None else f"{row['ratio']:.3f}"
        print(
            f"| {row['metric']} | {fmt(row['before'])} | {fmt(row['after'])} | "
            f"{ratio} | {verdict} | "
            f"{', '.join(fmt(v) for v in row['before_rounds'])} | "
            f"{', '.join(fmt(v) for v in row['after_rounds'])} |"
        )
    print()
    print("Calibration loop (ms CPU, lower = faster machine; before / after each run):")
    for run in runs:
        own = ""
        if run.get("result", {}).get("calibration_ms_before_after"):
            own = f", the benchmark's own {run['result']['calibration_ms_before_after']}"
        status = "" if "result" in run else f" FAILED: {(run.get('error') or '?').splitlines()[0]}"
        print(
            f"  {run['benchmark']:<11} round {run['round']} {run['side']:<6} "
            f"{run['calibration_ms_before']} / {run.get('calibration_ms_after', '–')}{own}; "
            f"load {run['load_before']}; {run['seconds']} s{status}"
        )


# --- main -----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", required=True, help="git ref of the 'before' side")
    parser.add_argument("--after", required=True, help="git ref of the 'after' side")
    parser.add_argument("--rounds", type=int, default=2, help="runs per benchmark and side")
    parser.add_argument(
        "--quick", action="store_true", help="shortest runs that still give every figure"
    )
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help="comma-separated subset of: " + ", ".join(BENCHMARKS),
    )
    parser.add_argument("--json", type=Path, help="write runs and the comparison to this file")
    args = parser.parse_args()
    benches = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = [b for b in benches if b not in BENCHMARKS]
    if unknown or not benches:
        parser.error(f"--only: unknown benchmark(s) {unknown}; choose from {list(BENCHMARKS)}")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    loopback_only(PG_ADMIN_URL, "BENCH_PG_ADMIN_URL")
    if "portal" in benches:
        loopback_only(REDIS_URL, "BENCH_REDIS_URL")
        redis_db(REDIS_URL)
        if not shutil.which("wrk"):
            sys.exit("wrk is missing: apt-get install -y wrk (Debian package)")
    uv = find_uv()

    # SIGTERM and SIGHUP end the run like Ctrl-C: through the finally blocks below.
    def interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGHUP, interrupt)

    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="revier-compare-")).resolve()
    logs = root / "logs"
    logs.mkdir()
    sides: dict[str, Side] = {}
    runs: list[dict] = []
    failed = False
    interrupted = False
    try:
        sides = {
            "before": Side("before", args.before, root),
            "after": Side("after", args.after, root),
        }
        for side in sides.values():
            side.prepare(uv, logs)
        pg_check(sides["after"].python)  # PostgreSQL reachable, before the long part
        prepared = time.monotonic()
        log(f"worktrees ready in {prepared - started:.0f} s")
        for bench in benches:
            for round_no in range(1, args.rounds + 1):
                for label in ("before", "after"):
                    runs.append(run_once(sides[label], bench, args.quick, round_no, logs))
                    failed = failed or "error" in runs[-1]
    except KeyboardInterrupt:
        interrupted = True
        log("interrupted: cleaning up")
    except RunFailed as exc:
        failed = True
        log(str(exc))
    finally:
        for side in sides.values():
            stop_leftovers(side.path)
        shutil.rmtree(root, ignore_errors=True)
        with contextlib.suppress(subprocess.SubprocessError, RunFailed):
            git("worktree", "prune")
    elapsed = time.monotonic() - started

    rows = compare(runs)
    if len(sides) == 2:
        print_table(rows, runs, sides, args.quick)
    print(f"\nwall time {elapsed / 60:.1f} min")
    gated = [row for row in rows if row["gated"]]
    passed = bool(gated) and all(row["ok"] for row in gated) and not failed and not interrupted
    if args.json:
        report = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": args.quick,
            "rounds": args.rounds,
            "gate": GATE,
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "kernel": platform.release(),
            },
            "sides": {
                label: {"ref": side.ref, "sha": side.sha, "subject": side.subject}
                for label, side in sides.items()
            },
            "wall_seconds": round(elapsed, 1),
            "comparison": rows,
            "runs": runs,
            "failed": failed,
            "interrupted": interrupted,
            "passed": passed,
        }
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    if interrupted:
        return 130
    if failed:
        return 2
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
