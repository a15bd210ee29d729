"""``revier restore DIR``: a backup made by ``revier backup`` into this installation's empty
database and media directory, checked against its manifest before and after."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from revier.core.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = "Restore a backup into an empty database and media directory."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="the backup's directory")
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="only check the backup's checksums; change nothing",
        )
        parser.add_argument(
            "--allow-other-secret-key",
            action="store_true",
            help="restore although REVIER_SECRET_KEY differs (sealed values stay unreadable)",
        )

    def handle(self, *args, **options):
        try:
            if options["check_only"]:
                manifest = read_manifest(options["source"])
                self.stdout.write(
                    f"Backup of {manifest['created_at']} is intact "
                    f"({', '.join(sorted(manifest['artefacts']))})."
                )
                return
            manifest = restore(
                source=options["source"],
                allow_other_secret_key=options["allow_other_secret_key"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {len(manifest['tables'])} tables, "
            f"{rows} rows, {len(manifest['media'])} files, all checked against the manifest. "
            "Next: revier migrate (if this code is newer), then start the services."
        )
