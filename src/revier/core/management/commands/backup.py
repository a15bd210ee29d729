"""``revier backup [--output DIR]``: database and files of this installation into a new directory,
with a manifest and checksums (``revier.core.backup``; deploy/README.md, "Backup and restore")."""

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from revier.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the media files into a new directory."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="a new directory (default: REVIER_DATA_DIR/backups/revier-<UTC time>)",
        )

    def handle(self, *args, **options):
        output = options["output"] or (
            settings.DATA_DIR / "backups" / f"revier-{datetime.now(tz=UTC):%Y%m%dT%H%M%SZ}"
        )
        try:
            result = backup(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backup in {result.path}: {manifest['database']} database, "
            f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['media'])} files."
        )
        self.stdout.write(
            "Keep the environment file (REVIER_SECRET_KEY) with it, apart and safe: "
            "sealed values cannot be read without it."
        )
