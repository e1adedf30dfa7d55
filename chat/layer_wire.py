"""The channel layer's Redis connections: one pipelined PUBLISH connection and one SUBSCRIBE
connection per shard and event loop.

Every chat message is published twice (the operators' group and the visitor's group). Through
redis-py's asyncio client a PUBLISH took ≈ 200 µs of Daphne's CPU (the pool's checkout and
return, argument packing, retry and timeout wrappers, the event dispatcher, a reply read per
call): 11-12 % of a busy process (py-spy, docs/benchmarks.md). Here a publish is one
``transport.write`` of the packed command and a future that the connection's reader resolves
when Redis answers; hiredis (the C parser redis-py uses too) reads the replies, in order, for
every publish in flight at once.

The subscriber is the same idea on the receiving side: redis-py's ``PubSub.get_message`` loop
(a timeout context and a parse per message) was 8 % of the process, mostly for reading back the
process's own publishes to drop them (chat/layer.py). Here hiredis parses whatever arrived and
each message is handed to the layer synchronously from ``data_received``. It reconnects on its
own (backoff up to ``MAX_BACKOFF_SECONDS``), subscribes again to every channel, and then tells
the layer, which has every consumer re-read what it may have missed (``on_reconnect``). It
PINGs every ``timeout / 3`` seconds and drops a connection that stays silent for ``timeout``.

They only speak what they need: connect (TCP or unix socket), AUTH when the URL carries a
password, then PUBLISH, or SUBSCRIBE / UNSUBSCRIBE / PING. Anything else (TLS with
``rediss://``, Sentinel, a host given as keyword arguments) keeps redis-py's client
(``wire_url`` returns None).

Failure handling: a lost connection fails every publish in flight with ``WireError`` (the
caller sends again, chat/events.py) and the next publish reconnects; if Redis stops answering,
a watchdog aborts the connection once the oldest publish has waited ``timeout`` seconds (the
layer's ``socket_timeout``), as redis-py's socket timeout would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlparse

import hiredis

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 15.0


class WireError(ConnectionError):
    """A command may not have taken effect: the connection was lost, Redis answered with an
    error, or it did not answer in time (a publish that may not have reached Redis, a
    subscription Redis did not confirm)."""


def pack(*parts: bytes) -> bytes:
    """A Redis command in RESP."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        out.append(b"$%d\r\n%b\r\n" % (len(part), part))
    return b"".join(out)


#: Replies of a subscribed connection that answer no command of ours one to one.
PUSH_KINDS = frozenset({b"message", b"subscribe", b"unsubscribe", b"pong"})


class _Wire(asyncio.Protocol):
    """One connection: commands written in order, replies matched to them in order; on a
    subscribed connection, pushed messages go to ``on_push``."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        on_push: Callable[[list[Any]], None] | None = None,
    ) -> None:
        self.loop = loop
        self.on_push = on_push
        self.reader = hiredis.Reader()
        self.waiting: deque[tuple[asyncio.Future[Any], float]] = deque()
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.heard = loop.time()
        self.lost: asyncio.Future[None] = loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.heard = self.loop.time()
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
            if self.on_push is not None and type(reply) is list and reply[0] in PUSH_KINDS:
                try:
                    self.on_push(reply)
                except Exception:
                    logger.exception("channel layer subscriber: a message could not be handled")
                continue
            if not self.waiting:
                logger.error("channel layer publisher: a reply nobody asked for, reconnecting")
                self.abort()
                return
            future, _sent = self.waiting.popleft()
            if future.done():
                continue
            if isinstance(reply, hiredis.ReplyError):
                future.set_exception(WireError(f"Redis answered: {reply}"))
            else:
                future.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.lost.done():
            self.lost.set_result(None)
        error = WireError(f"connection to Redis lost ({exc or 'closed'})")
        while self.waiting:
            future, _sent = self.waiting.popleft()
            if not future.done():
                future.set_exception(error)

    def write(self, command: bytes) -> None:
        """A command whose answer is pushed (SUBSCRIBE, UNSUBSCRIBE, PING when subscribed)."""
        if self.closed or self.transport is None:
            raise WireError("connection to Redis closed")
        self.transport.write(command)

    def call(self, command: bytes) -> asyncio.Future[Any]:
        if self.closed or self.transport is None:
            raise WireError("connection to Redis closed")
        future = self.loop.create_future()
        self.waiting.append((future, self.loop.time()))
        self.transport.write(command)
        return future

    def oldest_wait(self) -> float:
        return self.loop.time() - self.waiting[0][1] if self.waiting else 0.0

    def abort(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.abort()  # connection_lost fails what is in flight


def wire_url(host: Any) -> tuple[str, float] | None:
    """The URL and timeout of a channels-redis host config these connections can serve, or
    None where redis-py's client must stay (see module doc)."""
    if not isinstance(host, dict) or not isinstance(host.get("address"), str):
        return None
    if set(host) - {"address", "socket_timeout", "socket_connect_timeout"}:
        return None
    if urlparse(host["address"]).scheme not in ("redis", "unix"):
        return None
    return host["address"], float(host.get("socket_timeout") or DEFAULT_TIMEOUT_SECONDS)


