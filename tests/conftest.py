"""Test session: the real embedded PostgreSQL and Redis (started by supportdesk.settings.test).

The test database is created and migrated by the owner role; the tests then run as the runtime
role, which is subject to row-level security exactly as Daphne and Celery are."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dj_database_url
import pytest
import redis
from django.conf import settings
from django.db import connections


def _switch_role(url: str) -> None:
    parsed = dj_database_url.parse(url)
    conn = connections["default"]
    conn.close()
    conn.settings_dict["USER"] = parsed["USER"]
    conn.settings_dict["PASSWORD"] = parsed.get("PASSWORD", "")


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_keepdb: bool,
) -> Iterator[None]:
    from django.test.utils import setup_databases, teardown_databases

    owner_url = settings.DATABASE_OWNER_URL or settings.DATABASE_URL
    runtime_url = settings.DATABASE_URL
    with django_db_blocker.unblock():
        _switch_role(owner_url)
        db_cfg = setup_databases(verbosity=0, interactive=False, keepdb=django_db_keepdb)
        _switch_role(runtime_url)
    yield
    with django_db_blocker.unblock():
        _switch_role(owner_url)
        if not django_db_keepdb:
            teardown_databases(db_cfg, verbosity=0)
        _switch_role(runtime_url)


@pytest.fixture(autouse=True)
def _clean_rate_limits() -> Iterator[None]:
    """Each test starts with empty rate-limit windows (they live in a Redis db of their own)."""
    client = redis.Redis.from_url(settings.RATELIMIT_STORAGE_URL.replace("redis+unix", "unix"))
    client.flushdb()
    yield
    client.close()
