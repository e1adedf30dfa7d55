"""A visitor's message on the consumer's event loop (chat/fastpath.py, on in production and
make run; the test settings switch it off elsewhere because its pool belongs to one loop)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async

from chat import fastpath
from tests.tenants.api_helpers import Tenant

from .helpers import (
    TIMEOUT,
    async_open_session,
    async_visitor_says,
    connected_visitor,
    next_of,
    operator_socket,
    stored_bodies,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest_asyncio.fixture
async def fast(settings: Any) -> AsyncIterator[None]:
    settings.CHAT_ASYNC_DB = True
    yield
    await fastpath.close_pools()


async def test_messages_go_through_the_event_loop_path_and_reach_the_operator(
    alpha: Tenant, fast: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = fastpath.visitor_message

    async def counting(**kwargs: Any) -> Any:
        calls.append(kwargs["visitor_id"])
        return await original(**kwargs)

    monkeypatch.setattr(fastpath, "visitor_message", counting)
    session = await async_open_session(alpha.brand, name="Jane")
    conversation = (await async_visitor_says(session, "Hello", "c-1")).conversation
    visitor, _ = await connected_visitor(alpha.brand.widget_key, session.token, last_seq=1)
    ops = await operator_socket(alpha.operator.user, "alpha")
    assert (await ops.connect(timeout=TIMEOUT))[0]
    await ops.send_json_to({"type": "subscribe", "conversation_id": conversation.pk, "last_seq": 1})
    await next_of(ops, "subscribed")

    await visitor.send_json_to({"type": "send", "client_id": "c-2", "body": "Anyone there?"})
    sent = await next_of(visitor, "sent")
    incoming = await next_of(ops, "message")
    row = await next_of(ops, "conversation")
    await visitor.send_json_to({"type": "send", "client_id": "c-2", "body": "Anyone there?"})
    again = await next_of(visitor, "sent")

    assert (sent["seq"], sent["duplicate"]) == (2, False)
    assert (incoming["seq"], incoming["body"], incoming["sender_name"]) == (
        2,
        "Anyone there?",
        "Jane",
    )
    assert (row["id"], row["unread"], row["preview"]) == (conversation.pk, 2, "Anyone there?")
    assert (again["seq"], again["duplicate"]) == (2, True)
    assert calls == [session.visitor.pk, session.visitor.pk]
    assert await sync_to_async(stored_bodies)(conversation.pk) == [
        (1, "Hello"),
        (2, "Anyone there?"),
    ]
    await visitor.disconnect()
    await ops.disconnect()


async def test_a_first_message_falls_back_to_the_full_path(alpha: Tenant, fast: None) -> None:
    session = await async_open_session(alpha.brand)
    visitor, welcome = await connected_visitor(alpha.brand.widget_key, session.token)
    assert welcome["conversation"] is None

    await visitor.send_json_to({"type": "send", "client_id": "c-1", "body": "Hi"})
    sent = await next_of(visitor, "sent")
    echoed = await next_of(visitor, "message")

    assert (sent["seq"], sent["duplicate"]) == (1, False)
    assert (echoed["seq"], echoed["body"]) == (1, "Hi")
    await visitor.disconnect()


async def test_the_send_limit_applies_on_the_event_loop_path(
    alpha: Tenant, fast: None, settings: Any
) -> None:
    settings.CHAT_VISITOR_SEND_LIMITS = ("10/hour",)  # no place comes back during the test
    session = await async_open_session(alpha.brand)
    conversation_id = (await async_visitor_says(session, "Hello", "c-0")).conversation_id
    visitor, _ = await connected_visitor(alpha.brand.widget_key, session.token, last_seq=1)
    for n in range(1, 11):
        await visitor.send_json_to({"type": "send", "client_id": f"c-{n}", "body": f"m{n}"})
        assert (await next_of(visitor, "sent"))["seq"] == n + 1
    await visitor.send_json_to({"type": "send", "client_id": "c-11", "body": "one too many"})
    error = await next_of(visitor, "error")
    await visitor.send_json_to({"type": "send", "client_id": "c-10", "body": "m10"})
    again = await next_of(visitor, "sent")

    assert (error["code"], error["ref"]) == ("rate_limited", "c-11")
    assert 300 <= error["retry_after"] <= 360  # 10 per hour: then one place per 6 minutes
    assert (again["seq"], again["duplicate"]) == (11, True)  # a re-send is answered, not refused
    assert len(await sync_to_async(stored_bodies)(conversation_id)) == 11
    await visitor.disconnect()


def _terminate(pids: list[int]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


async def test_a_broken_connection_takes_the_full_path_and_is_reopened(
    alpha: Tenant, fast: None
) -> None:
    session = await async_open_session(alpha.brand)
    conversation_id = (await async_visitor_says(session, "Hello", "c-0")).conversation_id
    visitor, _ = await connected_visitor(alpha.brand.widget_key, session.token, last_seq=1)
    await visitor.send_json_to({"type": "send", "client_id": "c-1", "body": "one"})
    assert (await next_of(visitor, "sent"))["seq"] == 2
    lanes = fastpath._lanes[asyncio.get_running_loop()]
    killed = [lane.conn.info.backend_pid for lane in lanes.all if lane.conn is not None]
    assert killed  # the first message went through a lane
    await sync_to_async(_terminate)(killed)

    await visitor.send_json_to({"type": "send", "client_id": "c-2", "body": "two"})
    second = await next_of(visitor, "sent")
    await visitor.send_json_to({"type": "send", "client_id": "c-3", "body": "three"})
    third = await next_of(visitor, "sent")

    assert (second["seq"], second["duplicate"]) == (3, False)  # answered by the full path
    assert (third["seq"], third["duplicate"]) == (4, False)
    reopened = [lane.conn.info.backend_pid for lane in lanes.all if lane.conn is not None]
    assert reopened and not set(reopened) & set(killed)
    assert await sync_to_async(stored_bodies)(conversation_id) == [
        (1, "Hello"),
        (2, "one"),
        (3, "two"),
        (4, "three"),
    ]
    await visitor.disconnect()


async def test_a_statement_cancelled_midway_gives_up_its_connection(fast: None) -> None:
    """A socket closed while its statement runs cancels the statement's task: that connection
    is not handed out again (its state is unknown); the next statement gets a fresh one."""
    lanes = fastpath._Lanes(fastpath._conninfo(), 1)
    try:
        assert await lanes.execute("SELECT 1", []) == (1,)
        task = asyncio.get_running_loop().create_task(lanes.execute("SELECT pg_sleep(2)", []))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert lanes.all[0].conn is None
        assert await asyncio.wait_for(lanes.execute("SELECT 41 + %s", [1]), TIMEOUT) == (42,)
    finally:
        await lanes.close()
