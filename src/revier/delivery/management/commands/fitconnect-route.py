from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from revier.delivery.services import delivery_route_set
from revier.tenancy.models import Municipality

OPTION_ARGUMENTS = {
    "api_url": "--api-url",
    "token_url": "--token-url",
    "client_id": "--client-id",
    "client_secret": "--client-secret",
    "destination": "--destination",
    "leika": "--service",
}


class Command(BaseCommand):
    help = (
        "Deliver the submissions of one service of one municipality by FIT-Connect (operators). "
        "Replaces the service's current route. The client secret is stored encrypted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, metavar="SLUG")
        parser.add_argument("--service", required=True, metavar="LEIKA", help="14-digit LeiKa key")
        parser.add_argument("--api-url", required=True, help="Submission API, e.g. https://…")
        parser.add_argument("--token-url", required=True, help="OAuth2 token endpoint")
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--destination", required=True, metavar="UUID")

    def handle(self, *args, **options):
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"There is no municipality {options['municipality']!r}.")
        try:
            with scope(municipality=municipality):
                route = delivery_route_set(
                    municipality=municipality,
                    leika=options["service"].strip(),
                    plugin="fitconnect",
                    options={
                        key: options[key].strip()
                        for key in (
                            "api_url",
                            "token_url",
                            "client_id",
                            "client_secret",
                            "destination",
                        )
                    },
                )
        except ValidationError as exc:
            details = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            lines = [
                f"{OPTION_ARGUMENTS.get(field, field)}: {message}".lstrip(": ")
                for field, messages in details.items()
                for message in messages
            ]
            raise CommandError("The route was not set.\n" + "\n".join(lines)) from exc
        self.stdout.write(
            f"{municipality.slug} {route.leika}: FIT-Connect destination "
            f"{route.options['destination']}"
        )
