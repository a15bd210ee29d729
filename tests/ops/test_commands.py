"""`revier create-token` as an operator runs it: a process with an exit code."""

import subprocess

from tests.ops.conftest import REPO, clean_env

REVIER = str(REPO / ".venv" / "bin" / "revier")


def _revier(env, *args):
    return subprocess.run(
        [REVIER, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )


def test_create_token_exit_codes(data_dir):
    env = clean_env(data_dir)
    assert _revier(env, "migrate", "--no-input", "-v", "0").returncode == 0
    create = (
        "from revier.accounts.services import user_create; user_create(email='ops@example.org')"
    )
    assert _revier(env, "shell", "-c", create).returncode == 0

    unknown = _revier(env, "create-token", "--user", "nobody@example.org")
    known = _revier(env, "create-token", "--user", "ops@example.org")
    again = _revier(env, "create-token", "--user", "ops@example.org")

    assert unknown.returncode == 1
    assert unknown.stdout == ""
    assert "There is no person with the e-mail address 'nobody@example.org'." in unknown.stderr
    assert known.returncode == 0
    assert len(known.stdout.strip()) == 40
    assert again.stdout == known.stdout
