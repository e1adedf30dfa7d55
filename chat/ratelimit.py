"""Rate limits for chat on Redis with the `limits` package (moving windows, shared by all
processes), like tenants/throttle.py. The widget session check is synchronous (REST); the
visitor send check is async, on the consumer's event loop (limits.aio with redis-py's asyncio
client), so the DB threads never wait on Redis for it."""

from __future__ import annotations

import asyncio
import logging
import math
import time
import weakref
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter as AsyncMovingWindowRateLimiter
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: Messages one visitor may send: a burst limit and an hourly limit.
DEFAULT_VISITOR_SEND_LIMITS = ("10/10seconds", "120/hour")
#: Widget session calls per client IP (each may create a visitor row).
DEFAULT_SESSION_LIMIT = "30/minute"


@lru_cache(maxsize=4)
def _limiter(storage_url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(storage_url, socket_timeout=2))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def _check(limits: list[RateLimitItem], *identifiers: str) -> Verdict:
    """Count one hit in each window, shortest first; ``hit`` is atomic and counts nothing when
    its window is full (one Redis round trip per window on the allowed path). A hit refused by a
    later window has been counted in the earlier ones — it was refused anyway."""
    limiter = _limiter(settings.RATELIMIT_STORAGE_URL)
    for item in limits:
        if not limiter.hit(item, *identifiers):
            reset_at, _remaining = limiter.get_window_stats(item, *identifiers)
            return Verdict(False, max(1, math.ceil(reset_at - time.time())))
    return Verdict(True)


#: One async limiter per event loop (redis-py's asyncio connections belong to their loop).
_async_limiters: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, AsyncMovingWindowRateLimiter
] = weakref.WeakKeyDictionary()


def _async_limiter() -> AsyncMovingWindowRateLimiter:
    loop = asyncio.get_running_loop()
    limiter = _async_limiters.get(loop)
    if limiter is None:
        storage = storage_from_string(
            "async+" + settings.RATELIMIT_STORAGE_URL, implementation="redispy", socket_timeout=2
        )
        limiter = _async_limiters[loop] = AsyncMovingWindowRateLimiter(storage)  # type: ignore[arg-type]
    return limiter


async def visitor_send_allowed(*, workspace_id: int, visitor_id: int) -> Verdict:
    """Count one message of this visitor, unless a window is full (as ``_check``).

    If Redis cannot be reached the message is let through (and logged): during a Redis restart
    a visitor's message is stored rather than lost or answered with an error, and the limit
    applies again as soon as Redis is back."""
    rules = getattr(settings, "CHAT_VISITOR_SEND_LIMITS", DEFAULT_VISITOR_SEND_LIMITS)
    identifiers = ("chat-visitor-send", str(workspace_id), str(visitor_id))
    try:
        limiter = _async_limiter()
        for item in [parse(r) for r in rules]:
            if not await limiter.hit(item, *identifiers):
                reset_at, _remaining = await limiter.get_window_stats(item, *identifiers)
                return Verdict(False, max(1, math.ceil(reset_at - time.time())))
    except (RedisError, OSError) as exc:
        logger.warning("visitor send limit not checked (Redis unavailable): %s", exc)
    return Verdict(True)


def widget_session_allowed(*, ip: str) -> Verdict:
    rule = getattr(settings, "CHAT_WIDGET_SESSION_LIMIT", DEFAULT_SESSION_LIMIT)
    return _check([parse(rule)], "chat-widget-session", ip)
