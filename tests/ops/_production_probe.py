"""Run in a subprocess with production settings (see test_security.py): sets up a fresh SQLite
database, makes a few requests through the whole middleware stack and prints what came back as
JSON. Settings are read from the environment at import time, hence the separate process."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from revier.accounts.services import user_create  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)
if not (settings.STATIC_ROOT / "staticfiles.json").is_file():  # the tests collect once
    call_command("collectstatic", verbosity=0, interactive=False)
user_create(email="probe@example.org", password="Sichere-Testphrase-2026", verified=True)

HOST = "revier.example"


def describe(response) -> dict:
    return {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {
            name: {
                "secure": bool(morsel["secure"]),
                "httponly": bool(morsel["httponly"]),
                "samesite": morsel["samesite"],
            }
            for name, morsel in response.cookies.items()
        },
    }


client = Client(HTTP_HOST=HOST)
result = {
    "plain_http": describe(client.get("/api/v1/municipalities/")),
    "api": describe(client.get("/api/v1/municipalities/", secure=True)),
    "login_form": describe(client.get("/accounts/login/", secure=True)),
    "login": describe(
        client.post(
            "/accounts/login/",
            {"login": "probe@example.org", "password": "Sichere-Testphrase-2026"},
            secure=True,
        )
    ),
    "language": describe(client.post("/i18n/setlang/", {"language": "en"}, secure=True)),
    "healthz_by_ip": describe(Client(HTTP_HOST="10.0.0.7").get("/healthz")),
}
print(json.dumps(result))
