"""Production: configuration only from the environment.

Refuses to start when a required variable is missing, a secret is a default or weak value, or a
value is malformed. Every problem is reported in one ImproperlyConfigured message (never echoing a
secret), so an operator can fix them all at once. deploy/.env.example documents each variable.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database_config, redis_settings
from .env import env_bool, env_int, env_list

DEBUG = False

_problems: list[str] = []


def _required(name: str, hint: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        _problems.append(f"{name} is required: {hint}")
    return value


# --- Secret key (and fallbacks while rotating) ------------------------------------------------
_KEYGEN_HINT = (
    "set at least 50 random characters "
    "(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
)
# Placeholders from docs, Django's startproject and this project's local/test settings.
_DEFAULT_SECRET_PREFIXES = (
    "django-insecure",
    "changeme",
    "change-me",
    "change_me",
    "replace-me",
    "your-secret",
    "local-only-not-a-secret",
    "test-secret-key",
)
_DEFAULT_SECRETS = {"secret", "secret-key", "secret_key", "password", "insecure"}


def _secret_key_problem(name: str, value: str) -> str | None:
    lowered = value.lower()
    if lowered in _DEFAULT_SECRETS or lowered.startswith(_DEFAULT_SECRET_PREFIXES):
        return f"{name} is a default or placeholder value: {_KEYGEN_HINT}."
    if len(value) < 50 or len(set(value)) < 10:
        return f"{name} is a weak value (too short or too repetitive): {_KEYGEN_HINT}."
    return None


SECRET_KEY = _required("SECRET_KEY", _KEYGEN_HINT + ".")
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
for _name, _value in [
    ("SECRET_KEY", SECRET_KEY),
    *(("SECRET_KEY_FALLBACKS", fallback) for fallback in SECRET_KEY_FALLBACKS),
]:
    if _value and (_problem := _secret_key_problem(_name, _value)):
        _problems.append(_problem)

# --- Hosts ------------------------------------------------------------------------------------
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    _problems.append(
        "ALLOWED_HOSTS is required: comma-separated host names this site is served on "
        "(e.g. support.example.com)."
    )
elif "*" in ALLOWED_HOSTS:
    _problems.append(
        "ALLOWED_HOSTS must not contain '*' in production: list the site's host names."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- PostgreSQL (the runtime role; migrations use the owner role's URL) -------------------------
DATABASE_URL = _required(
    "DATABASE_URL", "postgres://USER:PASSWORD@HOST:5432/NAME for the runtime (RLS-subject) role."
)
if DATABASE_URL:
    try:
        DATABASES = {"default": database_config(DATABASE_URL)}
    except (ImproperlyConfigured, ValueError):
        DATABASES = {}
    if not DATABASES.get("default", {}).get("NAME"):
        _problems.append("DATABASE_URL must be a postgres://USER:PASSWORD@HOST:PORT/NAME URL.")

# --- Redis ------------------------------------------------------------------------------------
REDIS_URL = _required("REDIS_URL", "redis://[:PASSWORD@]HOST:6379/0 (or rediss://, unix://).")
if REDIS_URL:
    _redis = urlparse(REDIS_URL)
    if (
        _redis.scheme not in {"redis", "rediss", "unix"}
        or (_redis.scheme != "unix" and not _redis.hostname)
        or (_redis.scheme == "unix" and not _redis.path)
    ):
        _problems.append(
            "REDIS_URL must be a redis://, rediss:// or unix:// URL with a host (or socket path)."
        )
    else:
        globals().update(redis_settings(REDIS_URL))

# --- Keys at rest -----------------------------------------------------------------------------
_FERNET_HINT = (
    "comma-separated Fernet keys, newest first "
    "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
)
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not FIELD_ENCRYPTION_KEYS:
    _problems.append(f"FIELD_ENCRYPTION_KEYS is required: {_FERNET_HINT}")
for _position, _key in enumerate(FIELD_ENCRYPTION_KEYS, start=1):
    try:
        Fernet(_key)
    except (ValueError, TypeError):
        _problems.append(
            f"FIELD_ENCRYPTION_KEYS entry #{_position} is not a valid Fernet key: {_FERNET_HINT}"
        )

if _problems:
    raise ImproperlyConfigured(
        "Production settings refused to start:\n  - " + "\n  - ".join(_problems)
    )

# --- HTTPS: TLS terminates at the reverse proxy, which must set X-Forwarded-Proto. -------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_NAME = "__Secure-csrftoken"
