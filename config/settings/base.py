"""Baton settings: one file, driven by environment variables.

With nothing set Baton runs embedded (SQLite, in-memory channel layer, Celery tasks
in-process, console email, offline AI). Each service variable switches one part to
its production form; BATON_ENV=production additionally insists on the variables a
public deployment cannot do without and turns on the HTTPS hardening.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.celery_queues import queues_for
from config.proxies import parse_trusted_proxies
from config.settings.env import (
    email_settings_from_url,
    env,
    env_bool,
    env_int,
    env_list,
    fernet_keys,
    require,
    require_base_url,
)
from config.settings.headers import PERMISSIONS_POLICY_NONE, content_security_policy

BASE_DIR = Path(__file__).resolve().parent.parent.parent

BATON_ENV = env("BATON_ENV", "embedded")
PRODUCTION = BATON_ENV == "production"

if PRODUCTION:
    SECRET_KEY = require("SECRET_KEY", "production mode needs a long random secret key")
    ALLOWED_HOSTS = require("ALLOWED_HOSTS", "list the host names Baton is served on").split(",")
    DATABASE_URL = require("DATABASE_URL", "production mode runs on PostgreSQL")
    REDIS_URL = require("REDIS_URL", "production mode needs Redis for websockets and Celery")
    # Integration secrets are encrypted with these (see "Security" in the README).
    BATON_SECRET_KEYS = fernet_keys(
        "BATON_SECRET_KEYS",
        require(
            "BATON_SECRET_KEYS",
            "production mode encrypts integration secrets with it (comma-separated Fernet "
            "keys, the first encrypts)",
        ),
    )
    BATON_BASE_URL = require_base_url(
        "BATON_BASE_URL", "links in emails, chat posts and PSA notes need Baton's public URL"
    )
else:
    SECRET_KEY = env("SECRET_KEY", "embedded-mode-key-not-for-production-use")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    DATABASE_URL = env("DATABASE_URL")
    REDIS_URL = env("REDIS_URL")
    BATON_SECRET_KEYS = fernet_keys("BATON_SECRET_KEYS", env("BATON_SECRET_KEYS"))

    # Outside a request (the beat's reminders); `make run` sets it to where it serves.
    BATON_BASE_URL = env("BATON_BASE_URL", "http://127.0.0.1:8000")

DEBUG = env_bool("DEBUG", not PRODUCTION)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Absolute links in emails, Slack/Teams cards, PSA notes and invitations
# (troubleshoot/accounts/links.py): from BATON_BASE_URL in production, from the
# request's own scheme, host and port in embedded mode.
BATON_BASE_URL = BATON_BASE_URL.rstrip("/")
BATON_LINKS_FROM_REQUEST = env_bool("BATON_LINKS_FROM_REQUEST", not PRODUCTION)
# How long an invitation link works.
BATON_INVITATION_DAYS = env_int("BATON_INVITATION_DAYS", 7)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "csp",
    "django_htmx",
    "template_partials",
    "channels",
    # Sign-in: accounts, email verification, rate limits, MFA and OpenID Connect.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served locally (no CDN)
    "troubleshoot",
    "notifications",
    "handoffs",
]

MIDDLEWARE = [
    # First: X-Forwarded-Proto counts only from BATON_TRUSTED_PROXIES (config/proxies.py).
    "config.proxies.trusted_proxy_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "troubleshoot.accounts.links.RequestBaseUrlMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "troubleshoot.accounts.middleware.TimeZoneMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth and messages: people an owner requires MFA of enrol before anything else.
    "troubleshoot.accounts.mfa_policy.MfaEnrolmentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Django 6 has {% partialdef %} built in; until then the package provides it
            # for every template, so templates read the same on both.
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
SQLITE_PATH = env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DB_POOL", True
    ):
        # Under ASGI, CONN_MAX_AGE does not carry connections across requests handled
        # in threads; psycopg's pool does (see FIELD-NOTES).
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 2),
            "max_size": env_int("DB_POOL_MAX", 20),
            "timeout": 10,
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # WAL and IMMEDIATE keep the embedded server's threads from
                # tripping over each other with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels, Celery, cache ----------------------------------------------
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # One PUBLISH per group, delivered locally by each daphne process: its cost
            # does not grow with the number of watchers (measured in bench/).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # Separate prefixes keep two Batons (or two test runs) on one Redis apart.
                "prefix": env("CHANNEL_LAYER_PREFIX", "baton"),
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # redis-py 8 closes idle blocking reads after 5 s by default.
                        "socket_timeout": None,
                        "socket_connect_timeout": 5,
                        "health_check_interval": 30,
                    }
                ],
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# No result backend: every task ignores its result, and under ASGI each request runs
# in a fresh thread, where Celery built a new Redis result client per apply_async
# (~5 % of the escalate request, py-spy in bench/).
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
# Embedded mode: run "eager" tasks on a background thread so no request waits for them.
BATON_TASKS_IN_THREAD = env_bool("BATON_TASKS_IN_THREAD", True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fixup closes the connection *and the whole psycopg pool* after every
# task unless this is set (celery/celery#10554): each task then opened new PostgreSQL
# connections (~10 % of a busy worker's CPU, py-spy in bench/). Set, the fixup recycles
# them every 2 x N tasks, and config/celery.py hands the connection back to the pool
# after each task.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 500)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Email has a queue of its own (config/celery_queues.py): a mail server taking seconds
# per message must not hold the Slack posts and PSA notes queued behind it. A plain
# `celery worker` consumes both queues; `make worker` runs the default queue on a
# prefork worker and email on a threads-pool worker (see README "Performance").
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")
BATON_EMAIL_QUEUE = env("BATON_EMAIL_QUEUE", "email")
CELERY_TASK_ROUTES = ("config.celery_queues.route",)
CELERY_TASK_QUEUES = queues_for(CELERY_TASK_DEFAULT_QUEUE, BATON_EMAIL_QUEUE)
# How many SMTP connections one email task keeps open at once (each sends its share
# of the batch's messages one after the other on the same connection).
BATON_EMAIL_CONNECTIONS = env_int("BATON_EMAIL_CONNECTIONS", 8)
# A publish to a broker that is down must fail fast: the outbox row is already
# committed and the sweeper re-sends it, so the request must not hang.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    # The outbox safety net: re-queues deliveries a broker outage left pending.
    "notifications-sweep-deliveries": {
        "task": "notifications.tasks.sweep_deliveries",
        "schedule": 60.0,
    },
}
# The unclaimed-escalation ladder, and assessments whose task was lost.
CELERY_BEAT_SCHEDULE["handoffs-sweep"] = {"task": "handoffs.tasks.sweep_handoffs", "schedule": 60.0}

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "troubleshoot.User"
# One backend, kept at the path existing sessions name (_auth_user_backend): it is
# allauth's backend (email login, used by its login, reset and MFA flows) plus Baton's
# soft-delete check.
AUTHENTICATION_BACKENDS = ["troubleshoot.accounts.auth_backends.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sign-in (django-allauth: email login, verification, rate limits, MFA, Microsoft).
from config.settings.signin import *  # noqa: E402, F403

# Security keys need https, except on localhost (embedded mode, the browser suite).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- REST API (/api/v1/) ------------------------------------------------------
from config.settings.api import *  # noqa: E402, F403

# --- Email ----------------------------------------------------------------
EMAIL_URL = env("EMAIL_URL")
if EMAIL_URL:
    globals().update(email_settings_from_url(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Baton <baton@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- AI -------------------------------------------------------------------
ANTHROPIC_API_KEY = env("ANTHROPIC_API_KEY")
ANTHROPIC_BASE_URL = env("ANTHROPIC_BASE_URL")  # tests and the bench point it at a fake
BATON_AI_MODEL = env("BATON_AI_MODEL", "claude-sonnet-4-6")
BATON_AI_TIMEOUT = float(env("BATON_AI_TIMEOUT", "30"))
BATON_AI_MAX_RETRIES = env_int("BATON_AI_MAX_RETRIES", 2)

# --- Integrations, Web Push, availability (config/settings/integrations.py) ---
from config.settings.integrations import integration_settings  # noqa: E402

globals().update(integration_settings(PRODUCTION=PRODUCTION, SQLITE_PATH=SQLITE_PATH))

# --- i18n, static ---------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Installed from the npm registry by package-lock.json; never copied into the repo.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/htmx-ext-ws", BASE_DIR / "node_modules" / "htmx-ext-ws" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Embedded mode serves straight from the source folders, so edits show at once.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security -------------------------------------------------------------
# The largest request body daphne accepts (413 beyond it, before the body is stored;
# config/body_limit.py). The tree import has its own limit there.
BATON_MAX_REQUEST_BYTES = env_int("BATON_MAX_REQUEST_BYTES", 10 * 1024 * 1024)
# Reverse proxies (IPs, networks, or "unix") whose X-Forwarded-* headers are believed.
BATON_TRUSTED_PROXIES = env_list("BATON_TRUSTED_PROXIES", [])
try:
    parse_trusted_proxies(BATON_TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(f"BATON_TRUSTED_PROXIES: {exc}") from None
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy and Permissions-Policy on every response (config/settings/headers.py).
CONTENT_SECURITY_POLICY = content_security_policy(BATON_BASE_URL)
PERMISSIONS_POLICY = PERMISSIONS_POLICY_NONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"forbidden_on_one_line": {"()": "config.logging_filters.ForbiddenOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["forbidden_on_one_line"]},
        "django.channels.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        # In-process tasks (embedded mode) would print a trace line per task, and
        # kombu complains that the in-memory broker has no host name.
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
        "kombu.connection": {"level": "WARNING" if REDIS_URL else "ERROR"},
    },
}


def _describe_mode() -> str:
    """One line for the console: which services this process runs on."""
    db = "PostgreSQL" if DATABASE_URL else "SQLite"
    layer = "Redis channel layer" if REDIS_URL else "in-memory channel layer"
    tasks = "Celery worker via Redis" if REDIS_URL else "Celery tasks in-process"
    mail = "SMTP email" if EMAIL_URL else "console email"
    ai = f"Anthropic ({BATON_AI_MODEL})" if ANTHROPIC_API_KEY else "offline AI assistant"
    mode = "production" if PRODUCTION else ("services" if DATABASE_URL or REDIS_URL else "embedded")
    return f"Baton mode: {mode} — {db}, {layer}, {tasks}, {mail}, {ai}"


BATON_MODE_DESCRIPTION = _describe_mode()
