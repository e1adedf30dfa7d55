"""How a chat consumer takes its socket's frames and its layer events (ChatConsumer.__call__):
both from one queue, the layer's channel closed when the consumer ends, and a failing ASGI
``receive`` ending the consumer instead of leaving it waiting."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.layers import get_channel_layer

from chat.consumers.visitor import VisitorConsumer
from tests.tenants.api_helpers import Tenant

from .helpers import TIMEOUT, async_open_session, connected_visitor, next_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _open_channels() -> set[str]:
    return set(get_channel_layer()._get_layer().channels)


def _subscribed() -> set[str]:
    shard = get_channel_layer()._get_layer()._shards[0]
    return set(shard._subscribed_to)


async def test_a_closed_socket_leaves_no_channel_or_subscription_behind(alpha: Tenant) -> None:
    before = _open_channels()
    session = await async_open_session(alpha.brand)
    visitor, _ = await connected_visitor(alpha.brand.widget_key, session.token)
    (channel,) = _open_channels() - before
    assert channel in _subscribed()
    await visitor.send_json_to({"type": "ping"})
    await next_of(visitor, "pong")  # a frame in, a frame out: the loop runs

    await visitor.disconnect()
    for _ in range(100):
        if channel not in _open_channels() and channel not in _subscribed():
            break
        await asyncio.sleep(0.02)
    assert channel not in _open_channels()
    assert channel not in _subscribed()


async def test_a_failing_receive_ends_the_consumer_with_its_error() -> None:
    before = _open_channels()

    async def receive() -> dict[str, Any]:
        raise RuntimeError("the server's receive broke")

    async def send(message: dict[str, Any]) -> None:
        raise AssertionError("nothing is sent")

    with pytest.raises(RuntimeError, match="receive broke"):
        await asyncio.wait_for(
            VisitorConsumer()({"type": "websocket", "url_route": {"kwargs": {}}}, receive, send),
            TIMEOUT,
        )
    assert _open_channels() == before
