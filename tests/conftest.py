"""Shared fixtures. Every test runs on SQLite by default and on PostgreSQL when DATABASE_URL is
set (CI). Tasks run in-process except in the multi-process stack tests.

The suite runs in parallel (pytest-xdist, ``make test``): each worker gets its own test database
(pytest-django suffixes its name), its own tmp paths for media and mail, and with ``REDIS_URL``
its own cache key prefix, so workers and anything else on that Redis never see each other's keys.
"""

import copy
import os
import secrets
from pathlib import Path

import pytest
from django_scopes import scope, scopes_disabled

from revier.config.celery import app as celery_app

PASSWORD = "Sichere-Testphrase-2026"


def _shared_data() -> Path:
    """The project's shared sample files: ``shared/`` beside the checkout (as CI lays it out),
    else the workplace's copy."""
    beside = Path(__file__).resolve().parents[2] / "shared" / "data"
    return beside if beside.is_dir() else Path("/work/shared/data")


SHARED_DATA = _shared_data()


# --- Services a test may need: skipped on a bare machine, a failure in CI ------------------------


def services_required() -> bool:
    """In CI (``CI=true``) or with ``DATABASE_URL`` set, a missing service is an error: a skip
    there would let CI pass without running the test."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"} or bool(
        os.environ.get("DATABASE_URL")
    )


def missing_service(message: str) -> None:
    """Skip (or, where services are required, fail) with one line naming what is missing and
    how to get it."""
    if services_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# A prefix of this session's own for every cache key: the autouse fixture below deletes only
# keys under it, never a whole Redis database (someone else's data may live there).
CACHE_KEY_PREFIX = f"revier-test-{secrets.token_hex(4)}"


def pytest_configure(config):
    # Tests call tasks synchronously; tests/ops starts a real worker for the queued path.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    for alias in settings.CACHES:
        settings.CACHES[alias]["KEY_PREFIX"] = f"{CACHE_KEY_PREFIX}-{worker}"
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # A test database file of this process's own: two runs in one checkout would otherwise
        # delete each other's (xdist workers get a suffix on top from pytest-django).
        name = Path(database["TEST"]["NAME"])
        database["TEST"]["NAME"] = str(name.with_name(f"{name.stem}-{os.getpid()}{name.suffix}"))


def cache_clear(backend=None) -> None:
    """Empty ``backend`` (default: the default cache) of this session's keys; never FLUSHDB."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = backend if backend is not None else caches["default"]
    if not isinstance(backend, RedisCache):
        backend.clear()
        return
    # RedisCache.clear() is FLUSHDB: delete this session's keys only.
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=500))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _clean_cache():
    from celery.result import _set_task_join_will_block
    from django.core.cache import caches

    # Celery marks a process that ran a worker's pool set-up as "inside a task" for good, and then
    # refuses EagerResult.get(); a test that started such machinery must not decide for the next.
    _set_task_join_will_block(False)

    from revier.tenancy import cache as tenancy_cache

    # The backends themselves: django.core.cache.cache is a proxy, no RedisCache instance.
    cache_clear(caches["default"])
    cache_clear(caches["fragments"])
    # Rolled-back tests reuse primary keys (SQLite's AUTOINCREMENT counter is rolled back too),
    # which a running installation never does: forget this process's municipalities.
    tenancy_cache.clear_local()
    yield
    cache_clear(caches["default"])
    cache_clear(caches["fragments"])


@pytest.fixture(scope="session", autouse=True)
def _one_rsa_key_per_size():
    """RSA-4096 generation takes seconds on a loaded 2-core machine, and the delivery key of a
    municipality is made again in every test that delivers to the back office. One key pair per
    size serves the whole session; each caller still gets its own kid. Tests that need distinct
    keys (a forger, another destination) use ``tests.delivery.fitconnect_server.rsa_key``."""
    from revier.delivery import crypto

    generate = crypto.rsa_key_pair_generate
    made: dict[int, tuple[dict, dict]] = {}

    def one_per_size(*, kid: str, bits: int = crypto.MIN_RSA_BITS) -> tuple[dict, dict]:
        if bits not in made:
            made[bits] = generate(kid="session", bits=bits)
        public, private = copy.deepcopy(made[bits])
        public["kid"] = private["kid"] = kid
        return public, private

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(crypto, "rsa_key_pair_generate", one_per_size)
        yield


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_municipality(slug="zeitz", **overrides):
    from revier.tenancy.services import municipality_create

    data = {
        "zeitz": dict(
            name="Zeitz",
            ags="15084590",
            ars="150840590590",
            kreis="Burgenlandkreis",
            email="rathaus@zeitz.example",
            accessibility_email="barrierefrei@zeitz.example",
        ),
        "naumburg": dict(
            name="Naumburg (Saale)",
            ags="15084355",
            ars="150840355355",
            kreis="Burgenlandkreis",
            email="rathaus@naumburg.example",
        ),
        "elsteraue": dict(
            name="Elsteraue",
            ags="15084130",
            ars="150840130130",
            kreis="Burgenlandkreis",
            email="gemeinde@elsteraue.example",
        ),
    }[slug]
    data.update(overrides)
    data.setdefault("enabled_modules", ["news"])
    return municipality_create(slug=slug, **data)


@pytest.fixture
def zeitz(db):
    return make_municipality("zeitz")


@pytest.fixture
def naumburg(db):
    return make_municipality("naumburg")


def make_user(email="anna@example.org", *, totp=False, **extra):
    from revier.accounts.services import user_create

    user = user_create(email=email, password=PASSWORD, verified=True, **extra)
    if totp:
        enable_totp(user)
    return user


def enable_totp(user) -> str:
    """Give ``user`` a TOTP authenticator; returns the secret to compute codes with."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def make_staff(municipality, role="administrator", email=None, *, totp=True):
    from revier.accounts.services import staff_role_grant

    user = make_user(email or f"{role}@{municipality.slug}.example", totp=totp)
    with scope(municipality=municipality):
        staff_role_grant(municipality=municipality, user=user, role=role, actor=None)
    return user


@pytest.fixture
def resident(db):
    return make_user("anna.schmidt@example.org")


@pytest.fixture
def zeitz_admin(zeitz):
    return make_staff(zeitz, "administrator")


@pytest.fixture
def naumburg_admin(naumburg):
    return make_staff(naumburg, "administrator")


@pytest.fixture
def no_scope():
    with scopes_disabled():
        yield


# --- Browser tests: one Chromium for the whole session (Playwright allows one sync instance) ----

CHROMIUM = "/usr/bin/chromium"  # Debian's package; browser downloads are impossible here
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API refuses to run inside a running asyncio loop; Django's async-unsafe
    # guard would otherwise trip over the loop Playwright keeps in this thread.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).exists():
        missing_service(f"Browser tests need Chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
