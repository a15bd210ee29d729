"""Production settings: Django's deployment checklist and the security headers and cookies."""

import json
import subprocess

import pytest

from tests.delivery.fitconnect_server import Pki
from tests.ops.conftest import REPO, production_env, run_python, use_static


def _check(env, *args):
    return subprocess.run(
        [str(REPO / ".venv" / "bin" / "revier"), "check", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def trust_anchors(data_dir):
    path = data_dir / "v-pki-roots.pem"
    path.write_bytes(Pki("http://127.0.0.1:9").root_pem())
    return str(path)


def test_check_deploy_is_clean_with_production_settings(data_dir, trust_anchors):
    env = production_env(data_dir, REVIER_FITCONNECT_TRUST_ANCHORS=trust_anchors)
    result = _check(env, "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_without_fitconnect_trust_anchors(data_dir):
    result = _check(production_env(data_dir), "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "(revier.W101) REVIER_FITCONNECT_TRUST_ANCHORS is not set" in result.stderr


def test_unreadable_trust_anchors_stop_the_start(data_dir):
    broken = data_dir / "roots.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n")
    for path in (broken, data_dir / "missing.pem"):
        result = _check(production_env(data_dir, REVIER_FITCONNECT_TRUST_ANCHORS=str(path)))

        assert result.returncode != 0
        assert "(revier.E101) REVIER_FITCONNECT_TRUST_ANCHORS cannot be read" in result.stderr


def test_production_refuses_to_start_without_secret_key(data_dir):
    env = production_env(data_dir)
    del env["REVIER_SECRET_KEY"]

    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "revier"), "check"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "REVIER_SECRET_KEY must be set in production." in result.stderr


@pytest.fixture(scope="module")
def production(tmp_path_factory, production_static):
    data_dir = tmp_path_factory.mktemp("production")
    use_static(data_dir, production_static)
    env = production_env(data_dir, REVIER_PLATFORM_HOSTS="revier.example")
    result = run_python("_production_probe.py", env, timeout=180)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_http_is_redirected_to_https(production):
    answer = production["plain_http"]
    assert answer["status"] == 301
    assert answer["headers"]["Location"] == "https://revier.example/api/v1/municipalities/"


@pytest.mark.parametrize("page", ["api", "login_form", "login"])
def test_security_headers(production, page):
    headers = production[page]["headers"]

    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    csp = dict(
        directive.strip().split(" ", 1)
        for directive in headers["Content-Security-Policy"].split(";")
    )
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"


def test_cookies_are_secure(production):
    form_cookies = production["login_form"]["cookies"]
    login_cookies = production["login"]["cookies"]

    assert production["login"]["status"] == 302
    assert form_cookies["csrftoken"] == {"secure": True, "httponly": False, "samesite": "Lax"}
    assert login_cookies["sessionid"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert production["language"]["cookies"]["django_language"]["secure"] is True


def test_health_probe_by_ip_address_is_answered(production):
    # Load balancers probe by address; the host check must not turn that into a 400.
    assert production["healthz_by_ip"]["status"] == 200
