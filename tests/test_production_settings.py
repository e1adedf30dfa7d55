"""supportdesk.settings.production: refuses missing, default, weak or malformed configuration, and
passes `check --deploy` with a complete one. Each case runs manage.py in a subprocess with a clean
environment, exactly as Daphne, Celery and `migrate` start in the container."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = "supportdesk.settings.production"


def _good_env() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(48)[:64],
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "example.com",
        "DATABASE_URL": "postgres://u:p@db.example.com:5432/sd",
        "REDIS_URL": "redis://redis.example.com:6379/0",
    }


def _run(
    args: list[str], config: dict[str, str], *, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    """manage.py (or `python -c code`) with only PATH/HOME and `config` in the environment."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(Path.home()),
        "LANG": "C.UTF-8",
        "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": PRODUCTION,
        **config,
    }
    argv = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _refused(config: dict[str, str]) -> str:
    result = _run(["check"], config)
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr


def test_good_secret_is_64_random_characters() -> None:
    assert len(_good_env()["SECRET_KEY"]) == 64


# --- (a) missing SECRET_KEY ---------------------------------------------------------------------


def test_missing_secret_key_is_refused() -> None:
    config = _good_env()
    del config["SECRET_KEY"]
    stderr = _refused(config)
    assert "SECRET_KEY is required" in stderr
    assert "secrets.token_urlsafe" in stderr  # tells the operator how to make one


# --- (b) default or weak SECRET_KEY -------------------------------------------------------------


@pytest.mark.parametrize(
    "weak",
    [
        "changeme",
        "django-insecure-" + secrets.token_urlsafe(48),  # startproject's default, however long
        "local-only-not-a-secret",  # supportdesk.settings.local's fallback
        "test-secret-key-" + "x" * 40,  # supportdesk.settings.test's default
        "x" * 64,  # long but not random
        secrets.token_urlsafe(24),  # random but shorter than 50 characters
    ],
    ids=["changeme", "django-insecure", "local-default", "test-default", "repetitive", "short"],
)
def test_default_or_weak_secret_key_is_refused(weak: str) -> None:
    stderr = _refused({**_good_env(), "SECRET_KEY": weak})
    assert "SECRET_KEY is a" in stderr
    if len(weak) > 12:
        assert weak not in stderr, "the refusal must not echo the secret"


def test_weak_secret_key_fallback_is_refused() -> None:
    stderr = _refused({**_good_env(), "SECRET_KEY_FALLBACKS": "changeme"})
    assert "SECRET_KEY_FALLBACKS is a" in stderr


# --- (c) the other required variables -----------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ("FIELD_ENCRYPTION_KEYS", "FIELD_ENCRYPTION_KEYS is required: comma-separated Fernet keys"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS is required"),
        ("DATABASE_URL", "DATABASE_URL is required: postgres://"),
        ("REDIS_URL", "REDIS_URL is required: redis://"),
    ],
)
@pytest.mark.parametrize("how", ["unset", "empty"])
def test_missing_required_variable_is_refused(variable: str, message: str, how: str) -> None:
    config = _good_env()
    if how == "unset":
        del config[variable]
    else:
        config[variable] = ""
    stderr = _refused(config)
    assert message in stderr
    # Only the missing variable is reported: the message points straight at the problem.
    assert stderr.count("\n  - ") == 1


def test_every_problem_is_reported_at_once() -> None:
    stderr = _refused({})
    for variable in (
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
    ):
        assert f"{variable} is required" in stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("FIELD_ENCRYPTION_KEYS", "not-a-fernet-key", "entry #1 is not a valid Fernet key"),
        ("ALLOWED_HOSTS", "*", "ALLOWED_HOSTS must not contain '*'"),
        ("DATABASE_URL", "sqlite:///db.sqlite3", "DATABASE_URL must point at PostgreSQL"),
        ("DATABASE_URL", "postgres://", "DATABASE_URL must be a postgres://"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must be a redis://"),
        ("SECURE_SSL_REDIRECT", "maybe", "SECURE_SSL_REDIRECT must be true or false"),
    ],
    ids=["fernet", "wildcard-host", "sqlite", "empty-postgres-url", "redis-scheme", "bool"],
)
def test_malformed_values_are_refused(variable: str, value: str, message: str) -> None:
    stderr = _refused({**_good_env(), variable: value})
    assert message in stderr


