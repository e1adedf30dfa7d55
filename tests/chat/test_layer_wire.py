"""The channel layer's own Redis connections (chat/layer_wire.py) against the real Redis: what
the publisher sends, AUTH, a lost connection, a Redis that stops answering, the subscriber's
delivery, reconnection and re-subscription, and the hosts both leave to redis-py."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any
from urllib.parse import urlparse

import pytest
import redis
from django.conf import settings
from redis.connection import Connection

from chat.layer_wire import Publisher, Subscriber, WireError, pack

WAIT = 5.0


def _address() -> str:
    return str(settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"])


def _client() -> redis.Redis:
    return redis.Redis.from_url(_address())


def _subscribe(channel: str) -> tuple[redis.Redis, Any]:
    client = _client()
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel)
    pubsub.get_message(timeout=1)
    return client, pubsub


def _received(pubsub: Any) -> list[bytes]:
    out: list[bytes] = []
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.1)
        if message is not None:
            out.append(message["data"])
    return out


def _with_credentials(address: str, user: str, password: str) -> str:
    parsed = urlparse(address)
    return parsed._replace(netloc=f"{user}:{password}@{parsed.netloc}").geturl()


def test_pack_is_what_redis_py_sends() -> None:
    parts = (b"PUBLISH", b"w1.c2.ops", bytes(range(256)) + b"\r\n")
    expected = b"".join(Connection().pack_command(*parts))
    assert pack(*parts) == expected


@pytest.mark.asyncio
async def test_publishes_in_order_and_counts_subscribers() -> None:
    channel = f"test-wire-{secrets.token_hex(4)}"
    _client_ref, pubsub = _subscribe(channel)
    publisher = Publisher(_address())
    try:
        counts = await asyncio.gather(
            *(publisher.publish(channel.encode(), b"m%d" % n) for n in range(50))
        )
        assert counts == [1] * 50
        assert await asyncio.to_thread(_received, pubsub) == [b"m%d" % n for n in range(50)]
        assert await publisher.publish(b"nobody-listens-here", b"x") == 0
    finally:
        await publisher.close()


@pytest.mark.asyncio
async def test_auth_with_the_urls_user_and_password() -> None:
    user, password = f"wire-{secrets.token_hex(3)}", secrets.token_hex(8)
    admin = _client()
    admin.execute_command("ACL", "SETUSER", user, "on", f">{password}", "&*", "+publish")
    channel = f"test-wire-{secrets.token_hex(4)}"
    _client_ref, pubsub = _subscribe(channel)
    good = Publisher(_with_credentials(_address(), user, password))
    bad = Publisher(_with_credentials(_address(), user, "wrong"))
    try:
        assert await good.publish(channel.encode(), b"hello") == 1
        with pytest.raises(WireError, match="WRONGPASS"):
            await bad.publish(channel.encode(), b"not sent")
        assert bad._wire is None  # a refused login is not kept as the connection
        assert await asyncio.to_thread(_received, pubsub) == [b"hello"]
    finally:
        await good.close()
        await bad.close()
        admin.execute_command("ACL", "DELUSER", user)


@pytest.mark.asyncio
async def test_a_killed_connection_fails_nothing_silently_and_the_next_publish_reconnects() -> None:
    channel = f"test-wire-{secrets.token_hex(4)}"
    _client_ref, pubsub = _subscribe(channel)
    publisher = Publisher(_address())
    admin = _client()
    try:
        assert await publisher.publish(channel.encode(), b"before") == 1
        first = publisher._wire
        assert first is not None
        name = f"wire-{secrets.token_hex(4)}"
        assert await first.call(pack(b"CLIENT", b"SETNAME", name.encode())) == b"OK"
        killed = [c["id"] for c in admin.client_list() if c.get("name") == name]
        assert killed and admin.execute_command("CLIENT", "KILL", "ID", killed[0]) == 1
        await asyncio.wait_for(_until(lambda: first.closed), WAIT)

        assert await publisher.publish(channel.encode(), b"after") == 1
        assert publisher._wire is not first
        assert await asyncio.to_thread(_received, pubsub) == [b"before", b"after"]
    finally:
        await publisher.close()


async def _until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0.01)


@pytest.mark.asyncio
async def test_a_redis_that_stops_answering_fails_the_publish_after_the_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(-1)  # reads everything, answers nothing

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    publisher = Publisher(f"redis://127.0.0.1:{port}/0", timeout=0.3)
    try:
        with pytest.raises(WireError, match="lost"):
            await asyncio.wait_for(publisher.publish(b"c", b"never answered"), WAIT)
    finally:
        await publisher.close()
        server.close()


@pytest.mark.asyncio
async def test_an_unreachable_redis_raises_for_the_caller_to_retry() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    publisher = Publisher(f"redis://127.0.0.1:{port}/0", timeout=1)
    with pytest.raises(OSError):
        await publisher.publish(b"c", b"x")


@pytest.mark.parametrize(
    ("host", "kept"),
    [
        ({"address": "redis://localhost:6379/1", "socket_timeout": 15}, True),
        ({"address": "unix:///tmp/redis.sock?db=2"}, True),
        ({"address": "rediss://localhost:6380/1"}, False),  # TLS: redis-py's client
        ({"address": "redis://localhost/1", "ssl_cert_reqs": "none"}, False),
        ({"master_name": "mymaster", "sentinels": [("localhost", 26379)]}, False),
        (("localhost", 6379), False),
    ],
)
def test_which_hosts_it_takes(host: Any, kept: bool) -> None:
    assert (Publisher.for_host(host) is not None) is kept


def test_the_layer_of_this_deployment_uses_them() -> None:
    host = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]
    publisher = Publisher.for_host(host)
    subscriber = Subscriber.for_host(host, on_message=print, on_reconnect=print)
    assert publisher is not None and publisher.timeout == float(host["socket_timeout"])
    assert subscriber is not None and subscriber.timeout == float(host["socket_timeout"])


class _Heard:
    def __init__(self) -> None:
        self.messages: list[tuple[bytes, bytes]] = []
        self.reconnects = 0

    def message(self, channel: bytes, data: bytes) -> None:
        self.messages.append((channel, data))

    def reconnected(self) -> None:
        self.reconnects += 1

    async def until(self, count: int) -> list[tuple[bytes, bytes]]:
        await asyncio.wait_for(_until(lambda: len(self.messages) >= count), WAIT)
        return self.messages


def _subscriber(heard: _Heard, url: str | None = None, timeout: float = 15) -> Subscriber:
    return Subscriber(
        url or _address(),
        on_message=heard.message,
        on_reconnect=heard.reconnected,
        timeout=timeout,
    )


@pytest.mark.asyncio
async def test_subscriber_gets_its_channels_messages_in_order_until_it_unsubscribes() -> None:
    heard = _Heard()
    subscriber = _subscriber(heard)
    mine, other = f"test-sub-{secrets.token_hex(4)}".encode(), b"test-sub-not-mine"
    admin = _client()
    try:
        await subscriber.subscribe(mine)
        assert admin.publish(mine, b"m0") == 1  # subscribe returned: Redis has confirmed it
        for n in range(1, 20):
            admin.publish(other, b"x")
            admin.publish(mine, b"m%d" % n)
        assert await heard.until(20) == [(mine, b"m%d" % n) for n in range(20)]
        await subscriber.unsubscribe(mine)
        await asyncio.sleep(0.1)
        assert admin.publish(mine, b"after") == 0
        assert heard.reconnects == 0
    finally:
        await subscriber.close()


@pytest.mark.asyncio
async def test_subscriber_reconnects_subscribes_again_and_says_so() -> None:
    heard = _Heard()
    subscriber = _subscriber(heard)
    channels = [f"test-sub-{secrets.token_hex(4)}".encode() for _ in range(3)]
    admin = _client()
    try:
        for channel in channels:
            await subscriber.subscribe(channel)
        admin.publish(channels[0], b"before")
        await heard.until(1)
        first = subscriber._wire
        assert first is not None
        assert admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub") >= 1
        await asyncio.wait_for(_until(lambda: heard.reconnects == 1), WAIT)
        assert subscriber._wire is not first
        await asyncio.wait_for(
            _until(lambda: admin.pubsub_numsub(*channels) == [(c, 1) for c in channels]), WAIT
        )
        for channel in channels:
            admin.publish(channel, b"after")
        assert await heard.until(4) == [(channels[0], b"before")] + [
            (channel, b"after") for channel in channels
        ]
    finally:
        await subscriber.close()
    gone = [(c, 0) for c in channels]  # closed: Redis forgets the subscriptions
    await asyncio.wait_for(_until(lambda: admin.pubsub_numsub(*channels) == gone), WAIT)


@pytest.mark.asyncio
async def test_subscriber_drops_a_connection_that_goes_silent_and_connects_again() -> None:
    accepted: list[int] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        await reader.read(-1)  # reads everything, answers nothing (not even PING)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    heard = _Heard()
    subscriber = _subscriber(heard, f"redis://127.0.0.1:{port}/0", timeout=0.3)
    try:
        with pytest.raises(WireError, match="did not confirm"):
            await subscriber.subscribe(b"c")
        await asyncio.wait_for(_until(lambda: len(accepted) >= 2), WAIT)
        assert heard.reconnects >= 1
    finally:
        await subscriber.close()
        server.close()
