"""The channel layer: channels-redis over Redis pub/sub, plus a "recovered" signal.

Why pub/sub rather than ``channels_redis.core``: the core layer receives for a whole process one
message at a time with four Redis round trips each (EVAL clean-up, BZPOPMIN, ZADD backup, ZPOPMIN),
so under load a Daphne process fell behind and the per-channel capacity started dropping events
(bench/chat_delivery.py, docs/benchmarks.md: at 100 msg/s the core layer delivered 160 of 1,501
messages live, pub/sub all of them). Pub/sub pushes every event to the subscribed process in one
hop and has no capacity to overflow.

A group event is delivered to the publishing event loop's own members directly
(``_LoopLayer.group_send``) while it is published; Redis's copy carries the publisher's origin
mark and is dropped there, while every other process (and event loop) receives it from Redis as
before. One Daphne process serving both sides of a chat thus skips the hop through its
subscriber connection, and decodes each event once.

What pub/sub does not do is keep an event published while Redis is unreachable. Nothing depends
on that: every message is in PostgreSQL before it is broadcast. When a process's subscriber
connection comes back after a failure, every consumer of that process receives a
``chat.layer_recovered`` event and re-reads from the database what it may have missed
(``consumers/base.py``). Consumers that miss a single event in the middle of a stream notice
the gap from ``prev_seq`` on the next message anyway.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
    _wrap_close,
)
from redis.asyncio.client import PubSub

from .layer_wire import Publisher, Subscriber

logger = logging.getLogger(__name__)

RECOVERED_EVENT = {"type": "chat.layer_recovered"}

#: Group events this process's layer publishes start with ORIGIN_MARK and the publishing loop
#: layer's random id (ORIGIN_LENGTH bytes in all): 0xc1 is never the first byte of a msgpack
#: value, so unmarked publishes (chat/publish.py, other versions) are still read as they are.
ORIGIN_MARK = b"\xc1"
ORIGIN_LENGTH = 9


class _Decoded:
    """An event already decoded by the subscriber (``_Shard._receive_message``); every receiver
    gets its own shallow copy, so the top-level keys are the receiver's to change. Nested values
    are shared: consumers treat events as read-only."""

    __slots__ = ("event",)

    def __init__(self, event: dict[str, Any]) -> None:
        self.event = event


class _RecoveringPubSub(PubSub):  # type: ignore[misc]
    """redis-py re-subscribes on every (re)connect in ``on_connect``; after the first one, a
    reconnect means events may have been published while we were away."""

    shard: _Shard | None = None
    connected_before = False

    async def on_connect(self, connection: Any) -> None:
        await super().on_connect(connection)
        if self.connected_before and self.shard is not None:
            logger.warning("channel layer subscriber reconnected: consumers re-read")
            self.shard.announce_recovery()
        self.connected_before = True


class _Shard(RedisSingleShardConnection):  # type: ignore[misc]
    """A shard whose subscriber connection announces its reconnections. Where the host allows
    (chat/layer_wire.py), publishes go over a pipelined connection of their own and messages
    are read by a subscriber of its own; otherwise through redis-py's client."""

    def __init__(self, host: Any, channel_layer: Any) -> None:
        super().__init__(host, channel_layer)
        self._publisher = Publisher.for_host(host)
        self._subscriber = Subscriber.for_host(
            host, on_message=self._wire_message, on_reconnect=self.announce_recovery
        )

    async def subscribe(self, channel: str) -> None:
        if self._subscriber is None:
            await super().subscribe(channel)
            return
        await self._subscriber.subscribe(channel.encode())
        self._subscribed_to.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        if self._subscriber is None:
            await super().unsubscribe(channel)
            return
        await self._subscriber.unsubscribe(channel.encode())
        self._subscribed_to.discard(channel)

    def _wire_message(self, channel: bytes, data: bytes) -> None:
        self._deliver(channel.decode(), data)

    def _ensure_redis(self) -> None:
        if self._redis is not None:
            return
        super()._ensure_redis()
        redis: Any = self._redis
        pubsub = _RecoveringPubSub(
            redis.connection_pool, event_dispatcher=getattr(redis, "_event_dispatcher", None)
        )
        pubsub.shard = self
        self._pubsub = pubsub

    async def publish(self, channel: str, message: bytes) -> None:
        """Over the pipelined publisher (chat/layer_wire.py) where the host allows; otherwise
        through redis-py's client without the base class's lock (it serialised every publish of
        the process behind one asyncio lock, a Redis round trip each)."""
        if self._publisher is not None:
            await self._publisher.publish(channel.encode(), message)
            return
        self._ensure_redis()
        await self._redis.publish(channel, message)

    async def flush(self) -> None:
        await super().flush()
        if self._publisher is not None:
            await self._publisher.close()
        if self._subscriber is not None:
            await self._subscriber.close()

    def announce_recovery(self) -> None:
        loop_layer = self.channel_layer
        for queue in list(loop_layer.channels.values()):
            queue.put_nowait(_Decoded(RECOVERED_EVENT))

    def _receive_message(self, message: Any) -> None:
        """As the base class, but the event is decoded once for all local receivers of a group
        (an inbox update reaches every operator socket of the process: one msgpack decode, not
        one per socket)."""
        if message is None:
            return
        name = message["channel"]
        self._deliver(name.decode() if isinstance(name, bytes) else name, message["data"])

    def _deliver(self, name: str, data: bytes) -> None:
        loop_layer = self.channel_layer
        if data[:1] == ORIGIN_MARK:
            if data[:ORIGIN_LENGTH] == loop_layer.origin:
                return  # our own group_send: its members here have it already
            data = data[ORIGIN_LENGTH:]
        if name in loop_layer.channels:
            receivers = [name]
        else:
            receivers = [c for c in loop_layer.groups.get(name, ()) if c in loop_layer.channels]
        if not receivers:
            return
        decoded = _Decoded(loop_layer.channel_layer.deserialize(data))
        for channel in receivers:
            loop_layer.channels[channel].put_nowait(decoded)


