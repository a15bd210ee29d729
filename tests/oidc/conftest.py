"""A real OpenID Connect provider (django-oauth-toolkit) on loopback, and Revier configured to
log in through it as "BundID"."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "revier-test-client"
CLIENT_SECRET = "revier-test-secret-" + "s" * 20
PROVIDER_ID = "bundid"
CALLBACK_PATH = f"/accounts/oidc/{PROVIDER_ID}/login/callback/"


def callback_uris(base_url: str) -> list[str]:
    base_url = base_url.rstrip("/")
    return [f"{base_url}{CALLBACK_PATH}", f"{base_url}/zeitz{CALLBACK_PATH}"]


@contextlib.contextmanager
def running_provider(tmp_dir: Path, redirect_uris: list[str]):
    """Start the provider in its own process; yields its base URL."""
    env = {
        **os.environ,
        "OIDC_PROVIDER_DB": str(tmp_dir / "provider.sqlite3"),
        "OIDC_REDIRECT_URIS": " ".join(redirect_uris),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    log = tmp_dir / "provider.log"
    with log.open("w") as stderr:  # a file, not a pipe nobody reads: it could fill and block
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc.provider.serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        line = process.stdout.readline()
        if not line.startswith("READY "):
            process.kill()
            raise RuntimeError(f"OIDC provider did not start: {line}{log.read_text()}")
        url = f"http://127.0.0.1:{int(line.split()[1])}"
        # Listening already; the first answers also import the views (slow on a busy machine).
        for path in ("/o/.well-known/openid-configuration", "/o/.well-known/jwks.json"):
            assert httpx.get(f"{url}{path}", timeout=180).status_code == 200
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


@pytest.fixture(autouse=True)
def _patient_requests(settings):
    # Revier's calls to the provider (token, userinfo, keys) on a busy test machine.
    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = 120


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The provider for Django's test client (host ``testserver``)."""
    with running_provider(
        tmp_path_factory.mktemp("oidc-provider"), callback_uris("http://testserver")
    ) as url:
        yield url


def configure_bundid(provider_url: str, **settings):
    """Revier's operator sets the provider up as a social application (operator admin)."""
    from allauth.socialaccount.models import SocialApp

    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id=PROVIDER_ID,
        name="BundID",
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        settings={"server_url": f"{provider_url}/o", **settings},
    )


@pytest.fixture
def bundid(db, oidc_provider):
    return configure_bundid(oidc_provider, scope=["openid", "profile", "email", "address"])
