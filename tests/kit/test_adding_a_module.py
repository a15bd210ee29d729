"""A module is one folder: adding one needs its folder and one line in INSTALLED_APPS.

The sample module (``tests/kit/sample_module``) contributes one of everything a module can
contribute. Its checks run in a separate pytest whose settings are Revier's plus that one line
(``tests/kit/settings_with_sample_module.py``), so the proof covers what only happens at start-up
(``AppConfig.ready()``, URL confs, the Celery router).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sample_module_reaches_every_part_of_the_platform(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.kit.settings_with_sample_module",
        "REVIER_DATA_DIR": str(tmp_path),
    }
    # Its own database: SQLite, so it never meets the outer run's test database.
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--ds=tests.kit.settings_with_sample_module",
            "tests/kit/sample_module/checks.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "9 passed" in result.stdout


def test_no_platform_file_names_the_sample_module():
    """The other half of the rule: nothing outside its folder refers to it (but its settings)."""
    allowed = {
        ROOT / "tests/kit/settings_with_sample_module.py",
        ROOT / "tests/kit/test_adding_a_module.py",
    }
    hits = [
        path
        for base in (ROOT / "src", ROOT / "tests")
        for path in base.rglob("*.py")
        if "sample_module" in path.read_text(encoding="utf-8")
        and ROOT / "tests/kit/sample_module" not in path.parents
        and path not in allowed
    ]
    assert hits == []
