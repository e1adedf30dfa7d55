"""A visitor's message on the consumer's event loop: chat_visitor_message() over async psycopg.

The widget's hot path. Through a DB thread, one statement still costs two thread hops and a
GIL hand-over per round trip (≈ 3 ms on this 2-core box under load, more than the statement
itself); here the statement runs on the event loop over a small per-loop pool of async psycopg
connections (autocommit: the statement is its own transaction). Its answer goes through the same
``services.visitor_message_answered`` as the sync path, inside ``events.collect(committed=True)``,
so the events and after-commit jobs are exactly the sync path's. Anything the statement does not
handle (no conversation yet, workspace not active) returns None and the consumer takes the full
path on a DB thread.

The connections are ``CHAT_ASYNC_DB_CONNECTIONS`` "lanes" per event loop, each an open
autocommit connection with its cursor, handed out from a free list (``_Lanes``). psycopg_pool's
checkout and return (its condition, checks, stats and reset) cost ≈ 130 µs of CPU per statement
here against ≈ 0 for the free list, measured with loops of this statement's shape
(docs/benchmarks.md); the statement needs none of what the pool adds: there is no transaction to
reset, and a connection that breaks is closed and reopened on its next use. A statement whose
connection breaks (PostgreSQL restarted, the network dropped) is not retried here: the caller
takes the full path, which re-sends it, and the client id makes that a no-op if the first one
had committed.

``CHAT_ASYNC_DB`` (default on) switches it; the test settings turn it off except in the tests
that exercise it, because the lanes of an event loop outlive pytest's per-test loops.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from psycopg.conninfo import make_conninfo

from . import events, services

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 10


class _Lane:
    """One connection and its cursor; ``conn`` is None until first used or after it broke."""

    __slots__ = ("conn", "cursor")

    def __init__(self) -> None:
        self.conn: psycopg.AsyncConnection[Any] | None = None
        self.cursor: psycopg.AsyncCursor[Any] | None = None

    async def ready(self, conninfo: str) -> psycopg.AsyncCursor[Any]:
        if self.conn is None or self.conn.closed or self.cursor is None:
            self.conn = await psycopg.AsyncConnection.connect(
                conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
            )
            self.cursor = self.conn.cursor()
        return self.cursor

    def drop(self) -> None:
        """Forget the connection; it is closed in the background (this may run while the
        calling task is being cancelled)."""
        conn, self.conn, self.cursor = self.conn, None, None
        if conn is not None and not conn.closed:
            task = asyncio.get_running_loop().create_task(_close_quietly(conn))
            _closing.add(task)
            task.add_done_callback(_closing.discard)


_closing: set[asyncio.Task[None]] = set()


async def _close_quietly(conn: psycopg.AsyncConnection[Any]) -> None:
    try:
        await conn.close()
    except Exception:  # already gone
        logger.debug("closing a chat fast-path connection failed", exc_info=True)


class _Lanes:
    """A fixed number of lanes per event loop. The lane used last is handed out first (under
    light load one connection does the work); a caller waits for a free one otherwise."""

    def __init__(self, conninfo: str, size: int) -> None:
        self.conninfo = conninfo
        self.free: asyncio.LifoQueue[_Lane] = asyncio.LifoQueue()
        self.all = [_Lane() for _ in range(max(1, size))]
        for lane in self.all:
            self.free.put_nowait(lane)

    async def execute(self, query: str, params: list[Any]) -> Any:
        """``query``'s first row (None if it returned none)."""
        lane = self.free.get_nowait() if not self.free.empty() else await self.free.get()
        try:
            cursor = await lane.ready(self.conninfo)
            await cursor.execute(query, params)
            return await cursor.fetchone()
        except psycopg.Error:
            if lane.conn is None or lane.conn.broken or lane.conn.closed:
                lane.drop()
            raise
        except BaseException:  # cancelled mid-statement, or worse: the connection's state is
            lane.drop()  # unknown, so it is not used again
            raise
        finally:
            self.free.put_nowait(lane)

    async def close(self) -> None:
        for lane in self.all:
            conn, lane.conn, lane.cursor = lane.conn, None, None
            if conn is not None:
                await _close_quietly(conn)


_lanes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Lanes] = weakref.WeakKeyDictionary()


def enabled() -> bool:
    return bool(getattr(settings, "CHAT_ASYNC_DB", False))


def _conninfo() -> str:
    """The default database's connection parameters, as Django's own connections use them."""
    params: dict[str, Any] = dict(connections["default"].get_connection_params())
    for key in ("cursor_factory", "context", "prepare_threshold", "server_side_binding"):
        params.pop(key, None)
    return make_conninfo(**{k: v for k, v in params.items() if v not in (None, "")})


def _loop_lanes() -> _Lanes:
    loop = asyncio.get_running_loop()
    lanes = _lanes.get(loop)
    if lanes is None:
        size = getattr(settings, "CHAT_ASYNC_DB_CONNECTIONS", 4)
        lanes = _lanes[loop] = _Lanes(_conninfo(), size)
    return lanes


async def visitor_message(
    *,
    workspace_id: int,
    visitor_id: int,
    client_id: str,
    body: str,
    limits: services.SendLimits = (),
) -> tuple[services.VisitorAnswer, events.Outbox] | None:
    """``services.message_create_from_visitor_fast`` on the event loop; None: take the full
    path. ``client_id`` and ``body`` are cleaned by the caller. Over ``limits``:
    ``services.SendRateLimited``."""
    try:
        row = await _loop_lanes().execute(
            services.VISITOR_MESSAGE_SQL,
            services.visitor_message_params(workspace_id, visitor_id, client_id, body, limits),
        )
    except psycopg.OperationalError:
        logger.warning("chat fast path: connection failed, taking the full path", exc_info=True)
        return None
    with events.collect(committed=True) as box:
        result = services.visitor_message_answered(
            row[0] if row else None,
            workspace_id=workspace_id,
            visitor_id=visitor_id,
            client_id=client_id,
        )
    if result is None:
        return None
    return result, box


async def close_pools() -> None:
    """Close this event loop's connections (tests, shutdown)."""
    lanes = _lanes.pop(asyncio.get_running_loop(), None)
    if lanes is not None:
        await lanes.close()
