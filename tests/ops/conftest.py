import fcntl
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def closed_port() -> int:
    """A loopback port nothing listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The environment of a child process: this one's without Revier's and the database's
    variables (CI sets them), plus ``overrides``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REVIER_", "DATABASE_", "REDIS_", "CELERY_", "EMAIL_"))
        # The browser tests' fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for this process only.
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env["REVIER_DATA_DIR"] = str(tmp_path)
    env.update(overrides)
    return env


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    settings = {
        "REVIER_ENV": "production",
        "REVIER_SECRET_KEY": secrets.token_urlsafe(60),
        "REVIER_ALLOWED_HOSTS": "revier.example",
    }
    return clean_env(tmp_path, **{**settings, **overrides})


def run_python(
    script: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, str(REPO / "tests" / "ops" / script)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def production_static(tmp_path_factory, worker_id) -> Path:
    """``collectstatic`` with production settings, once per test run: hashing and compressing
    the static files takes a minute or more on a loaded machine, and the production probe and
    the stack would each do it again. Under xdist the workers share one copy: the first to get
    the lock collects, the others wait and reuse it (the base temp directory's parent is this
    run's own)."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent
    data_dir = root / "production-static"
    with (root / "production-static.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (data_dir / "static" / "staticfiles.json").is_file():
            data_dir.mkdir(exist_ok=True)
            result = subprocess.run(
                [str(REPO / ".venv" / "bin" / "revier"), "collectstatic", "--no-input", "-v", "0"],
                env=production_env(data_dir),
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            assert result.returncode == 0, f"collectstatic failed:\n{result.stderr[-3000:]}"
    assert (data_dir / "static" / "staticfiles.json").is_file()
    return data_dir / "static"


def use_static(data_dir: Path, static: Path) -> None:
    """Give ``data_dir`` (a REVIER_DATA_DIR) the collected static files of the session."""
    (data_dir / "static").symlink_to(static, target_is_directory=True)
