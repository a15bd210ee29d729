"""``revier check-plugins``: run ``check_config`` of every configured plugin of every
municipality and of the platform (identity providers), one line each.

Exit status 1 when a check failed, so it can run in monitoring. A check never raises; the output
is bounded (``--limit``), the reason of a failure is shown, tracebacks only go to the log.
"""

from django.core.management.base import BaseCommand, CommandError

from revier.core.plugins import configured_plugins


class Command(BaseCommand):
    help = "Check the configuration of every configured plugin (Verbindung testen)."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", metavar="SLUG", help="only this municipality")
        parser.add_argument("--kind", help="only delivery, payment, sms or identity")
        parser.add_argument("--limit", type=int, default=200, help="at most this many checks")

    def handle(self, *args, **options):
        checked = failed = 0
        for configured in configured_plugins():
            if options["municipality"] and configured.owner != options["municipality"]:
                continue
            if options["kind"] and configured.kind != options["kind"]:
                continue
            if checked >= options["limit"]:
                self.stdout.write(f"… stopped after {checked} checks (--limit).")
                break
            result = configured.check()
            checked += 1
            failed += not result.ok
            status = "ok    " if result.ok else "FAILED"
            line = (
                f"{status} {configured.kind} {configured.owner} {configured.name} "
                f"({configured.plugin.id}): {result.text()}"
            )
            self.stdout.write(line[:500])
        self.stdout.write(f"{checked} checked, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} plugin configuration(s) failed their check.")
