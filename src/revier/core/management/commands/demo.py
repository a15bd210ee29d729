from django.core.management.base import BaseCommand

from revier.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo municipalities, staff, residents and a company."

    def handle(self, *args, **options):
        created = load_demo()
        self.stdout.write(
            f"Demo data ready ({created['municipalities']} municipalities and "
            f"{created['users']} people created). Demo password: {DEMO_PASSWORD}"
        )