class _LoopLayer(RedisPubSubLoopLayer):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin = ORIGIN_MARK + secrets.token_bytes(ORIGIN_LENGTH - 1)
        shards: list[Any] = getattr(self, "_shards")  # noqa: B009 (untyped base class)
        self._shards: list[Any] = [_Shard(shard.host, self) for shard in shards]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        """Delivered to this layer's own members at once and published with this layer's origin
        mark for everyone else; the members here drop the copy Redis sends back. Local sockets
        do not wait for Redis at all, and the event is decoded once here instead of read and
        decoded again from the subscriber connection. If the publish fails the caller sends
        again (chat/events.py): local members may then get the event twice, which they
        tolerate (messages are dropped by seq; the other events are idempotent)."""
        channel = self._get_group_channel_name(group)
        data = self.channel_layer.serialize(message)
        members = [c for c in self.groups.get(channel, ()) if c in self.channels]
        if members:
            decoded = _Decoded(self.channel_layer.deserialize(data))
            for member in members:
                self.channels[member].put_nowait(decoded)
        await self._get_shard(channel).publish(channel, self.origin + data)

    def announce_recovery(self) -> None:
        """Tell every consumer of this event loop to re-read (also used by tests)."""
        if self._shards:
            self._shards[0].announce_recovery()


class PubSubChannelLayer(RedisPubSubChannelLayer):  # type: ignore[misc]
    """``channels_redis.pubsub.RedisPubSubChannelLayer`` with the recovery signal and events
    decoded once per process."""

    def deserialize(self, message: Any) -> Any:
        if isinstance(message, _Decoded):
            return dict(message.event)
        return super().deserialize(message)

    def _get_layer(self) -> _LoopLayer:
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
        return layer  # type: ignore[no-any-return]

    def channel_queue(self, channel: str) -> asyncio.Queue[Any]:
        """The queue this event loop's layer delivers ``channel``'s events into (created by
        ``new_channel``). A consumer that waits on it directly (consumers/base.py) takes events
        without ``receive``'s task per event; it reads them with ``deserialize`` and must call
        ``close_channel`` when it ends, as ``receive`` does when it is cancelled."""
        return self._get_layer().channels[channel]  # type: ignore[no-any-return]

    async def close_channel(self, channel: str) -> None:
        layer = self._get_layer()
        if layer.channels.pop(channel, None) is not None:
            await layer._get_shard(channel).unsubscribe(channel)
