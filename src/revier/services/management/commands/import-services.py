import sys

from django.core.management.base import BaseCommand, CommandError

from revier.services.importers import CatalogueFileError, read_file
from revier.services.services import catalogue_import


class Command(BaseCommand):
    help = (
        "Import federal catalogue services from XZuFi 2.x XML, CSV or JSON "
        "(docs/service-catalogue-format.md). All or nothing: one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xml, .csv or .json file.")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Import nothing when any entry is refused (exit status 1).",
        )

    def handle(self, *args, file, strict, **options):
        try:
            fmt, records = read_file(file)
        except CatalogueFileError as exc:
            raise CommandError(str(exc)) from exc
        total = len(records)
        progress = self._progress(total) if self.stdout.isatty() else None

        from django.db import transaction

        class Refused(Exception):
            pass

        try:
            with transaction.atomic():
                result = catalogue_import(records=records, progress=progress)
                if strict and result.refused:
                    raise Refused
        except Refused:
            self._summary(fmt, total, result, rolled_back=True)
            raise CommandError("Refused entries with --strict: nothing was imported.") from None
        if progress:
            self.stdout.write("")
        self._summary(fmt, total, result)

    def _progress(self, total: int):
        width = 30

        def show(n: int) -> None:
            done = int(width * n / total) if total else width
            self.stdout.write(f"\r[{'#' * done}{'.' * (width - done)}] {n}/{total}", ending="")
            self.stdout.flush()

        return show

    def _summary(self, fmt, total, result, *, rolled_back: bool = False) -> None:
        out = self.stdout
        out.write(f"Read {total} entries ({fmt}).")
        if rolled_back:
            out.write("Nothing was written.")
        out.write(
            f"created: {len(result.created)}, changed: {len(result.changed)}, "
            f"unchanged: {len(result.unchanged)}, refused: {len(result.refused)}"
        )
        for refusal in result.refused:
            key = refusal.leika or "-"
            out.write(f"refused {refusal.location} [{key}]: {refusal.reason}")
        sys.stdout.flush()
