from django.core.management.base import BaseCommand, CommandError

from revier.accounts.models import User
from revier.core.services import api_token_issue


class Command(BaseCommand):
    help = (
        "Print the API token of a person, creating it if needed. Use it as "
        "'Authorization: Token <token>'. With --reset an existing token is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="EMAIL", help="e-mail address")
        parser.add_argument(
            "--reset", action="store_true", help="replace an existing token with a new one"
        )

    def handle(self, *args, user: str, reset: bool, **options):
        person = User.objects.filter(email__iexact=user.strip()).first()
        if person is None:
            raise CommandError(f"There is no person with the e-mail address {user!r}.")
        if not person.is_active:
            raise CommandError(f"The account {person.email!r} is deactivated.")
        self.stdout.write(api_token_issue(user=person, reset=reset))
