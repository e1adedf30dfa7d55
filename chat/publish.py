"""Group events published from synchronous code (Celery workers, REST views, shells) without an
event loop.

channels' ``group_send`` is a coroutine. Called through ``async_to_sync`` from a thread with no
running loop, it starts a new event loop per call, and channels-redis keeps one connection pool
per loop: every event paid for a loop, a new Redis connection and its close (5-8 ms on the 2-core
dev VM), once per streamed AI delta. Here one synchronous redis-py client per process (and
Redis host) PUBLISHes exactly what ``channels_redis.pubsub`` publishes for ``group_send``:

* the channel ``f"{prefix}__group__{group}"`` (``RedisPubSubLoopLayer._get_group_channel_name``)
  on the shard ``_consistent_hash(channel, len(hosts))`` picks;
* the bytes of the layer's own ``serialize()`` (msgpack, plus encryption when configured).

Only that layer can be published this way: ``publisher_for`` answers None for any other backend
(or a host given other than as ``{"address": url, ...}``) and the caller keeps the async path.
Subscribers cannot tell the difference; ``tests/chat/test_publish.py`` holds both to the same
bytes and delivers through a real consumer.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

import redis
from channels_redis.pubsub import RedisPubSubChannelLayer
from channels_redis.utils import _consistent_hash, decode_hosts
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

#: A publish waits this long at most for Redis (the layer's subscriber connections use 15 s for
#: their blocking reads; a publish answers at once or Redis is in trouble). The caller tries once
#: more; subscribers re-read from PostgreSQL after an outage (chat/layer.py).
PUBLISH_TIMEOUT_SECONDS = 2.0

#: channels-redis's default prefix (``RedisPubSubLoopLayer``).
DEFAULT_PREFIX = "asgi"


@dataclass(frozen=True)
class SyncPublisher:
    """Publishes group events for one channel layer configuration (one per process)."""

    layer: Any
    prefix: str
    clients: tuple[redis.Redis, ...]

    def group_channel(self, group: str) -> str:
        return f"{self.prefix}__group__{group}"

    def group_send(self, group: str, event: dict[str, Any]) -> None:
        """One PUBLISH on the group's shard; Redis errors propagate (the caller retries/logs)."""
        channel = self.group_channel(group)
        client = self.clients[_consistent_hash(channel, len(self.clients))]
        client.publish(channel, self.layer.serialize(event))


_lock = threading.Lock()
#: (pid, layer alias, hosts, prefix) -> publisher. Keyed by PID: a forked child (a Celery pool
#: process) never writes on its parent's sockets.
_publishers: dict[tuple[int, str, str, str], SyncPublisher] = {}


def publisher_for(layer: Any, alias: str = "default") -> SyncPublisher | None:
    """The process's publisher for ``layer`` (``get_channel_layer(alias)``), or None when the
    layer is not channels-redis pub/sub with URL-addressed hosts."""
    if not isinstance(layer, RedisPubSubChannelLayer):
        return None
    layers: dict[str, Any] = settings.CHANNEL_LAYERS
    config = dict(layers.get(alias, {}).get("CONFIG") or {})
    hosts = decode_hosts(config.get("hosts"))
    if not hosts or not all(isinstance(h, dict) and "address" in h for h in hosts):
        return None
    prefix = str(config.get("prefix", DEFAULT_PREFIX))
    key = (os.getpid(), alias, repr(hosts), prefix)
    publisher = _publishers.get(key)
    if publisher is None or publisher.layer is not layer:
        with _lock:
            publisher = _publishers.get(key)
            if publisher is None or publisher.layer is not layer:
                clients = tuple(_client(host) for host in hosts)
                publisher = _publishers[key] = SyncPublisher(layer, prefix, clients)
    return publisher


def _client(host: dict[str, Any]) -> redis.Redis:
    options = {k: v for k, v in host.items() if k != "address"}
    # One attempt per call, no backoff: redis-py 8 would retry 3 times (seconds on a dead
    # socket); the caller's single retry is enough for a connection that broke meanwhile.
    options.update(
        socket_timeout=min(float(options.get("socket_timeout") or 15), PUBLISH_TIMEOUT_SECONDS),
        socket_connect_timeout=PUBLISH_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
    return redis.Redis.from_url(str(host["address"]), **options)


def reset() -> None:
    """Close and forget every publisher of this process (tests; a changed layer config)."""
    with _lock:
        publishers = list(_publishers.values())
        _publishers.clear()
    for publisher in publishers:
        for client in publisher.clients:
            client.close()
