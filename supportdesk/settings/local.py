"""`make run`: the launcher starts embedded PostgreSQL + Redis and passes their URLs in the
environment. Running manage.py by hand reuses `.devdata/services.env` written by the launcher."""

from __future__ import annotations

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, database_config, redis_settings

DEBUG = True
DEVDATA = Path(os.environ.get("SUPPORTDESK_DEVDATA", BASE_DIR / ".devdata")).resolve()

_services_env = DEVDATA / "services.env"
if not os.environ.get("DATABASE_URL") and _services_env.exists():
    for _line in _services_env.read_text().splitlines():
        _key, _, _value = _line.partition("=")
        os.environ.setdefault(_key, _value)

_secret_file = DEVDATA / "secret_key"
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    _secret_file.read_text().strip() if _secret_file.exists() else "local-only-not-a-secret"
)
if os.environ.get("FIELD_ENCRYPTION_KEYS"):
    FIELD_ENCRYPTION_KEYS = os.environ["FIELD_ENCRYPTION_KEYS"].split(",")
elif (DEVDATA / "field_keys").exists():
    FIELD_ENCRYPTION_KEYS = (DEVDATA / "field_keys").read_text().split()

if os.environ.get("DATABASE_URL"):
    DATABASE_URL = os.environ["DATABASE_URL"]
    DATABASES = {"default": database_config(DATABASE_URL)}
if os.environ.get("REDIS_URL"):
    REDIS_URL = os.environ["REDIS_URL"]
    globals().update(redis_settings(REDIS_URL))
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")

ALLOWED_HOSTS = ["*"]
DEMO_PAGE_ENABLED = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A self-hosted model on this machine (Ollama, vLLM) may be added as a workspace endpoint.
AI_WORKSPACE_ENDPOINTS_ALLOW_PRIVATE = True
