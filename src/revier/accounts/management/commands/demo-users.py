from django.core.management.base import BaseCommand

from revier.accounts.demo import demo_users


class Command(BaseCommand):
    help = "Print the demo users: e-mail, municipality slug and role, separated by tabs."

    def handle(self, *args, **options):
        for user in demo_users():
            self.stdout.write(f"{user.email}\t{user.municipality}\t{user.role}")
