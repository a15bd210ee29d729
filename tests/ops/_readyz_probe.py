"""Run in a subprocess (see test_health.py): ask /readyz once with the settings the environment
gives, print status and body as JSON."""

import json
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
django.setup()

from django.test import Client  # noqa: E402

started = time.monotonic()
response = Client().get("/readyz")
print(
    json.dumps(
        {
            "status": response.status_code,
            "content_type": response["Content-Type"],
            "body": response.json(),
            "seconds": time.monotonic() - started,
        }
    )
)
