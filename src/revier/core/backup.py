"""Backup and restore of an installation: the database and the files (ADR 0036, deploy/README.md).

A backup is one directory:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (the
  embedded default, SQLite's online backup). Documents, uploads and delivered packages live in
  the database (binary columns), so they are in here.
- ``media.tar``: ``MEDIA_ROOT`` (municipality logos and whatever storage writes there).
- ``manifest.json``: when, which Revier and Django, which migrations, the row count of every
  table and every media file with its size and SHA-256, taken from the same snapshot as the dump.
- ``SHA256SUMS``: the artefacts' checksums, in ``sha256sum -c`` format.

Restore checks every checksum before it touches anything, restores into an **empty** database
(``pg_restore --single-transaction --exit-on-error``) and an empty media directory, then checks
again: every table's row count and every file's checksum against the manifest.

Not in the backup: the environment file with ``REVIER_SECRET_KEY``. Sealed values (delivery
packages, plugin secrets, municipality keys) can only be opened with the same key, so it must be
kept (safely, apart) with the backups; the manifest holds a fingerprint to tell whether the
restoring installation has the right one. Redis holds only cache, queue and rate-limit state.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import django
from django.conf import settings
from django.db import connection, transaction

from revier.core.crypto import _derived_key

FORMAT = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_TAR = "media.tar"
CHUNK = 1024 * 1024
# pg_dump/pg_restore may take long on a large installation; bounded all the same.
TOOL_TIMEOUT = int(os.environ.get("REVIER_BACKUP_TIMEOUT", str(6 * 3600)))


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def secret_key_fingerprint() -> str:
    """A value that tells whether two installations share ``SECRET_KEY`` and reveals nothing
    about it (a key derived for this purpose alone, hashed)."""
    return hashlib.sha256(_derived_key(settings.SECRET_KEY, "backup-fingerprint")).hexdigest()[:16]


def _vendor() -> str:
    return connection.vendor  # "postgresql" or "sqlite"


def _pg_args_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password only in the environment."""
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run_tool(argv: list[str], env: dict[str, str]) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(
            f"{argv[0]} is not installed: apt-get install postgresql-client (the same major "
            "version as the server or newer)."
        )
    result = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=TOOL_TIMEOUT, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} failed:\n{result.stderr.strip()[-3000:]}")


def _table_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
    return dict(cursor.fetchall())  # the latest of each app wins


def _media_files(root: Path) -> list[dict]:
    if not root.is_dir():
        return []
    files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        files.append(
            {
                "path": path.relative_to(root).as_posix(),
                "size": path.stat().st_size,
                "sha256": sha256_file(path),
            }
        )
    return files


@dataclass
class Result:
    path: Path
    manifest: dict


def backup(*, output: Path) -> Result:
    """Write a backup into the new directory ``output``."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} exists and is not empty: give a new directory.")
    # Personal data: readable by the service user only.
    output.mkdir(parents=True, exist_ok=True, mode=0o700)
    output.chmod(0o700)
    vendor = _vendor()
    if vendor == "postgresql":
        artefact, counts, migrations = _backup_postgresql(output)
    elif vendor == "sqlite":
        artefact, counts, migrations = _backup_sqlite(output)
    else:
        raise BackupError(f"database {vendor} is not supported")

    media_root = Path(settings.MEDIA_ROOT)
    media = _media_files(media_root)
    with tarfile.open(output / MEDIA_TAR, "w") as tar:
        for item in media:
            tar.add(media_root / item["path"], arcname=item["path"], recursive=False)

    artefacts = {
        name: {"size": (output / name).stat().st_size, "sha256": sha256_file(output / name)}
        for name in (artefact, MEDIA_TAR)
    }
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "revier": metadata.version("revier"),
        "django": django.get_version(),
        "database": vendor,
        "secret_key_fingerprint": secret_key_fingerprint(),
        "artefacts": artefacts,
        "migrations": migrations,
        "tables": counts,
        "media": media,
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    sums = {name: a["sha256"] for name, a in artefacts.items()}
    sums[MANIFEST] = sha256_file(output / MANIFEST)
    (output / SUMS).write_text("".join(f"{digest}  {name}\n" for name, digest in sums.items()))
    for path in output.iterdir():
        path.chmod(0o600)
    return Result(output, manifest)


def _backup_postgresql(output: Path) -> tuple[str, dict, dict]:
    # One snapshot for the dump and the counts: the manifest describes exactly what was dumped,
    # while the installation keeps running.
    args, env = _pg_args_env()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _table_counts(cursor)
        migrations = _migrations(cursor)
        _run_tool(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "--file",
                str(output / PG_DUMP),
                *args,
            ],
            env,
        )
    return PG_DUMP, counts, migrations


def _sqlite_copy(source: Path | str, target: Path | str) -> None:
    """SQLite's online backup: a consistent copy while others write."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _backup_sqlite(output: Path) -> tuple[str, dict, dict]:
    target = output / SQLITE_COPY
    _sqlite_copy(settings.DATABASES["default"]["NAME"], target)
    # Counted in the copy: exactly what was saved.
    with closing(sqlite3.connect(target)) as copy:
        tables = copy.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        counts = {
            name: copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for (name,) in sorted(tables)
        }
        migrations = dict(
            copy.execute("SELECT app, name FROM django_migrations ORDER BY app, id").fetchall()
        )
    return SQLITE_COPY, counts, migrations


