from django.core.management.base import BaseCommand

from revier.core.demo import load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo data that every module declares."

    def handle(self, *args, **options):
        summary = load_demo()
        self.stdout.write(
            f"Demo data ready ({summary.get('municipalities', 0)} municipalities and "
            f"{summary.get('users', 0)} people created). "
            f"Demo password: {summary.get('password', '')}"
        )
