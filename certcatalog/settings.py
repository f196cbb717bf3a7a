"""Settings for certcatalog, read from the environment with safe local defaults.

DJANGO_DEBUG is off unless asked for; with debug off, DJANGO_SECRET_KEY must be set (50+
characters) and the site is served as HTTPS only (issue #12): see README "Running in production"
for every variable.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_flag("DJANGO_DEBUG")

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
if not DEBUG and any(host == "*" or host.startswith("*") for host in ALLOWED_HOSTS):
    # Any Host header would be accepted: links and cache keys built from it could point anywhere.
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS may not be '*' (or start with '*') in production: name the site's "
        "host names, e.g. DJANGO_ALLOWED_HOSTS=certcatalog.example.org."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# -- The page cache: an accelerator, never a dependency (issue #22) ------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHE_KEY_PREFIX = os.environ.get("DJANGO_CACHE_KEY_PREFIX", "certcatalog").strip()
"""Every key this site writes starts with it, so a restore clears only this site's keys."""
CACHE_TIMEOUT_SECONDS = float(os.environ.get("DJANGO_CACHE_TIMEOUT_SECONDS", "0.25"))
"""How long one Redis command may take before the page is built from the database instead."""
CACHES = {
    "default": (
        {
            # django-redis, not Django's own Redis backend: its IGNORE_EXCEPTIONS turns a down,
            # slow or full Redis into cache misses (pages come from the database), which Django's
            # backend cannot do without a hand-written wrapper.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": CACHE_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": CACHE_TIMEOUT_SECONDS,
            },
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Each process's own memory: at most this many pages (about 20 KB each), oldest out.
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DJANGO_LOCAL_CACHE_ENTRIES", "1000"))},
        }
    )
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "certcatalog.cache"
"""Ignored cache failures are logged there, once a minute per process (certcatalog.logs)."""

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spends longer compiling the facet query (about 1.7 s at 10,000
    # programs) than running it (a few ms): short web queries never repay it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A database that does not answer is reported (503) within seconds, not after minutes.
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # the search document type; inert on SQLite
    "django_filters",
    "simple_history",
    "axes",
    "programs",
    "compare",
]

LANGUAGE_CODE = "en-us"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "certcatalog.urls"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip()
MIN_SECRET_KEY_LENGTH = 50
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, "
            "or set DJANGO_DEBUG=1 for local development (make run does this)."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"
elif not DEBUG and (len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too short or too simple: use at least "
        f"{MIN_SECRET_KEY_LENGTH} random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

# -- HTTPS and headers (issue #12) --------------------------------------------------------------
PRODUCTION = not DEBUG
SECURE_SSL_REDIRECT = _env_flag("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
"""Off only when the TLS-terminating proxy in front already redirects HTTP to HTTPS."""
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_flag("DJANGO_SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
# Opt-in (issue #22): includeSubDomains forces HTTPS on every subdomain of the site's domain, and
# preload asks browsers to hard-code that, which takes months to undo. Turn on deliberately.
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _env_flag("DJANGO_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = [
    # check --deploy warns while those two are off; off is this site's deliberate default.
    *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_PROXY = _env_flag("DJANGO_BEHIND_PROXY")
"""Set only when a trusted reverse proxy sets X-Forwarded-Proto and X-Forwarded-For (and clients
cannot reach gunicorn directly): then the scheme and the client IP are read from them."""
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
}
PERMISSIONS_POLICY = {"camera": [], "microphone": [], "geolocation": [], "payment": []}

# -- Editors' sign-in (issue #12) -----------------------------------------------------------------
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Two pauses, both before any password is hashed (issue #22, certcatalog/signin.py): an address
# after AXES_FAILURE_LIMIT failures for any usernames, and a username after
# SIGNIN_USERNAME_FAILURE_LIMIT failures from SIGNIN_USERNAME_ADDRESSES addresses, except from an
# address it has signed in from before.
AXES_HANDLER = "certcatalog.signin.SignInHandler"
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("DJANGO_LOCKOUT_MINUTES", "15")))
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failure: the username pause counts them
SIGNIN_USERNAME_FAILURE_LIMIT = int(os.environ.get("DJANGO_USERNAME_FAILURE_LIMIT", "20"))
SIGNIN_USERNAME_ADDRESSES = int(os.environ.get("DJANGO_USERNAME_LOCKOUT_ADDRESSES", "3"))
SIGNIN_USERNAME_COOLOFF = datetime.timedelta(
    minutes=int(os.environ.get("DJANGO_USERNAME_LOCKOUT_MINUTES", "60"))
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_LOCKOUT_CALLABLE = "certcatalog.signin.paused"
AXES_CLIENT_IP_CALLABLE = "certcatalog.signin.lockout_address"
SESSION_COOKIE_AGE = int(float(os.environ.get("DJANGO_SESSION_IDLE_HOURS", "8")) * 3600)
SESSION_SAVE_EVERY_REQUEST = True  # each request restarts SESSION_COOKIE_AGE: an idle limit

# -- Errors are seen (issue #12) ------------------------------------------------------------------
ADMINS = [a.strip() for a in os.environ.get("DJANGO_ADMINS", "").split(",") if "@" in a]
"""Who is emailed each server error (comma-separated addresses); errors also go to stderr."""
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", "certcatalog@localhost")
# How that mail leaves (issue #22): Django's MAILERS, from EMAIL_* variables named after the SMTP
# backend's options; without EMAIL_HOST, mail goes to an SMTP server on localhost:25.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost").strip(),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": _env_flag("EMAIL_USE_TLS"),
            "use_ssl": _env_flag("EMAIL_USE_SSL"),
            # Errors are mailed in the request: a mail server that hangs must not hold it long.
            "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
        },
    }
}
if _env_flag("EMAIL_USE_TLS") and _env_flag("EMAIL_USE_SSL"):
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")

SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
"""Optional error reporting to Sentry (sentry-sdk, the standard client): off unless set."""
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,  # editors' names, cookies and addresses stay out of reports
        traces_sample_rate=0.0,
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
        },
        "mail_admins": {
            "level": "ERROR",
            # At most one mail a minute per kind of error: an outage is one mail, not thousands.
            "filters": ["require_debug_false", "mail_once_a_minute"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "cache_failures": {
            "()": "certcatalog.logs.OncePerInterval",
            "message": "The cache failed; pages are built from the database meanwhile",
        },
        "one_line_warning": {"()": "certcatalog.logs.OneLineWarning"},
        "mail_once_a_minute": {"()": "certcatalog.logs.OncePerInterval", "one_line": False},
    },
    "loggers": {
        # Every 5xx with its traceback, and security events.
        # Not propagated: Django's default "django" logger would mail each one again, unfiltered.
        "django.request": {
            "handlers": ["stderr", "mail_admins"],
            "level": "ERROR",
            "propagate": False,
        },
        "django.security": {
            "handlers": ["stderr", "mail_admins"],
            "level": "WARNING",
            "propagate": False,
        },
        # A bad Host header is the client's mistake (scanners send thousands): one line.
        "django.security.DisallowedHost": {
            "handlers": ["stderr"],
            "level": "WARNING",
            "filters": ["one_line_warning"],
            "propagate": False,
        },
        "certcatalog.cache": {
            "handlers": ["stderr"],
            "level": "WARNING",
            "filters": ["cache_failures"],
            "propagate": False,
        },
        "axes": {"handlers": ["stderr"], "level": "WARNING"},
        "certcatalog": {"handlers": ["stderr"], "level": "INFO"},
        # WeasyPrint warns of every screen-only CSS rule it skips (about 30 a PDF): not news.
        "weasyprint": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "fontTools": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
    },
}

# -- Prepared exports (issue #22) ---------------------------------------------------------------
PREPARED_EXPORTS_DIR = Path(
    os.environ.get("DJANGO_PREPARED_EXPORTS_DIR", "").strip() or BASE_DIR / "prepared"
)
"""Where the whole catalogue's CSV, JSON and CTDL are written once per catalogue version
(programs/prepared.py); each app server keeps its own."""
PREPARED_EXPORTS_ACCEL = _env_flag("DJANGO_EXPORTS_ACCEL_REDIRECT")
"""Hand prepared files to nginx (`X-Accel-Redirect: /_prepared/<edition>/<file>`, an internal
location aliased to PREPARED_EXPORTS_DIR) instead of sending them from a worker."""

STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "programs.context_processors.catalogue",
            ],
        },
    },
]

TIME_ZONE = "UTC"
USE_TZ = True

WSGI_APPLICATION = "certcatalog.wsgi.application"
