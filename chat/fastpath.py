"""A visitor's message on the consumer's event loop: chat_visitor_message() over async psycopg.

The widget's hot path. Through a DB thread, one statement still costs two thread hops and a
GIL hand-over per round trip (≈ 3 ms on this 2-core box under load, more than the statement
itself); here the statement runs on the event loop over a small per-loop pool of async psycopg
connections (autocommit: the statement is its own transaction). Its answer goes through the same
``services.visitor_message_answered`` as the sync path, inside ``events.collect(committed=True)``,
so the events and after-commit jobs are exactly the sync path's. Anything the statement does not
handle (no conversation yet, workspace not active) returns None and the consumer takes the full
path on a DB thread.

``CHAT_ASYNC_DB`` (default on) switches it; the test settings turn it off except in the tests
that exercise it, because a pool per event loop outlives pytest's per-test loops.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

from django.conf import settings
from django.db import connections
from psycopg.conninfo import make_conninfo
from psycopg_pool import AsyncConnectionPool

from . import events, services

logger = logging.getLogger(__name__)

_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncConnectionPool] = (
    weakref.WeakKeyDictionary()
)


def enabled() -> bool:
    return bool(getattr(settings, "CHAT_ASYNC_DB", False))


def _conninfo() -> str:
    """The default database's connection parameters, as Django's own connections use them."""
    params: dict[str, Any] = dict(connections["default"].get_connection_params())
    for key in ("cursor_factory", "context", "prepare_threshold", "server_side_binding"):
        params.pop(key, None)
    return make_conninfo(**{k: v for k, v in params.items() if v not in (None, "")})


async def _pool() -> AsyncConnectionPool:
    loop = asyncio.get_running_loop()
    pool = _pools.get(loop)
    if pool is None:
        pool = AsyncConnectionPool(
            _conninfo(),
            min_size=1,
            max_size=getattr(settings, "CHAT_ASYNC_DB_CONNECTIONS", 4),
            kwargs={"autocommit": True},
            open=False,
            name="chat-fastpath",
        )
        _pools[loop] = pool
        await pool.open(wait=True, timeout=10)
    return pool


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
    pool = await _pool()
    async with pool.connection() as conn:
        cursor = await conn.execute(
            services.VISITOR_MESSAGE_SQL,
            services.visitor_message_params(workspace_id, visitor_id, client_id, body, limits),
        )
        row = await cursor.fetchone()
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
    """Close this event loop's pool (tests, shutdown)."""
    pool = _pools.pop(asyncio.get_running_loop(), None)
    if pool is not None:
        await pool.close()
