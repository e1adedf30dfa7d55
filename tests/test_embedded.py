"""The embedded services behind `make run` and the test session: start, reuse, recover, stop."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

from supportdesk import embedded
from supportdesk.launcher import _child
from supportdesk.settings.env import celery_url, limits_url, redis_location


@pytest.fixture
def services(tmp_path: Path):
    started = embedded.start_services(tmp_path / "data")
    yield started
    started.stop()


def test_roles_are_not_superusers_and_cannot_bypass_rls(services: embedded.Services) -> None:
    with psycopg.connect(services.postgres.url("postgres", "postgres")) as conn:
        rows = dict(
            (name, (superuser, bypass, createdb))
            for name, superuser, bypass, createdb in conn.execute(
                "SELECT rolname, rolsuper, rolbypassrls, rolcreatedb FROM pg_roles "
                "WHERE rolname IN ('supportdesk_owner', 'supportdesk_app')"
            )
        )
    assert rows == {
        "supportdesk_owner": (False, False, True),
        "supportdesk_app": (False, False, False),
    }


def test_bootstrap_is_idempotent_and_installs_pgvector(services: embedded.Services) -> None:
    embedded.bootstrap_postgres(services.postgres)
    with psycopg.connect(services.postgres.url(embedded.APP_ROLE)) as conn:
        assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'").fetchone()
        assert conn.execute("SELECT '[1,2,3]'::vector <-> '[1,2,4]'::vector").fetchone() == (1.0,)
        owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        ).fetchone()
    assert owner == ("supportdesk_owner",)


def test_a_second_start_reuses_the_running_servers(
    services: embedded.Services, tmp_path: Path
) -> None:
    redis_pid = services.redis.running_pid()
    again = embedded.start_services(tmp_path / "data")
    assert again.redis.running_pid() == redis_pid
    assert again.postgres.socket_dir == services.postgres.socket_dir


def test_stale_postmaster_pid_from_a_crash_is_removed(tmp_path: Path) -> None:
    pgdata = tmp_path / "pg"
    pgdata.mkdir()
    # A PID that is alive but is not postgres (this test process), as after a crash + PID reuse.
    (pgdata / "postmaster.pid").write_text(
        f"{os.getpid()}\n{pgdata}\n0\n5432\n{pgdata}\n\n0 0\nready\n"
    )
    (pgdata / ".s.PGSQL.5432.lock").write_text("x")
    embedded._remove_stale_postmaster_files(pgdata)
    assert not (pgdata / "postmaster.pid").exists()
    assert not (pgdata / ".s.PGSQL.5432.lock").exists()


def test_stop_stops_both_servers(tmp_path: Path) -> None:
    started = embedded.start_services(tmp_path / "data")
    started.stop()
    assert started.redis.running_pid() is None
    assert not started.redis.ping()
    assert not (started.postgres.pgdata / "postmaster.pid").exists()


@pytest.mark.parametrize(
    ("redis_url", "channels", "celery", "limits"),
    [
        (
            "unix:///d/redis.sock?db=0",
            "unix:///d/redis.sock?db=0",
            "redis+socket:///d/redis.sock?virtual_host=1",
            "redis+unix:///d/redis.sock?db=4",
        ),
        (
            "redis://:pw@cache.example.com:6380/0",
            "redis://:pw@cache.example.com:6380/0",
            "redis://:pw@cache.example.com:6380/1",
            "redis://:pw@cache.example.com:6380/4",
        ),
    ],
)
def test_redis_url_is_spelled_for_each_client(
    redis_url: str, channels: str, celery: str, limits: str
) -> None:
    assert redis_location(redis_url, 0) == channels
    assert celery_url(redis_url, 1) == celery
    assert limits_url(redis_url, 4) == limits


def test_children_die_with_the_launcher_and_start_after_the_web() -> None:
    assert _child("daphne x").startswith("exec setpriv --pdeathsig TERM -- daphne")
    delayed = _child("celery worker", delay=2)
    assert delayed == "exec setpriv --pdeathsig TERM -- sh -c 'sleep 2; exec celery worker'"
