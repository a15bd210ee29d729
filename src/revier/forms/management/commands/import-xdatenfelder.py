from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from revier.core.imports import get_importer
from revier.core.imports.selectors import import_run_problems
from revier.core.imports.services import import_run_create, import_run_execute
from revier.core.imports.terminal import progress_line
from revier.core.models import ImportRun
from revier.forms.models import FormVersion
from revier.tenancy.selectors import municipality_by_slug


class Command(BaseCommand):
    help = (
        "Import a FIM XDatenfelder file (Stammdatenschema or Datenfeldgruppe, version 2.0 or "
        "3.0; 1.0 where it parses) as a new version of a service's form. Prints the id of the "
        "new form version; the import report goes to stderr. Nothing is stored on error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="XDatenfelder XML file")
        parser.add_argument("--municipality", required=True, metavar="SLUG")
        parser.add_argument("--service", required=True, metavar="LEIKA", help="14-digit key")
        parser.add_argument(
            "--publish", action="store_true", help="publish the new version at once"
        )

    def handle(self, *args, file: str, municipality: str, service: str, publish: bool, **opts):
        tenant = municipality_by_slug(municipality)
        if tenant is None:
            raise CommandError(f"There is no municipality with the address {municipality!r}.")
        spec = get_importer("forms.xdatenfelder")
        path = Path(file)
        try:
            with path.open("rb") as handle:
                # One byte over the limit is enough to refuse; never read a huge file whole.
                data = handle.read(spec.byte_limit() + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            run = import_run_create(
                importer=spec.key,
                data=data,
                # The file type is the parser's to judge, whatever the file is called.
                source_name=path.name if spec.accepts(path.name) else f"{path.name}.xml",
                municipality=tenant,
                options={"leika": service, "publish": publish},
            )
        except ValidationError as exc:
            messages = "\n".join(f"  {m}" for m in exc.messages)
            raise CommandError(f"{file} was refused, nothing was imported:\n{messages}") from exc
        progress = progress_line(self.stderr)
        try:
            run = import_run_execute(
                run_id=run.pk, municipality_id=tenant.pk, on_progress=progress, reraise=True
            )
        finally:
            if progress:
                progress.finish()
        if run.status == ImportRun.Status.FAILED:
            lines = [
                f"  {p.location}: {p.message}" if p.location else f"  {p.message}"
                for p in import_run_problems(run=run)
            ]
            raise CommandError(
                f"{file} was refused, nothing was imported (import run {run.pk}):\n"
                + "\n".join(lines)
            )
        with scope(municipality=tenant):
            version = FormVersion.objects.get(pk=run.result_object_id)
        for entry in version.report:
            where = (
                f"{entry['path']} (line {entry['line']})" if entry.get("line") else entry["path"]
            )
            self.stderr.write(f"{entry['level']}: {where}: {entry['message']}")
        status = version.get_status_display()
        self.stderr.write(f"Imported {version.title!r} as version {version.number} ({status}).")
        self.stdout.write(str(version.pk))
