"""The widget session limit on Redis with the `limits` package (a moving window shared by all
processes), like tenants/throttle.py.

The visitor send limit is not here: PostgreSQL counts it in the message's own statement
(chat.services.visitor_send_limits, migration 0005), which costs no extra round trip and cannot
be skipped while Redis is away."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

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


def widget_session_allowed(*, ip: str) -> Verdict:
    rule = getattr(settings, "CHAT_WIDGET_SESSION_LIMIT", DEFAULT_SESSION_LIMIT)
    return _check([parse(rule)], "chat-widget-session", ip)
