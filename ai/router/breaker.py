"""A circuit breaker per endpoint whose state lives in Redis, so every worker shares it.

States: closed (calls flow), open (calls skip the endpoint until ``open_until``), half-open
(``open_until`` passed: exactly one worker wins the probe slot and calls; success closes the
breaker, failure re-opens it). It opens after ``failure_threshold`` failures within
``window_seconds``, or at once for as long as a provider's Retry-After asks.

Why not pybreaker's CircuitRedisStorage: it reads and writes the counter and the state in
separate round trips (two workers failing at once lose counts and race on the transition), its
open period is one fixed ``reset_timeout`` per breaker (no per-failure Retry-After), and in
half-open it lets every worker's call through instead of one probe. Each transition here is a
single Lua script, so it is atomic in Redis and costs one round trip (~0.2 ms on a local
socket), which keeps the breaker-open skip well under the 5 ms target.

Each process also remembers, per endpoint, an ``open_until`` it has seen in Redis: until then
the endpoint is open for everyone (only a half-open probe can close it, and that comes after
``open_until``), so the skip needs no round trip at all. It is a memo of Redis state, never a
substitute: every decision after ``open_until`` goes to Redis again.

If Redis itself is unreachable the breaker fails open (allows the call) and logs it: a breaker
outage must not become an AI outage, and the per-attempt timeouts still bound the damage.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

from supportdesk.settings.env import redis_location

logger = logging.getLogger(__name__)

PREFIX = "sd:ai:breaker:"

_ALLOW = """
local open_until = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
local now = tonumber(ARGV[1])
if open_until == 0 then return {1, 0} end
if now < open_until then return {0, open_until - now} end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', tonumber(ARGV[2])) then return {2, 0} end
return {3, redis.call('PTTL', KEYS[2])}
"""

_FAILURE = """
local now = tonumber(ARGV[1])
local threshold = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local reset = tonumber(ARGV[4])
local retry_after = tonumber(ARGV[5])
local first = tonumber(redis.call('HGET', KEYS[1], 'first') or '0')
local fails
if first == 0 or now - first > window then
  redis.call('HSET', KEYS[1], 'first', now, 'fails', 1)
  fails = 1
else
  fails = redis.call('HINCRBY', KEYS[1], 'fails', 1)
end
local open_until = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
local was_probe = open_until > 0 and now >= open_until
local hold = retry_after
if (fails >= threshold or was_probe) and reset > hold then hold = reset end
if hold > 0 and now + hold > open_until then
  redis.call('HSET', KEYS[1], 'open_until', now + hold)
  open_until = now + hold
end
redis.call('DEL', KEYS[2])
redis.call('PEXPIRE', KEYS[1], window + hold + 3600000)
return {fails, open_until}
"""


@dataclass(frozen=True)
class Permit:
    allowed: bool
    probe: bool = False
    #: When refused: how long until the endpoint may be tried again.
    retry_in_seconds: float = 0.0


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )


def _redis() -> redis.Redis:
    url = getattr(settings, "AI_BREAKER_REDIS_URL", "") or redis_location(
        settings.REDIS_URL, settings.REDIS_DB_CACHE
    )
    return _client(url)


def _now_ms() -> int:
    return int(time.time() * 1000)


#: endpoint breaker key -> open_until (ms) seen in Redis by this process.
_known_open: dict[str, int] = {}


class Breaker:
    """One endpoint's breaker. Cheap to build; all state is in Redis under ``PREFIX + key``."""

    def __init__(self, key: str, *, config: dict[str, Any] | None = None) -> None:
        self.key = PREFIX + key
        self.probe_key = self.key + ":probe"
        self.config = {**settings.AI_BREAKER, **(config or {})}

    def allow(self) -> Permit:
        now = _now_ms()
        known = _known_open.get(self.key, 0)
        if now < known:
            return Permit(False, retry_in_seconds=(known - now) / 1000)
        try:
            code, wait_ms = _redis().eval(
                _ALLOW, 2, self.key, self.probe_key, _now_ms(), self._ms("probe_seconds")
            )
        except redis.RedisError:
            logger.warning("AI breaker store unreachable; allowing the call", exc_info=True)
            return Permit(True)
        wait = max(int(wait_ms), 0)
        if int(code) == 0:  # open: nobody may call it before open_until
            _known_open[self.key] = now + wait
            return Permit(False, retry_in_seconds=wait / 1000)
        if int(code) == 3:  # half-open, another worker is probing: not memoised
            return Permit(False, retry_in_seconds=wait / 1000)
        return Permit(True, probe=int(code) == 2)

    def record_success(self) -> None:
        _known_open.pop(self.key, None)
        try:
            _redis().delete(self.key, self.probe_key)
        except redis.RedisError:
            logger.warning("AI breaker store unreachable (success not recorded)", exc_info=True)

    def record_failure(self, *, retry_after: float | None = None) -> None:
        try:
            _fails, open_until = _redis().eval(
                _FAILURE,
                2,
                self.key,
                self.probe_key,
                _now_ms(),
                int(self.config["failure_threshold"]),
                self._ms("window_seconds"),
                self._ms("reset_seconds"),
                int((retry_after or 0) * 1000),
            )
        except redis.RedisError:
            logger.warning("AI breaker store unreachable (failure not recorded)", exc_info=True)
            return
        if int(open_until) > _now_ms():
            _known_open[self.key] = int(open_until)

    def release_probe(self) -> None:
        """The probe learnt nothing about the endpoint's health (e.g. a refused BYOK key)."""
        try:
            _redis().delete(self.probe_key)
        except redis.RedisError:
            logger.warning("AI breaker store unreachable (probe not released)", exc_info=True)

    def state(self) -> str:
        """closed | open | half_open (for the settings page and tests)."""
        try:
            raw = _redis().hget(self.key, "open_until")
        except redis.RedisError:
            return "unknown"
        open_until = int(raw or 0)
        if open_until == 0:
            return "closed"
        return "open" if _now_ms() < open_until else "half_open"

    def _ms(self, name: str) -> int:
        return int(float(self.config[name]) * 1000)


def breakers_reset(pattern: str = "*") -> int:
    """Delete breaker state (tests, benchmarks, an operator after fixing an endpoint); also
    forgets this process's memo (other processes' memos end at their ``open_until``)."""
    _known_open.clear()
    client = _redis()
    keys = list(client.scan_iter(match=PREFIX + pattern, count=500))
    return int(client.delete(*keys)) if keys else 0
