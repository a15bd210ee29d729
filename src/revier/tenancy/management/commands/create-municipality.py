from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from revier.tenancy import modules
from revier.tenancy.services import municipality_create


class Command(BaseCommand):
    help = "Create a municipality (operators). Prints its slug on success."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--ags", required=True, help="Amtlicher Gemeindeschlüssel, 8 digits")
        parser.add_argument("--ars", required=True, help="Amtlicher Regionalschlüssel, 12 digits")
        parser.add_argument("--kreis", default="")
        parser.add_argument("--domain", action="append", default=[], help="custom host name")
        parser.add_argument(
            "--module",
            action="append",
            default=[],
            help=f"module to enable ({', '.join(m.key for m in modules.all_modules())})",
        )

    def handle(self, *args, **options):
        try:
            municipality = municipality_create(
                slug=options["slug"],
                name=options["name"],
                ags=options["ags"],
                ars=options["ars"],
                kreis=options["kreis"],
                domains=options["domain"],
                enabled_modules=options["module"],
            )
        except ValidationError as exc:
            lines = [
                f"{field}: {message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
            raise CommandError("Nothing was created.\n" + "\n".join(lines)) from exc
        self.stdout.write(municipality.slug)
