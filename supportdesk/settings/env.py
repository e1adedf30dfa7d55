"""Reading configuration from the environment, with clear errors for bad values."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise ImproperlyConfigured(f"Environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


#: Set by supportdesk/asgi.py before Django loads settings: Daphne processes pool connections
#: (not inherited by child processes, unlike an environment variable).
POOL_BY_DEFAULT = False


def database_config(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
    if env_bool("SUPPORTDESK_DB_POOL", POOL_BY_DEFAULT):
        # A psycopg connection pool per process (set by supportdesk/asgi.py for Daphne): under
        # ASGI Django runs sync code in short-lived threads, so CONN_MAX_AGE cannot keep
        # connections and each DB call would otherwise open a new backend (cold caches, fork).
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN_SIZE", 2),
            "max_size": env_int("DB_POOL_MAX_SIZE", 16),
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        }
    return config


def redis_location(redis_url: str, db: int) -> str:
    """The same server as ``redis_url`` with another logical database, as a redis-py URL."""
    parsed = urlparse(redis_url)
    query = parse_qs(parsed.query)
    query.pop("db", None)
    rest = "&".join(f"{k}={v[0]}" for k, v in query.items())
    if parsed.scheme == "unix":
        return f"unix://{parsed.path}?db={db}" + (f"&{rest}" if rest else "")
    netloc = parsed.netloc
    return f"{parsed.scheme}://{netloc}/{db}" + (f"?{rest}" if rest else "")


def celery_url(redis_url: str, db: int) -> str:
    """Celery/kombu spell a unix socket as redis+socket:// with virtual_host for the db number."""
    parsed = urlparse(redis_url)
    if parsed.scheme == "unix":
        return f"redis+socket://{parsed.path}?virtual_host={db}"
    return redis_location(redis_url, db)


def limits_url(redis_url: str, db: int) -> str:
    """The `limits` package spells a unix socket as redis+unix://."""
    parsed = urlparse(redis_url)
    if parsed.scheme == "unix":
        return f"redis+unix://{parsed.path}?db={db}"
    return redis_location(redis_url, db)
