"""The `revier` console script: Django's management commands with Revier's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["revier", *sys.argv[1:]])


if __name__ == "__main__":
    main()
