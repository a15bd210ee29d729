"""``revier backup`` and ``revier restore`` (deploy/README.md, "Backup and restore").

On PostgreSQL (stack): an installation with the demo's applications and cases plus documents,
uploads and a logo file of random content is backed up, restored into a new database and a new
data directory, and there every application, case, document, upload, received package (opened
with the municipality's key) and file is found, byte for byte. On SQLite: the same round trip in
small, and the refusals: a damaged backup, a target that is not empty, another secret key.
Every command runs in its own process with the installation's environment, bounded in time.
"""

import json
import secrets
import subprocess
from pathlib import Path

import pytest

from tests.ops.conftest import PYTHON, REPO, clean_env
from tests.ops.test_stack import PG_ADMIN_URL, _admin_sql, _require_services

BIN = REPO / ".venv" / "bin"
SECRET = secrets.token_urlsafe(50)


def revier(env, *args, timeout=600, ok=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(BIN / "revier"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if ok:
        assert result.returncode == 0, f"revier {' '.join(args)}:\n{result.stderr[-3000:]}"
    return result


def probe(env, mode: str) -> dict:
    result = subprocess.run(
        [PYTHON, str(REPO / "tests" / "ops" / "_backup_probe.py"), mode],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout) if mode == "fingerprint" else {}


def installation(tmp_path: Path, name: str, **env) -> dict[str, str]:
    data_dir = tmp_path / name
    data_dir.mkdir()
    return clean_env(data_dir, REVIER_SECRET_KEY=SECRET, REVIER_LOG_LEVEL="WARNING", **env)


@pytest.mark.stack
def test_postgresql_restore_finds_every_application_case_and_document(tmp_path):
    _require_services()
    token = secrets.token_hex(4)
    source_db, target_db = f"revier_ops_backup_{token}", f"revier_ops_restore_{token}"
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    source = installation(tmp_path, "source", DATABASE_URL=f"{base}/{source_db}")
    target = installation(tmp_path, "target", DATABASE_URL=f"{base}/{target_db}")
    _admin_sql(f'CREATE DATABASE "{source_db}"')
    _admin_sql(f'CREATE DATABASE "{target_db}"')
    try:
        revier(source, "migrate", "--no-input", "-v", "0")
        revier(source, "demo")
        probe(source, "populate")
        before = probe(source, "fingerprint")

        backup_dir = tmp_path / "backup"
        out = revier(source, "backup", "--output", str(backup_dir)).stdout
        assert "postgresql database" in out
        assert sorted(p.name for p in backup_dir.iterdir()) == [
            "SHA256SUMS",
            "database.dump",
            "manifest.json",
            "media.tar",
        ]
        assert (backup_dir / "database.dump").read_bytes()[:5] == b"PGDMP"  # custom format
        assert backup_dir.stat().st_mode & 0o077 == 0  # personal data: the owner's alone

        out = revier(target, "restore", str(backup_dir)).stdout
        assert "all checked against the manifest" in out
        after = probe(target, "fingerprint")

        for kind in ("applications", "cases", "documents", "uploads", "packages", "media"):
            assert before[kind], f"nothing to compare: no {kind} in the source"
            assert after[kind] == before[kind], kind
        # The random documents and uploads of populate() are among them, byte-equal.
        assert len([d for d in after["documents"] if d[2].startswith("anlage-")]) == 2
        assert all(d[4] == d[5] for d in after["documents"])  # stored hash = content hash
        assert any(path.startswith("municipalities/logos/") for path, _ in after["media"])

        # A second restore into the now filled database is refused, nothing changed.
        again = revier(target, "restore", str(backup_dir), ok=False)
        assert again.returncode != 0
        assert "is not empty" in again.stderr
        assert probe(target, "fingerprint")["documents"] == before["documents"]
    finally:
        _admin_sql(f'DROP DATABASE IF EXISTS "{source_db}" WITH (FORCE)')
        _admin_sql(f'DROP DATABASE IF EXISTS "{target_db}" WITH (FORCE)')


def test_sqlite_round_trip_and_what_restore_refuses(tmp_path):
    source = installation(tmp_path, "source")
    revier(source, "migrate", "--no-input", "-v", "0")
    logo = Path(source["REVIER_DATA_DIR"]) / "media" / "municipalities" / "logos" / "z.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(secrets.token_bytes(5000))
    backup_dir = tmp_path / "backup"
    assert "sqlite database" in revier(source, "backup", "--output", str(backup_dir)).stdout
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["media"][0]["path"] == "municipalities/logos/z.png"
    assert manifest["tables"]["django_migrations"] > 50
    assert "intact" in revier(source, "restore", "--check-only", str(backup_dir)).stdout

    # Into a fresh data directory: database and file back, byte-equal.
    target = installation(tmp_path, "target")
    revier(target, "restore", str(backup_dir))
    restored = Path(target["REVIER_DATA_DIR"]) / "media" / "municipalities" / "logos" / "z.png"
    assert restored.read_bytes() == logo.read_bytes()
    assert "No migrations to apply" in revier(target, "migrate", "--no-input").stdout

    # The same backup again: the target is not empty.
    refused = revier(target, "restore", str(backup_dir), ok=False)
    assert "is not empty" in refused.stderr

    # Another secret key: refused unless asked for.
    other = installation(tmp_path, "other")
    other["REVIER_SECRET_KEY"] = secrets.token_urlsafe(50)
    refused = revier(other, "restore", str(backup_dir), ok=False)
    assert "REVIER_SECRET_KEY differs" in refused.stderr

    # One changed byte: refused before anything is touched.
    dump = backup_dir / "database.sqlite3"
    dump.chmod(0o600)
    data = bytearray(dump.read_bytes())
    data[-1] ^= 0xFF
    dump.write_bytes(bytes(data))
    damaged = installation(tmp_path, "damaged")
    refused = revier(damaged, "restore", str(backup_dir), ok=False)
    assert "database.sqlite3 does not match its checksum" in refused.stderr
    assert not (Path(damaged["REVIER_DATA_DIR"]) / "media").exists()

    # And backup never writes into a directory that holds something.
    assert "is not empty" in revier(source, "backup", "--output", str(backup_dir), ok=False).stderr
