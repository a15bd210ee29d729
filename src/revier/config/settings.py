"""Revier settings, driven by the environment (twelve-factor).

Without any variables set Revier runs as the embedded default: SQLite in ``REVIER_DATA_DIR``,
tasks in-process, mail written to files. Production sets ``REVIER_ENV=production`` together with
``DATABASE_URL``, ``REDIS_URL`` and ``REVIER_SECRET_KEY`` (see README and deploy/).
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from revier.core.geo import GeoError, tile_source_origin
from revier.core.logs import logging_config


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("REVIER_DATA_DIR", "var")).resolve()

REVIER_ENV = os.environ.get("REVIER_ENV", "development")
PRODUCTION = REVIER_ENV == "production"
DEBUG = env_bool("REVIER_DEBUG", default=False)
# Mounts /_bench/floor, a trivial view the benchmark compares pages with (benchmarks/).
REVIER_BENCHMARK_FLOOR = env_bool("REVIER_BENCHMARK_FLOOR", default=False)

SECRET_KEY = os.environ.get("REVIER_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("REVIER_SECRET_KEY must be set in production.")
    SECRET_KEY = "development-only-insecure-key-" + "x" * 40

ALLOWED_HOSTS = env_list("REVIER_ALLOWED_HOSTS", "*" if not PRODUCTION else "")
CSRF_TRUSTED_ORIGINS = env_list("REVIER_CSRF_TRUSTED_ORIGINS")
# The operator of the installation (the IT provider): the platform's own Impressum and privacy
# policy name them.
REVIER_PLATFORM_NAME = os.environ.get("REVIER_PLATFORM_NAME", "Revier")
# Absolute base of links in e-mails sent without a request (background tasks); a
# municipality's primary domain wins over it. Default: the address `make run` serves.
REVIER_PUBLIC_URL = os.environ.get("REVIER_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
REVIER_OPERATOR_NAME = os.environ.get("REVIER_OPERATOR_NAME", "")
REVIER_OPERATOR_ADDRESS = os.environ.get("REVIER_OPERATOR_ADDRESS", "")
REVIER_OPERATOR_EMAIL = os.environ.get("REVIER_OPERATOR_EMAIL", "")
REVIER_OPERATOR_PHONE = os.environ.get("REVIER_OPERATOR_PHONE", "")
# PEM file with the root certificates of the Verwaltungs-PKI: where set, FIT-Connect keys must
# carry a certificate chain to one of them (production); unset for FIT-Connect's test
# environment (ADR 0014).
FITCONNECT_TRUST_ANCHORS = os.environ.get("REVIER_FITCONNECT_TRUST_ANCHORS", "")

# Hosts that serve the platform itself (start page, operator admin). Any other host must be a
# municipality's custom domain.
PLATFORM_HOSTS = env_list("REVIER_PLATFORM_HOSTS", "localhost,127.0.0.1,[::1],testserver")

INSTALLED_APPS = [
    "revier.core.apps.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "csp",
    "revier.core",
    "revier.tenancy",
    "revier.accounts",
    "revier.backoffice",
    "revier.frontend",
    "revier.portal",
    "revier.news",
    "revier.forms",
    "revier.delivery",
    "revier.services",
    "revier.payments",
    "revier.applications",
    "revier.notifications",
    "revier.cases",
    "revier.privacy",
    "revier.booking",
    # Django's own form widget templates, for the template-based KernFormRenderer.
    "django.forms",
]

MIDDLEWARE = [
    # First: the request id and the metrics see every request, probes and errors included.
    "revier.core.logs.RequestIdMiddleware",
    "revier.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "revier.core.middleware.HealthCheckMiddleware",
    # 413 for bodies over the limit, before anything reads them (ADR 0029).
    "revier.core.limits.RequestSizeMiddleware",
    "csp.middleware.CSPMiddleware",
    "revier.accounts.middleware.OIDCFormActionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "revier.frontend.middleware.GermanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "revier.tenancy.middleware.MunicipalityMiddleware",
    # A RateLimited from any view becomes a 429 page with Retry-After (ADR 0028).
    "revier.core.abuse.middleware.RateLimitMiddleware",
    # Innermost: knows the municipality and the language (ADR 0033).
    "revier.core.pagecache.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "revier.config.urls"
# Used for requests inside one municipality (path prefix or custom domain), see ADR 0002.
MUNICIPALITY_URLCONF = "revier.config.urls_municipality"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Revier's front-end templates come first so they override allauth's elements/layouts.
        "DIRS": [PACKAGE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "revier.frontend.context_processors.site",
            ],
        },
    }
]

FORM_RENDERER = "revier.frontend.forms.KernFormRenderer"

WSGI_APPLICATION = "revier.config.wsgi.application"

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'revier.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and the single writer work side by side; IMMEDIATE avoids the
        # "database is locked" upgrade deadlock of deferred transactions.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file, not shared-cache memory: there concurrent writers get "table is
    # locked" at once instead of waiting busy_timeout, unlike the embedded default.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-revier.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters travel apart from the SQL text, bytes in binary: a 200 KB upload is not
    # hex-escaped into a 400 KB literal for PostgreSQL to parse (ADR 0013).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker, background work -------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Rendered layout fragments (header, navigation, footer) per process: they change only with the
# municipality (its updated_at is part of every key) and cost a third of a page to render.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "revier-fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# The page for a host that is neither the platform nor a municipality's domain.
REVIER_UNKNOWN_HOST_VIEW = "revier.portal.views.unknown_host"

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
# Embedded default: without a broker, tasks run in-process at the moment they are enqueued.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ("default", "mail", "submissions", "media", "background")
# Every module declares its task routes and periodic tasks in its module.py (revier.core.kit);
# the router reads them, and beat's scheduler takes the schedule (revier.config.celery).
CELERY_TASK_ROUTES = ("revier.core.kit.route_task",)
# A task's message is acknowledged when the task has finished, and given back to the queue when
# the process running it dies (kill -9, OOM): work is never lost with a worker. Every task is
# therefore written to run twice harmlessly (ADR 0030).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Publishing a message gives up after about a second when the broker is down: the caller is not
# held; the outbox row stays and the sweeper hands it over later (revier.core.outbox).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat takes the modules' periodic tasks (revier.core.kit) into its schedule.
CELERY_BEAT_SCHEDULER = "revier.config.celery:ModuleScheduler"
# The transactional outbox (revier.core.outbox, ADR 0030): how often the sweeper hands over what
# was not handed to the broker at commit, how old a row must be before it does (younger ones are
# still being handed over by their own commit), and how long handed-over rows are kept.
REVIER_OUTBOX_SWEEP_SECONDS = float(os.environ.get("REVIER_OUTBOX_SWEEP_SECONDS", "60"))
REVIER_OUTBOX_GRACE_SECONDS = float(os.environ.get("REVIER_OUTBOX_GRACE_SECONDS", "30"))
REVIER_OUTBOX_KEEP_SECONDS = float(os.environ.get("REVIER_OUTBOX_KEEP_SECONDS", "3600"))
# How often waiting deliveries are looked for (retries due, claims of dead workers, deliveries
# whose task was lost with the broker's data).
REVIER_DELIVERY_SWEEP_SECONDS = float(os.environ.get("REVIER_DELIVERY_SWEEP_SECONDS", "300"))
# A claim of a delivery ("sending") older than this is taken over: its worker is taken for dead.
REVIER_DELIVERY_SENDING_LEASE_SECONDS = float(
    os.environ.get("REVIER_DELIVERY_SENDING_LEASE_SECONDS", "600")
)
# A delivery still "pending" this long after it was written or last enqueued has lost its task.
REVIER_DELIVERY_PENDING_GRACE_SECONDS = float(
    os.environ.get("REVIER_DELIVERY_PENDING_GRACE_SECONDS", "120")
)

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "revier.accounts.permissions.RolePermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "portal:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks the name and the form of address letters use (accounts/forms.py).
ACCOUNT_SIGNUP_FORM_CLASS = "revier.accounts.forms.SignupNameForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_ADAPTER = "revier.accounts.adapter.AccountAdapter"
# Failed logins: after 5 failures for one address within 15 minutes that address is locked for
# the rest of the window, whatever the password; 20 failures a minute lock out an IP address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,5/15m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# Abuse protection (revier.core.abuse, ADR 0028): limits per scope as {scope: (limit, window s)}
# override what the code asks for; REVIER_PROOF_AFTER {scope: n} when to demand a proof of work.
# Request bodies (revier.core.limits, ADR 0029): JSON (API, base64 files inside) and multipart.
REVIER_MAX_JSON_BODY = 16 * 1024 * 1024
REVIER_MAX_MULTIPART_BODY = 64 * 1024 * 1024
# The API answers a CSRF refusal with problem JSON, pages with the KERN error page.
CSRF_FAILURE_VIEW = "revier.core.views.csrf_failure"
REVIER_RATE_LIMITS: dict[str, tuple[int, int]] = {}
REVIER_PROOF_AFTER: dict[str, int] = {}
# ALTCHA: the search space of a challenge (about 0.1–0.5 s in a browser at 100,000) and its life.
REVIER_ALTCHA_MAX_NUMBER = int(os.environ.get("REVIER_ALTCHA_MAX_NUMBER", "100000"))
REVIER_ALTCHA_EXPIRES = 3600
# Without JavaScript: seconds to wait before a form may be sent, and how long its token lives.
REVIER_TIMELOCK_SECONDS = int(os.environ.get("REVIER_TIMELOCK_SECONDS", "10"))
REVIER_TIMELOCK_MAX_AGE = 2 * 3600
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The TOTP secret stays the same across reloads of the set-up page (ADR 0037).
MFA_FORMS = {"activate_totp": "revier.accounts.mfa.StableActivateTOTPForm"}
MFA_TOTP_ISSUER = "Revier"

# Login through an identity provider by OpenID Connect (BundID through a broker, ADR 0009).
# Operators configure the provider either as a "social application" (provider "OpenID Connect")
# in the operator admin or with the REVIER_OIDC_* variables below.
SOCIALACCOUNT_ADAPTER = "revier.accounts.adapter.SocialAccountAdapter"
# An existing account is found by e-mail only when the provider says it verified the address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# The claim in which the provider reports the trust level (an app's settings may override it).
REVIER_OIDC_TRUST_CLAIM = os.environ.get("REVIER_OIDC_TRUST_CLAIM", "acr") or "acr"
_oidc_apps = []
if os.environ.get("REVIER_OIDC_SERVER_URL"):
    _oidc_name = os.environ.get("REVIER_OIDC_NAME", "BundID")
    _oidc_apps.append(
        {
            "provider_id": os.environ.get("REVIER_OIDC_ID", "")
            or "".join(c for c in _oidc_name.lower() if c.isalnum())
            or "oidc",
            "name": _oidc_name,
            "client_id": os.environ.get("REVIER_OIDC_CLIENT_ID", ""),
            "secret": os.environ.get("REVIER_OIDC_CLIENT_SECRET", ""),
            "settings": {
                "server_url": os.environ["REVIER_OIDC_SERVER_URL"],
                "trust_claim": REVIER_OIDC_TRUST_CLAIM,
                "scope": os.environ.get("REVIER_OIDC_SCOPES", "openid profile email").split(),
            },
        }
    )
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        # allauth's provider plus a nonce in the authorization request (see accounts/oidc.py).
        "provider_class": "revier.accounts.oidc.OIDCProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": _oidc_apps,
    }
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The embedded default serves static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
WHITENOISE_AUTOREFRESH = DEBUG

# --- E-mail -------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("REVIER_FROM_EMAIL", "Revier <noreply@revier.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"

# --- API ----------------------------------------------------------------------------------------
# Reverse proxies in front of Revier that append to X-Forwarded-For (deploy/: 1). One number for
# the API throttles, the audit log, rate limits (revier.core.net.client_ip) and allauth's login
# limits, so none of them counts the proxy's address instead of the client's.
REVIER_NUM_PROXIES = int(os.environ.get("REVIER_NUM_PROXIES", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = REVIER_NUM_PROXIES
REST_FRAMEWORK = {
    # Token first: DRF takes the WWW-Authenticate challenge from the first class, and only with
    # a challenge does a failed authentication answer 401 (otherwise 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("REVIER_API_THROTTLE_ANON", "600/minute"),
        "user": os.environ.get("REVIER_API_THROTTLE_USER", "1200/minute"),
    },
    # Behind a reverse proxy (deploy/) set to 1, so throttling counts the client's address from
    # X-Forwarded-For instead of the proxy's.
    "NUM_PROXIES": REVIER_NUM_PROXIES,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "revier.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "revier.core.api.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Revier API",
    "DESCRIPTION": "API of Revier, the platform for the digital municipality.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets whose field names other components use for other sets.
    "ENUM_NAME_OVERRIDES": {
        "BookingStatusEnum": "revier.booking.models.Booking.Status",
        "BookableKindEnum": "revier.booking.models.Resource.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "revier.core.api.problem_responses_hook",
    ],
}

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("REVIER_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("REVIER_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Maps (ADR 0021): the background tiles come from an installation-wide tile server, e.g. basemap.de
# (https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe/default/
# GLOBAL_WEBMERCATOR/{z}/{y}/{x}.png) or the operator's own. Unset, maps show their data layers on
# a plain background. The template's origin, and only that, is allowed as an image source.
REVIER_MAP_TILE_URL = os.environ.get("REVIER_MAP_TILE_URL", "").strip()
REVIER_MAP_ATTRIBUTION = os.environ.get("REVIER_MAP_ATTRIBUTION", "").strip()
try:
    _map_tile_origin = tile_source_origin(REVIER_MAP_TILE_URL)
except GeoError as exc:
    raise ImproperlyConfigured(f"REVIER_MAP_TILE_URL: {exc}") from exc

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([_map_tile_origin] if _map_tile_origin else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Metrics (ADR 0035) --------------------------------------------------------------------------
# /metrics answers Prometheus with a bearer token or from these addresses (IPs or networks,
# the socket's peer); with neither set it does not exist. Behind nginx every request comes from
# 127.0.0.1: keep /metrics blocked there (deploy/nginx) and scrape the gunicorn ports directly.
REVIER_METRICS_TOKEN = os.environ.get("REVIER_METRICS_TOKEN", "")
REVIER_METRICS_ALLOWED_IPS = env_list("REVIER_METRICS_ALLOWED_IPS")
try:
    for _network in REVIER_METRICS_ALLOWED_IPS:
        ipaddress.ip_network(_network, strict=False)
except ValueError as exc:
    raise ImproperlyConfigured(f"REVIER_METRICS_ALLOWED_IPS: {exc}") from exc
if PRODUCTION and REVIER_METRICS_TOKEN and len(REVIER_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("REVIER_METRICS_TOKEN must be at least 32 characters long.")

# --- Logging ------------------------------------------------------------------------------------
# JSON lines with the request id in production (the journal, a log shipper), readable lines in
# development; REVIER_LOG_FORMAT overrides either (ADR 0036).
REVIER_LOG_FORMAT = os.environ.get("REVIER_LOG_FORMAT", "json" if PRODUCTION else "plain")
try:
    LOGGING = logging_config(
        fmt=REVIER_LOG_FORMAT, level=os.environ.get("REVIER_LOG_LEVEL", "INFO").upper()
    )
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
