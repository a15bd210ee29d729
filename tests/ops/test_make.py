"""What `make run` and `make test` do on a fresh machine (issue 12, items 4 and 11): links in
e-mails from background tasks follow the port `make run` serves on, and `make test` brings up
or names, in one line each, what the tests need beyond Python."""

import os
import subprocess

from tests.ops.conftest import REPO


def _make(*args, env=None):
    return subprocess.run(
        ["make", "--no-print-directory", "-n", *args],
        cwd=REPO,
        # Run from inside `make ci`, the outer make's variables would make this one a sub-make.
        env={
            **{
                k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
            },
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def test_make_run_gives_tasks_the_public_url_of_its_port():
    """Before, tasks fell back to http://127.0.0.1:8000 whatever PORT was given."""
    plan = _make("run", "PORT=9412")
    assert "REVIER_PUBLIC_URL=http://127.0.0.1:9412 .venv/bin/revier demo" in plan
    assert (
        "REVIER_PUBLIC_URL=http://127.0.0.1:9412 .venv/bin/revier runserver 127.0.0.1:9412" in plan
    )
    configured = _make("run", "PORT=9412", "REVIER_PUBLIC_URL=https://service.zeitz.example")
    assert (
        "REVIER_PUBLIC_URL=https://service.zeitz.example .venv/bin/revier runserver" in configured
    )


def test_make_test_brings_up_the_services_first():
    lines = _make("test").splitlines()
    assert lines[0] == "scripts/test-services"
    assert lines[1].startswith(".venv/bin/pytest -n auto --dist loadfile")


def _services(**env):
    return subprocess.run(
        [str(REPO / "scripts" / "test-services")],
        cwd=REPO,
        env={**os.environ, "REVIER_TEST_SETUP": "0", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_services_are_named_in_one_line_each_with_how_to_get_them():
    # Port 9401 (this helper's range) has no PostgreSQL; the Chromium path does not exist.
    run = _services(REVIER_CHROMIUM="/nonexistent/chromium", REVIER_TEST_PG_PORT="9401")
    assert run.returncode == 0  # the suite runs; the tests that need them are skipped
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert all(line.startswith("make test: ") for line in lines)
    # (redis-server adds a third line where it is not installed)
    assert lines[:2] == [
        "make test: Chromium is missing: the browser tests are skipped. "
        "Install it: apt-get install chromium",
        "make test: PostgreSQL is not running on 127.0.0.1:9401: the stack tests are skipped. "
        "Start it: pg_ctlcluster <version> main start (apt-get install postgresql)",
    ]


def test_ci_uses_the_same_script():
    ci = (REPO / ".ci" / "run").read_text()
    assert "scripts/test-services" in ci
    assert "FLUSHDB" not in ci and "flushdb" not in ci
