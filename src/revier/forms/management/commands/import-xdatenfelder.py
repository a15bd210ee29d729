from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from revier.forms.services import form_import_xdatenfelder
from revier.forms.xdf import XDatenfelderError, max_bytes
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
        path = Path(file)
        try:
            with path.open("rb") as handle:
                # One byte over the limit is enough to refuse; never read a huge file whole.
                data = handle.read(max_bytes() + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            with scope(municipality=tenant):
                version = form_import_xdatenfelder(
                    municipality=tenant,
                    leika=service,
                    data=data,
                    filename=path.name,
                    publish=publish,
                )
        except XDatenfelderError as exc:
            lines = [f"  {problem}" for problem in exc.problems]
            raise CommandError(
                f"{file} was refused, nothing was imported:\n" + "\n".join(lines)
            ) from exc
        except ValidationError as exc:
            messages = (
                [f"  {k}: {m}" for k, ms in exc.message_dict.items() for m in ms]
                if hasattr(exc, "error_dict")
                else [f"  {m}" for m in exc.messages]
            )
            raise CommandError("Nothing was imported:\n" + "\n".join(messages)) from exc
        for entry in version.report:
            where = (
                f"{entry['path']} (line {entry['line']})" if entry.get("line") else entry["path"]
            )
            self.stderr.write(f"{entry['level']}: {where}: {entry['message']}")
        status = version.get_status_display()
        self.stderr.write(f"Imported {version.title!r} as version {version.number} ({status}).")
        self.stdout.write(str(version.pk))
