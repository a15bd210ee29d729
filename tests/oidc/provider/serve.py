"""Run the test OIDC provider: ``python -m tests.oidc.provider.serve``.

Environment: OIDC_PROVIDER_DB (SQLite file), OIDC_REDIRECT_URIS (space-separated), CLIENT_ID,
CLIENT_SECRET. Binds 127.0.0.1 on a free port and prints ``READY <port>`` once it serves."""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # keep the test output readable
        pass


def _private_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc.provider.settings"
    os.environ.setdefault("OIDC_PROVIDER_KEY", _private_key())
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    from tests.oidc.provider.persons import PASSWORD, PERSONS

    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    for username in PERSONS:
        if not User.objects.filter(username=username).exists():
            User.objects.create_user(username=username, password=PASSWORD)
    Application.objects.filter(client_id=os.environ["CLIENT_ID"]).delete()
    Application.objects.create(
        name="Revier",
        client_id=os.environ["CLIENT_ID"],
        client_secret=os.environ["CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["OIDC_REDIRECT_URIS"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    print(f"READY {server.server_port}", flush=True)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
