"""Rate limits for chat on Redis with the `limits` package (moving windows, shared by all
processes), like tenants/throttle.py. Synchronous: consumers call it inside their DB thread."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

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


def visitor_send_allowed(*, workspace_id: int, visitor_id: int) -> Verdict:
    """Count one message of this visitor, unless a window is full."""
    rules = getattr(settings, "CHAT_VISITOR_SEND_LIMITS", DEFAULT_VISITOR_SEND_LIMITS)
    return _check(
        [parse(r) for r in rules], "chat-visitor-send", str(workspace_id), str(visitor_id)
    )


def widget_session_allowed(*, ip: str) -> Verdict:
    rule = getattr(settings, "CHAT_WIDGET_SESSION_LIMIT", DEFAULT_SESSION_LIMIT)
    return _check([parse(rule)], "chat-widget-session", ip)