class _Endpoint:
    """Where and how to connect: redis:// or unix:// with optional user and password."""

    def __init__(self, url: str, timeout: float) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("redis", "unix"):
            raise ValueError(f"these connections speak redis:// and unix:// only, not {url!r}")
        self.path = parsed.path if parsed.scheme == "unix" else None
        self.host = parsed.hostname or "localhost"
        self.port = parsed.port or 6379
        self.username = unquote(parsed.username) if parsed.username else None
        self.password = unquote(parsed.password) if parsed.password else None
        self.timeout = timeout

    async def connect(self, on_push: Callable[[list[Any]], None] | None = None) -> _Wire:
        loop = asyncio.get_running_loop()
        if self.path is not None:
            connecting = loop.create_unix_connection(lambda: _Wire(loop, on_push), self.path)
        else:
            connecting = loop.create_connection(lambda: _Wire(loop, on_push), self.host, self.port)
        _transport, wire = await asyncio.wait_for(connecting, self.timeout)
        try:
            if self.password is not None:
                auth = [b"AUTH", *([self.username.encode()] if self.username else [])]
                await asyncio.wait_for(wire.call(pack(*auth, self.password.encode())), self.timeout)
        except BaseException:
            wire.abort()
            raise
        return wire


class Publisher:
    """PUBLISH over one pipelined connection of the running event loop (see module doc)."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.endpoint = _Endpoint(url, timeout)
        self.timeout = timeout
        self._wire: _Wire | None = None
        self._lock: asyncio.Lock | None = None
        self._watchdog: asyncio.TimerHandle | None = None

    @classmethod
    def for_host(cls, host: Any) -> Publisher | None:
        """A publisher for a channels-redis host config, or None where redis-py must stay."""
        found = wire_url(host)
        return cls(found[0], timeout=found[1]) if found is not None else None

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
            wire = await self.endpoint.connect()
            self._wire = wire
            self._arm_watchdog(asyncio.get_running_loop())
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


#: The subscriber retries a lost connection after 0.05 s, doubling up to this.
MAX_BACKOFF_SECONDS = 1.0


class Subscriber:
    """SUBSCRIBE over one connection of the running event loop, kept up by a task of its own
    (see module doc). ``on_message(channel, data)`` runs for every message, in order;
    ``on_reconnect()`` after a connection was lost and made again (messages may have been
    published meanwhile)."""

    def __init__(
        self,
        url: str,
        *,
        on_message: Callable[[bytes, bytes], None],
        on_reconnect: Callable[[], None],
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.endpoint = _Endpoint(url, timeout)
        self.timeout = timeout
        self.on_message = on_message
        self.on_reconnect = on_reconnect
        self.channels: set[bytes] = set()
        self._confirming: dict[bytes, list[asyncio.Future[None]]] = {}
        self._wire: _Wire | None = None
        self._up: asyncio.Event | None = None
        self._keeper: asyncio.Task[None] | None = None

    @classmethod
    def for_host(
        cls,
        host: Any,
        *,
        on_message: Callable[[bytes, bytes], None],
        on_reconnect: Callable[[], None],
    ) -> Subscriber | None:
        found = wire_url(host)
        if found is None:
            return None
        return cls(found[0], timeout=found[1], on_message=on_message, on_reconnect=on_reconnect)

    async def subscribe(self, channel: bytes) -> None:
        """Returns once Redis has confirmed the subscription, so whatever is published after
        this returns reaches us. If the connection is lost first it returns too: the keeper
        subscribes again on the next connection and ``on_reconnect`` tells the layer."""
        if channel in self.channels:
            return
        self.channels.add(channel)
        wire = await self._connected()
        if channel not in self.channels:
            return
        confirmed = wire.loop.create_future()
        self._confirming.setdefault(channel, []).append(confirmed)
        wire.write(pack(b"SUBSCRIBE", channel))
        try:
            await asyncio.wait_for(confirmed, self.timeout)
        except TimeoutError:
            raise WireError(f"Redis did not confirm the subscription to {channel!r}") from None

    async def unsubscribe(self, channel: bytes) -> None:
        if channel not in self.channels:
            return
        self.channels.discard(channel)
        wire = self._wire
        if wire is not None and not wire.closed:
            wire.write(pack(b"UNSUBSCRIBE", channel))

    async def _connected(self) -> _Wire:
        wire = self._wire
        if wire is not None and not wire.closed:
            return wire
        if self._up is None:
            self._up = asyncio.Event()
        self._up.clear()  # a lost connection the keeper has yet to notice
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.get_running_loop().create_task(self._keep())
        await asyncio.wait_for(self._up.wait(), self.timeout)
        wire = self._wire
        if wire is None or wire.closed:
            raise WireError("the channel layer's subscriber connection is down")
        return wire

    def _push(self, reply: list[Any]) -> None:
        if reply[0] == b"message":
            self.on_message(reply[1], reply[2])
        elif reply[0] == b"subscribe":
            for confirmed in self._confirming.pop(reply[1], ()):
                if not confirmed.done():
                    confirmed.set_result(None)

    def _release_confirming(self) -> None:
        """The connection is gone: nobody waits for it (the next one subscribes everything)."""
        waiting, self._confirming = self._confirming, {}
        for futures in waiting.values():
            for confirmed in futures:
                if not confirmed.done():
                    confirmed.set_result(None)

    async def _keep(self) -> None:
        """Connect, subscribe to every channel, watch the connection; again when it is lost."""
        assert self._up is not None
        backoff = 0.05
        connected_before = False
        while True:
            try:
                wire = await self.endpoint.connect(self._push)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("channel layer subscriber: cannot connect (%s), retrying", exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            backoff = 0.05
            if self.channels:
                wire.write(pack(b"SUBSCRIBE", *sorted(self.channels)))
            self._wire = wire
            self._up.set()
            if connected_before:
                logger.warning("channel layer subscriber reconnected: consumers re-read")
                self.on_reconnect()
            connected_before = True
            await self._watch(wire)
            self._up.clear()
            self._release_confirming()

    async def _watch(self, wire: _Wire) -> None:
        """Until the connection is lost: a PING when it has been quiet, and an abort when it
        stays silent for ``timeout``."""
        interval = self.timeout / 3
        while not wire.closed:
            try:
                await asyncio.wait_for(asyncio.shield(wire.lost), interval)
                return
            except TimeoutError:
                pass
            if wire.loop.time() - wire.heard > self.timeout:
                logger.warning("channel layer subscriber: Redis went silent, reconnecting")
                wire.abort()
                return
            if wire.loop.time() - wire.heard > interval:
                try:
                    wire.write(pack(b"PING"))
                except WireError:
                    return

    async def close(self) -> None:
        keeper, self._keeper = self._keeper, None
        if keeper is not None:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        wire, self._wire = self._wire, None
        if wire is not None and wire.transport is not None and not wire.closed:
            wire.transport.close()
        self.channels.clear()
        self._release_confirming()
        if self._up is not None:
            self._up.clear()