# --- restore ------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    """The manifest of the backup in ``source``, after checking every checksum."""
    source = Path(source)
    sums_file = source / SUMS
    if not sums_file.is_file() or not (source / MANIFEST).is_file():
        raise BackupError(f"{source} is not a Revier backup ({SUMS} or {MANIFEST} missing).")
    expected = {}
    for line in sums_file.read_text().splitlines():
        digest, _, name = line.partition("  ")
        expected[name] = digest
    for name, digest in expected.items():
        path = source / name
        if "/" in name or not path.is_file():
            raise BackupError(f"{name} is listed in {SUMS} but missing.")
        if sha256_file(path) != digest:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
    manifest = json.loads((source / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not supported.")
    for name in manifest["artefacts"]:
        if name not in expected:
            raise BackupError(f"{name} has no checksum in {SUMS}.")
    return manifest


def restore(*, source: Path, allow_other_secret_key: bool = False) -> dict:
    """Restore the backup in ``source`` into this installation's (empty) database and media
    directory; returns the manifest. Raises :class:`BackupError` before changing anything when
    the backup is damaged or the target is not empty."""
    source = Path(source)
    manifest = read_manifest(source)
    vendor = _vendor()
    if manifest["database"] != vendor:
        raise BackupError(
            f"the backup is of a {manifest['database']} database; this installation uses {vendor}."
        )
    if (
        manifest["secret_key_fingerprint"] != secret_key_fingerprint()
        and not allow_other_secret_key
    ):
        raise BackupError(
            "REVIER_SECRET_KEY differs from the backed-up installation's: sealed values "
            "(delivery packages, plugin secrets, keys) could not be opened. Restore with the "
            "environment file kept with the backup, or pass --allow-other-secret-key."
        )
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"the database {settings.DATABASES['default']['NAME']} is not empty ({len(tables)} "
            "tables): restore into a new, empty database."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} is not empty: restore into an empty media directory.")

    if vendor == "postgresql":
        args, env = _pg_args_env()
        connection.close()
        _run_tool(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(source / PG_DUMP),
            ],
            env,
        )
    else:
        connection.close()
        _sqlite_copy(source / SQLITE_COPY, settings.DATABASES["default"]["NAME"])

    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_TAR) as tar:
        names = {item["path"] for item in manifest["media"]}
        for member in tar.getmembers():
            if member.name not in names or not member.isfile():
                raise BackupError(f"{MEDIA_TAR} holds {member.name!r}, which the manifest lacks.")
        tar.extractall(media_root, filter="data")
    verify(manifest)
    return manifest


def verify(manifest: dict) -> None:
    """Check the restored installation against the manifest: every table's rows, every file."""
    problems = []
    with connection.cursor() as cursor:
        counts = _table_counts(cursor)
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"table {table}: {counts.get(table)} rows, expected {expected}")
    media_root = Path(settings.MEDIA_ROOT)
    for item in manifest["media"]:
        path = media_root / item["path"]
        if not path.is_file() or sha256_file(path) != item["sha256"]:
            problems.append(f"file {item['path']} is missing or differs")
    if problems:
        raise BackupError("the restored data differs from the backup:\n  " + "\n  ".join(problems))
