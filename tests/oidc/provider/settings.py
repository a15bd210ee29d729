"""A tiny Django project serving a real OpenID Connect provider (django-oauth-toolkit) on
loopback for Revier's OIDC tests: discovery, JWKS, RS256 ID tokens, userinfo, PKCE required.

Started by ``tests.oidc.provider.serve`` in its own process; never part of Revier."""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "oidc-test-provider-only-" + "p" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc.provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("OIDC_PROVIDER_DB", str(HERE / "provider.sqlite3")),
        # A throwaway database: no syncing to disk (migrations crawl on a busy test machine).
        "OPTIONS": {"init_command": "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY;"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Tables straight from the models (migrate --run-syncdb): replaying the migrations costs more
# CPU than the whole provider run.
MIGRATION_MODULES = {app: None for app in ("auth", "contenttypes", "sessions", "oauth2_provider")}
USE_TZ = True
LOGIN_URL = "/accounts/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Its own cookie names, so that it never meets Revier's cookies on the same host.
SESSION_COOKIE_NAME = "provider_session"
CSRF_COOKIE_NAME = "provider_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("OIDC_PROVIDER_KEY", ""),
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc.provider.validator.TrustLevelValidator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Name and date of birth",
        "email": "E-mail address",
        "address": "Address",
    },
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
}
