"""Production: configuration only from the environment; refuses to start with a missing or
default secret."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database_config, redis_settings
from .env import env_bool, env_int, env_list, env_str

DEBUG = False

SECRET_KEY = env_str("SECRET_KEY")
_WEAK_SECRETS = {"changeme", "change-me", "secret", "local-only-not-a-secret", "django-insecure"}
if SECRET_KEY.lower() in _WEAK_SECRETS or SECRET_KEY.startswith("django-insecure") or len(
    set(SECRET_KEY)
) < 5 or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY is a default or weak value: set at least 50 random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DATABASE_URL = env_str("DATABASE_URL")
DATABASES = {"default": database_config(DATABASE_URL)}
REDIS_URL = env_str("REDIS_URL")
globals().update(redis_settings(REDIS_URL))

FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS is required: comma-separated Fernet keys, newest first "
        "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_NAME = "__Secure-csrftoken"
