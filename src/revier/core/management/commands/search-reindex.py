from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from revier.core import search


class Command(BaseCommand):
    help = (
        "Rebuild the search index of the registered sources (all, or the ones named), e.g. "
        "after restoring a database dump. Searches keep working meanwhile: each source is "
        "rebuilt in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", metavar="SOURCE", help="e.g. services.catalogue")

    def handle(self, *args, sources: list[str], **options):
        known = {s.name: s for s in search.registered()}
        unknown = sorted(set(sources) - set(known))
        if unknown:
            raise CommandError(
                f"Unknown search source(s): {', '.join(unknown)}. Known: {', '.join(known)}."
            )
        for name in sources or known:
            with transaction.atomic():
                count = search.reindex(known[name])
            self.stdout.write(f"{name}: {count} documents")