def test_second_invalid_fernet_key_is_refused_without_echoing_keys() -> None:
    good = Fernet.generate_key().decode()
    stderr = _refused({**_good_env(), "FIELD_ENCRYPTION_KEYS": f"{good},tooshort"})
    assert "entry #2 is not a valid Fernet key" in stderr
    assert good not in stderr and "tooshort" not in stderr


# --- (d) a complete configuration passes the deployment checks -------------------------------


def test_check_deploy_passes_with_a_good_environment() -> None:
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], _good_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_passes_with_rotation_keys() -> None:
    config = {
        **_good_env(),
        "SECRET_KEY_FALLBACKS": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": ",".join(Fernet.generate_key().decode() for _ in range(2)),
        "ALLOWED_HOSTS": "support.example.com,.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://support.example.com",
        "REDIS_URL": "rediss://:s3cret-pass@redis.example.com:6380/0",
    }
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], config)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_security_settings() -> None:
    code = (
        "import json\n"
        "from django.conf import settings as s\n"
        "print(json.dumps({\n"
        "    'DEBUG': s.DEBUG,\n"
        "    'SESSION_COOKIE_SECURE': s.SESSION_COOKIE_SECURE,\n"
        "    'CSRF_COOKIE_SECURE': s.CSRF_COOKIE_SECURE,\n"
        "    'SESSION_COOKIE_HTTPONLY': s.SESSION_COOKIE_HTTPONLY,\n"
        "    'SESSION_COOKIE_NAME': s.SESSION_COOKIE_NAME,\n"
        "    'CSRF_COOKIE_NAME': s.CSRF_COOKIE_NAME,\n"
        "    'SECURE_SSL_REDIRECT': s.SECURE_SSL_REDIRECT,\n"
        "    'SECURE_PROXY_SSL_HEADER': s.SECURE_PROXY_SSL_HEADER,\n"
        "    'SECURE_HSTS_SECONDS': s.SECURE_HSTS_SECONDS,\n"
        "    'SECURE_HSTS_INCLUDE_SUBDOMAINS': s.SECURE_HSTS_INCLUDE_SUBDOMAINS,\n"
        "    'SECURE_HSTS_PRELOAD': s.SECURE_HSTS_PRELOAD,\n"
        "    'SECURE_CONTENT_TYPE_NOSNIFF': s.SECURE_CONTENT_TYPE_NOSNIFF,\n"
        "    'X_FRAME_OPTIONS': s.X_FRAME_OPTIONS,\n"
        "    'ALLOWED_HOSTS': s.ALLOWED_HOSTS,\n"
        "    'ENGINE': s.DATABASES['default']['ENGINE'],\n"
        "    'DB_HOST': s.DATABASES['default']['HOST'],\n"
        "    'BROKER': s.CELERY_BROKER_URL,\n"
        "    'DEMO_PAGE_ENABLED': getattr(s, 'DEMO_PAGE_ENABLED', False),\n"
        "}))\n"
    )
    result = _run([], _good_env(), code=code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_NAME"].startswith("__Secure-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Secure-")
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["ALLOWED_HOSTS"] == ["example.com"]
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["DB_HOST"] == "db.example.com"
    assert values["BROKER"] == "redis://redis.example.com:6379/1"
    assert values["DEMO_PAGE_ENABLED"] is False


def test_debug_cannot_be_switched_on_from_the_environment() -> None:
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = _run([], {**_good_env(), "DEBUG": "1", "DJANGO_DEBUG": "true"}, code=code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
