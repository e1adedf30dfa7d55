"""Events sent from sync code (chat/publish.py): one PUBLISH over the process's synchronous Redis
client, the same channel and bytes as the channel layer's ``group_send``, delivered to a real
consumer on the real Redis layer; an unreachable Redis is logged, never raised."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from chat import events, publish
from chat import layer as layer_module
from tests.tenants.api_helpers import Tenant

from .helpers import (
    TIMEOUT,
    frames_until_quiet,
    next_of,
    open_session,
    operator_socket,
    visitor_says,
)


@pytest.fixture(autouse=True)
def _fresh_publishers() -> Iterator[None]:
    publish.reset()
    yield
    publish.reset()


def _layer_config() -> dict[str, Any]:
    return dict(settings.CHANNEL_LAYERS["default"]["CONFIG"])


def _raw_subscriber(pattern: str) -> tuple[redis.Redis, Any]:
    client = redis.Redis.from_url(_layer_config()["hosts"][0]["address"])
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.psubscribe(pattern)
    pubsub.get_message(timeout=1)  # the psubscribe confirmation
    return client, pubsub  # the client too: collecting it would close the pubsub's connection


def _next_published(pubsub: Any) -> tuple[bytes, bytes]:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.2)
        if message is not None:
            return message["channel"], message["data"]
    raise AssertionError("nothing was published")


def test_publisher_sends_the_channel_and_bytes_group_send_sends() -> None:
    # given the layer as configured and a raw subscriber on every group channel of its prefix
    layer = get_channel_layer()
    prefix = _layer_config()["prefix"]
    client, pubsub = _raw_subscriber(f"{prefix}__group__w0.test.*")
    event = {"type": "chat.ai", "conversation_id": 7, "frame": {"type": "ai.x", "n": [1, "é"]}}

    # when the same event goes once through the layer and once through the publisher
    async_to_sync(layer.group_send)("w0.test.ops", event)
    via_layer = _next_published(pubsub)
    publisher = publish.publisher_for(layer)
    assert publisher is not None
    publisher.group_send("w0.test.ops", event)
    via_publisher = _next_published(pubsub)

    # then Redis saw the same channel and the same bytes (the layer's own publishes carry its
    # origin mark in front, chat/layer.py, so its own members skip Redis's copy)
    assert via_publisher[0] == via_layer[0] == f"{prefix}__group__w0.test.ops".encode()
    assert via_layer[1] == via_layer[1][: layer_module.ORIGIN_LENGTH] + via_publisher[1]
    assert via_layer[1][:1] == layer_module.ORIGIN_MARK
    assert layer.deserialize(via_publisher[1]) == event
    pubsub.close()
    client.close()


def test_one_connection_per_process_for_many_sends() -> None:
    layer = get_channel_layer()

    for n in range(50):
        events._send_now(
            "w0.test.many", {"type": "chat.ai", "conversation_id": 1, "frame": {"n": n}}
        )

    publisher = publish.publisher_for(layer)
    assert publisher is not None and publisher is publish.publisher_for(layer)
    [client] = publisher.clients
    assert client.connection_pool._created_connections == 1  # not one per send


def test_a_forked_process_gets_its_own_client(monkeypatch: pytest.MonkeyPatch) -> None:
    layer = get_channel_layer()
    parent = publish.publisher_for(layer)

    monkeypatch.setattr(publish.os, "getpid", lambda: -1)
    child = publish.publisher_for(layer)

    assert parent is not None and child is not None
    assert child is not parent and child.clients[0] is not parent.clients[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_frames_from_a_worker_thread_reach_the_operator_socket_in_order(
    alpha: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an operator socket (Daphne's consumer on the real Redis layer) subscribed to a
    # conversation, and no async_to_sync left to fall back on
    session = await sync_to_async(open_session)(alpha.brand, name="Jane")
    conversation = (await sync_to_async(visitor_says)(session, "Hello", "c-1")).conversation
    ops = await operator_socket(alpha.operator.user, "alpha")
    assert (await ops.connect(timeout=TIMEOUT))[0]
    await ops.send_json_to({"type": "subscribe", "conversation_id": conversation.pk, "last_seq": 0})
    await next_of(ops, "subscribed")
    await frames_until_quiet(ops, quiet=0.3)

    def no_event_loop(*_: Any, **__: Any) -> Any:
        raise AssertionError("async_to_sync used")

    monkeypatch.setattr(events, "async_to_sync", no_event_loop)

    # when a plain thread (as a Celery task would) sends deltas and then a frame on commit
    def worker() -> None:
        for n in range(5):
            events.ai_frame_send_now(
                workspace_id=alpha.workspace.pk,
                conversation_id=conversation.pk,
                frame={"type": "ai.suggestions.delta", "n": n},
            )

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(TIMEOUT)

    # then the socket got them all, in order, for that conversation
    frames = await frames_until_quiet(ops, quiet=0.5)
    assert [f["n"] for f in frames if f["type"] == "ai.suggestions.delta"] == [0, 1, 2, 3, 4]
    assert all(f["conversation_id"] == conversation.pk for f in frames)
    await ops.disconnect()


def test_unreachable_redis_is_logged_not_raised(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # given a layer whose Redis does not answer (nothing listens on port 1)
    config = _layer_config()
    config["hosts"] = [{"address": "redis://127.0.0.1:1/0", "socket_timeout": 15}]
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": settings.CHANNEL_LAYERS["default"]["BACKEND"], "CONFIG": config}
    }

    # when an event is sent from sync code
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="chat.events"):
        events._send_now("w0.test.down", {"type": "chat.ai", "conversation_id": 1, "frame": {}})

    # then it was tried twice, logged, and the caller went on at once
    assert time.monotonic() - started < 2
    assert [r.getMessage() for r in caplog.records] == ["broadcast to w0.test.down failed"]
