from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from revier.core.imports import get_importer
from revier.core.imports.services import import_run_create, import_run_execute
from revier.core.imports.terminal import progress_line, summary_lines
from revier.core.models import ImportRun


class Command(BaseCommand):
    help = (
        "Import federal catalogue services from XZuFi 2.x XML, CSV or JSON "
        "(docs/service-catalogue-format.md) as an import run: valid entries are imported, "
        "refused ones listed with their place; a file that cannot be read imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xml, .csv or .json file.")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Import nothing when any entry is refused (exit status 1).",
        )

    def handle(self, *args, file, strict, **options):
        spec = get_importer("services.catalogue")
        path = Path(file)
        try:
            with path.open("rb") as handle:
                data = handle.read(spec.byte_limit() + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            run = import_run_create(
                importer=spec.key,
                data=data,
                source_name=path.name,
                options={"all_or_nothing": strict},
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        progress = progress_line(self.stderr)
        try:
            run = import_run_execute(
                run_id=run.pk, municipality_id=None, on_progress=progress, reraise=True
            )
        finally:
            if progress:
                progress.finish()
        for line in summary_lines(run):
            self.stdout.write(line)
        self.stdout.flush()
        if run.status == ImportRun.Status.FAILED:
            # A failed run wrote nothing: it was rolled back, or every entry was refused.
            problems = [line for line in summary_lines(run) if line.startswith("refused ")]
            raise CommandError(
                f"{file}: nothing was imported (import run {run.pk}).\n"
                + "\n".join(f"  {line}" for line in problems)
            )
