"""``revier create-user --email EMAIL [--municipality SLUG --role ROLE]``: an account whose
e-mail address counts as confirmed, for operators and tests. Prints the e-mail address.

Extend it by overriding ``add_arguments`` and ``extend`` (called inside the transaction with the
new person and the parsed options), e.g. ``--organisation NAME``."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_scopes import scope

from revier.accounts.services import organisation_member_ensure, staff_role_grant, user_create
from revier.core import kit
from revier.tenancy.models import Municipality


class Command(BaseCommand):
    help = (
        "Create an account with a confirmed e-mail address and print the address. With "
        "--municipality and --role the person also gets that staff role there. Without "
        "--password the account has no usable password (log in by other means, or use "
        "'revier create-token')."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, metavar="EMAIL", help="e-mail address")
        parser.add_argument("--password", default=None, help="password (default: none usable)")
        parser.add_argument("--first-name", default="", help="given name")
        parser.add_argument("--last-name", default="", help="family name")
        parser.add_argument("--municipality", metavar="SLUG", help="municipality of the role")
        parser.add_argument(
            "--role",
            metavar="ROLE",
            help="staff role in the municipality, one of: "
            + ", ".join(role.key for role in kit.roles()),
        )
        parser.add_argument(
            "--organisation",
            metavar="NAME",
            help="organisation (company) the person acts for: joined as a member, or created "
            "with the person as its administrator when there is none of that name",
        )

    def handle(self, *args, **options):
        if bool(options["municipality"]) != bool(options["role"]):
            raise CommandError("--municipality and --role go together.")
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(slug=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"There is no municipality {options['municipality']!r}.")
            if kit.role(options["role"]) is None:
                raise CommandError(f"Unknown role {options['role']!r}.")
        try:
            with transaction.atomic():
                user = user_create(
                    email=options["email"],
                    password=options["password"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    verified=True,
                )
                if municipality is not None:
                    with scope(municipality=municipality):
                        staff_role_grant(
                            municipality=municipality, user=user, role=options["role"], actor=None
                        )
                self.extend(user, options)
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            raise CommandError(
                "; ".join(f"{field}: {' '.join(m)}".lstrip(": ") for field, m in messages.items())
            ) from exc
        self.stdout.write(user.email)

    def extend(self, user, options) -> None:
        """Hook for further options; runs in the same transaction. ``--organisation``."""
        if options.get("organisation"):
            organisation_member_ensure(name=options["organisation"], user=user)
