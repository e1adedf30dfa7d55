"""pytest: the same engines as production. Unless DATABASE_URL / REDIS_URL are given, a real
PostgreSQL and Redis are started in a temp dir for this test session and stopped at its end.
The URLs are exported so that child processes (Daphne, Celery workers) reuse them."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
    from supportdesk import embedded

    _root = Path(tempfile.mkdtemp(prefix="supportdesk-test-"))
    _services = embedded.start_services(_root)
    os.environ.update(_services.environ())
    os.environ["SUPPORTDESK_TEST_SERVICES_OWNER_PID"] = str(os.getpid())

    def _stop_services(pid: int = os.getpid()) -> None:
        if os.getpid() != pid:  # a forked child must not stop the session's servers
            return
        _services.stop()
        shutil.rmtree(_root, ignore_errors=True)

    atexit.register(_stop_services)

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 40)

from .base import *  # noqa: F403
from .base import database_config, redis_settings

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
DATABASE_URL = os.environ["DATABASE_URL"]
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
DATABASES = {"default": database_config(DATABASE_URL)}
REDIS_URL = os.environ["REDIS_URL"]
globals().update(redis_settings(REDIS_URL))

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FIELD_ENCRYPTION_KEYS = [
    # Fixed test-only keys (never used outside tests).
    "x8bZ3c6Qm3mQyE4cJ0s4pS8p1Xb1nYq6mS0kq3w5Q6k=",
]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DEMO_PAGE_ENABLED = True
# A connection pool per event loop would outlive pytest's per-test loops: the fast path's own
# tests turn it on and close the pool (tests/chat/test_fastpath.py).
CHAT_ASYNC_DB = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# AI: no platform endpoint unless a test declares one (tests never reach a real provider);
# fake providers listen on 127.0.0.1.
AI_ENDPOINTS = []
AI_WORKSPACE_ENDPOINTS_ALLOW_PRIVATE = True
