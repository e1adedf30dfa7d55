"""A worker's pool child keeps its PostgreSQL connection between tasks (ai/apps.py): Celery's
Django fixup would close it before and after every task; after ``_keep_connections`` the fixup
closes only what Django itself would close at a request boundary (too old, unusable, or left
inside a transaction)."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection

from ai import apps
from supportdesk.celery import app

pytestmark = pytest.mark.django_db(transaction=True)

TASK = SimpleNamespace(request=SimpleNamespace(is_eager=False))


@pytest.fixture
def fixup(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    worker_fixup = next(f for f in app._fixups if hasattr(f, "worker_fixup")).worker_fixup
    monkeypatch.setattr(worker_fixup, "close_database", worker_fixup.close_database)
    connection.close()  # close_at is computed at connect time, from CONN_MAX_AGE
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", apps.WORKER_CONN_MAX_AGE)
    yield worker_fixup
    connection.close()


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_celery_alone_closes_the_connection_around_every_task(fixup: Any) -> None:
    before = _backend_pid()

    fixup.on_task_prerun(sender=TASK)

    assert connection.connection is None
    assert _backend_pid() != before


def test_tasks_keep_the_connection_once_the_child_is_set_up(fixup: Any) -> None:
    apps._keep_connections()
    before = _backend_pid()

    for _ in range(3):
        fixup.on_task_prerun(sender=TASK)
        assert _backend_pid() == before
        fixup.on_task_postrun(sender=TASK)

    assert connection.connection is not None and _backend_pid() == before


def test_a_connection_left_inside_a_transaction_is_closed(fixup: Any) -> None:
    apps._keep_connections()
    _backend_pid()
    connection.set_autocommit(False)  # a task that ended without COMMIT or ROLLBACK

    fixup.on_task_postrun(sender=TASK)

    assert connection.connection is None
