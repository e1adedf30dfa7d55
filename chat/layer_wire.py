"""The channel layer's PUBLISH connection: one pipelined connection per shard and event loop.

Every chat message is published twice (the operators' group and the visitor's group). Through
redis-py's asyncio client a PUBLISH took ≈ 200 µs of Daphne's CPU (the pool's checkout and
return, argument packing, retry and timeout wrappers, the event dispatcher, a reply read per
call): 11-12 % of a busy process (py-spy, docs/benchmarks.md). Here a publish is one
``transport.write`` of the packed command and a future that the connection's reader resolves
when Redis answers; hiredis (the C parser redis-py uses too) reads the replies, in order, for
every publish in flight at once.

It only speaks what a publisher needs: connect (TCP or unix socket), AUTH when the URL carries
a password, then PUBLISH. Anything else — TLS (``rediss://``), Sentinel, a host given as
keyword arguments — keeps redis-py's client (``Publisher.for_host`` returns None).

Failure handling: a lost connection fails every publish in flight with ``PublishFailed`` (the
caller sends again, chat/events.py) and the next publish reconnects; if Redis stops answering,
a watchdog aborts the connection once the oldest publish has waited ``timeout`` seconds (the
layer's ``socket_timeout``), as redis-py's socket timeout would.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any
from urllib.parse import unquote, urlparse

import hiredis

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 15.0


class PublishFailed(ConnectionError):
    """The publish may not have reached Redis (connection lost, error reply, no answer)."""


def pack(*parts: bytes) -> bytes:
    """A Redis command in RESP."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        out.append(b"$%d\r\n%b\r\n" % (len(part), part))
    return b"".join(out)


class _Wire(asyncio.Protocol):
    """One connection: commands written in order, replies matched to them in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.reader = hiredis.Reader()
        self.waiting: deque[tuple[asyncio.Future[Any], float]] = deque()
        self.transport: asyncio.Transport | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        while True:
            try:
                reply = self.reader.gets()
            except hiredis.ProtocolError:
                logger.exception("channel layer publisher: unreadable reply, reconnecting")
                self.abort()
                return
            if reply is False:
                return
            if not self.waiting:
                logger.error("channel layer publisher: a reply nobody asked for, reconnecting")
                self.abort()
                return
            future, _sent = self.waiting.popleft()
            if future.done():
                continue
            if isinstance(reply, hiredis.ReplyError):
                future.set_exception(PublishFailed(f"Redis answered: {reply}"))
            else:
                future.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        error = PublishFailed(f"connection to Redis lost ({exc or 'closed'})")
        while self.waiting:
            future, _sent = self.waiting.popleft()
            if not future.done():
                future.set_exception(error)

    def call(self, command: bytes) -> asyncio.Future[Any]:
        if self.closed or self.transport is None:
            raise PublishFailed("connection to Redis closed")
        future = self.loop.create_future()
        self.waiting.append((future, self.loop.time()))
        self.transport.write(command)
        return future

    def oldest_wait(self) -> float:
        return self.loop.time() - self.waiting[0][1] if self.waiting else 0.0

    def abort(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.abort()  # connection_lost fails what is in flight


class Publisher:
    """PUBLISH over one pipelined connection of the running event loop (see module doc)."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("redis", "unix"):
            raise ValueError(f"the publisher speaks redis:// and unix:// only, not {url!r}")
        self.path = parsed.path if parsed.scheme == "unix" else None
        self.host = parsed.hostname or "localhost"
        self.port = parsed.port or 6379
        self.username = unquote(parsed.username) if parsed.username else None
        self.password = unquote(parsed.password) if parsed.password else None
        self.timeout = timeout
        self._wire: _Wire | None = None
        self._lock: asyncio.Lock | None = None
        self._watchdog: asyncio.TimerHandle | None = None

    @classmethod
    def for_host(cls, host: Any) -> Publisher | None:
        """A publisher for a channels-redis host config, or None where redis-py must stay."""
        if not isinstance(host, dict) or not isinstance(host.get("address"), str):
            return None
        if set(host) - {"address", "socket_timeout", "socket_connect_timeout"}:
            return None
        if urlparse(host["address"]).scheme not in ("redis", "unix"):
            return None
        timeout = host.get("socket_timeout") or DEFAULT_TIMEOUT_SECONDS
        return cls(host["address"], timeout=float(timeout))

    async def publish(self, channel: bytes, data: bytes) -> int:
        wire = self._wire
        if wire is None or wire.closed:
            wire = await self._connect()
        reply = await wire.call(pack(b"PUBLISH", channel, data))
        return int(reply)

    async def _connect(self) -> _Wire:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._wire is not None and not self._wire.closed:
                return self._wire
            loop = asyncio.get_running_loop()
            if self.path is not None:
                connecting = loop.create_unix_connection(lambda: _Wire(loop), self.path)
            else:
                connecting = loop.create_connection(lambda: _Wire(loop), self.host, self.port)
            _transport, wire = await asyncio.wait_for(connecting, self.timeout)
            try:
                if self.password is not None:
                    auth = [b"AUTH", *([self.username.encode()] if self.username else [])]
                    await asyncio.wait_for(
                        wire.call(pack(*auth, self.password.encode())), self.timeout
                    )
            except BaseException:
                wire.abort()
                raise
            self._wire = wire
            self._arm_watchdog(loop)
            return wire

    def _arm_watchdog(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._watchdog is None:
            self._watchdog = loop.call_later(self.timeout / 3, self._check, loop)

    def _check(self, loop: asyncio.AbstractEventLoop) -> None:
        self._watchdog = None
        wire = self._wire
        if wire is None or wire.closed:
            return
        if wire.oldest_wait() > self.timeout:
            logger.warning("channel layer publisher: Redis did not answer, reconnecting")
            wire.abort()
            return
        self._arm_watchdog(loop)

    async def close(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        wire, self._wire = self._wire, None
        if wire is not None and wire.transport is not None and not wire.closed:
            wire.transport.close()
