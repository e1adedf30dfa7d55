"""The widget's socket /ws/widget/<widget_key>/ on the real ASGI app and the real Redis layer."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from tests.tenants.api_helpers import Tenant

from .helpers import (
    TIMEOUT,
    async_open_session,
    async_visitor_says,
    chat_snapshot,
    connected_visitor,
    message_count,
    next_of,
    operator_says,
    set_status,
    stored_bodies,
    visitor_socket,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

async_operator_says = sync_to_async(operator_says)


async def test_send_stores_answers_sent_and_echoes_in_order(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand, name="Jane")
    socket, welcome = await connected_visitor(alpha.brand.widget_key, session.token)
    assert welcome == {"type": "welcome", "v": 1, "conversation": None, "replayed": 0}

    for n in (1, 2, 3):
        await socket.send_json_to({"type": "send", "client_id": f"c-{n}", "body": f"msg {n}"})
        sent = await socket.receive_json_from(timeout=TIMEOUT)
        assert sent == {"type": "sent", "client_id": f"c-{n}", "seq": n, "duplicate": False}
        echoed = await next_of(socket, "message")
        assert (echoed["seq"], echoed["body"], echoed["sender"]) == (n, f"msg {n}", "visitor")
        assert echoed["sender_name"] == "Jane" and echoed["client_id"] == f"c-{n}"
        assert "private" not in echoed and echoed["ai"] is None
    conversation_id = echoed["conversation_id"]
    assert await sync_to_async(stored_bodies)(conversation_id) == [
        (1, "msg 1"),
        (2, "msg 2"),
        (3, "msg 3"),
    ]
    await socket.disconnect()


async def test_reconnect_replays_after_last_seq(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    first = await async_visitor_says(session, "one", "c-1")
    await async_visitor_says(session, "two", "c-2")
    await async_operator_says(first.conversation, alpha.operator.user, "three")

    socket, welcome = await connected_visitor(alpha.brand.widget_key, session.token, last_seq=1)

    assert welcome["conversation"] == {
        "id": first.conversation_id,
        "status": "open",
        "last_seq": 3,
    }
    assert welcome["replayed"] == 2
    replayed = [await socket.receive_json_from(timeout=TIMEOUT) for _ in range(2)]
    assert [(f["type"], f["seq"], f["body"]) for f in replayed] == [
        ("message", 2, "two"),
        ("message", 3, "three"),
    ]
    assert replayed[1]["sender"] == "operator" and replayed[1]["sender_name"] == "Alpha"
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_resend_of_the_same_client_id_is_a_duplicate_and_stored_once(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    socket, _ = await connected_visitor(alpha.brand.widget_key, session.token)
    frame = {"type": "send", "client_id": "same", "body": "Hi"}

    await socket.send_json_to(frame)
    first = await next_of(socket, "sent")
    await socket.send_json_to({**frame, "body": "Hi again"})
    second = await next_of(socket, "sent")

    assert (first["seq"], first["duplicate"]) == (1, False)
    assert (second["seq"], second["duplicate"]) == (1, True)
    assert await sync_to_async(message_count)() == 1
    await socket.disconnect()


async def test_private_note_never_reaches_the_visitor_socket(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    conversation = (await async_visitor_says(session, "Hi", "c-1")).conversation
    socket, _ = await connected_visitor(alpha.brand.widget_key, session.token, last_seq=1)

    await async_operator_says(
        conversation, alpha.operator.user, "NOTE: refund abuser", client_id="n-1", is_private=True
    )
    assert await socket.receive_nothing(timeout=0.5)
    await async_operator_says(conversation, alpha.operator.user, "Hello!")
    public = await socket.receive_json_from(timeout=TIMEOUT)
    assert (public["type"], public["seq"], public["body"]) == ("message", 3, "Hello!")
    await socket.disconnect()

    # nor on replay: a fresh socket from seq 0 sees seqs 1 and 3 only
    again, welcome = await connected_visitor(alpha.brand.widget_key, session.token)
    replayed = [await again.receive_json_from(timeout=TIMEOUT) for _ in range(welcome["replayed"])]
    assert [f["seq"] for f in replayed] == [1, 3]
    assert "refund abuser" not in json.dumps(replayed)
    assert await again.receive_nothing(timeout=0.3)
    await again.disconnect()


async def test_foreign_or_missing_origin_is_refused_before_accept(alpha: Tenant) -> None:
    for origin in ("https://evil.example.net", None, "https://shop.example.com.evil.net"):
        socket = visitor_socket(alpha.brand.widget_key, origin=origin)
        connected, code = await socket.connect(timeout=TIMEOUT)
        assert (connected, code) == (False, 4403), origin
    unknown = visitor_socket("wk_unknown")
    assert await unknown.connect(timeout=TIMEOUT) == (False, 4403)


async def test_token_of_workspace_a_on_widget_of_b_is_refused(alpha: Tenant, beta: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    await async_visitor_says(session, "alpha secret", "c-1")
    before = await sync_to_async(chat_snapshot)()
    socket = visitor_socket(beta.brand.widget_key)
    assert (await socket.connect(timeout=TIMEOUT))[0]

    await socket.send_json_to({"type": "hello", "token": session.token, "last_seq": 0, "v": 1})
    error = await socket.receive_json_from(timeout=TIMEOUT)
    assert (error["type"], error["code"]) == ("error", "not_authenticated")
    assert (await socket.receive_output(timeout=TIMEOUT)) == {
        "type": "websocket.close",
        "code": 4401,
    }
    assert await sync_to_async(chat_snapshot)() == before


@pytest.mark.parametrize(
    ("frame", "code", "ref"),
    [
        ("not json", "bad_json", None),
        ("[1, 2]", "bad_json", None),
        ('{"type": "dance"}', "unknown_type", "dance"),
        ('{"no_type": 1}', "unknown_type", None),
        ('{"type": "send", "client_id": "c-1", "body": "' + "x" * 5001 + '"}', "too_long", "c-1"),
        ('{"type": "send", "client_id": "c-1"}', "invalid", "c-1"),
        ('{"type": "send", "body": "hi"}', "invalid", "send"),
        ('{"type": "send", "client_id": "bad id!", "body": "hi"}', "invalid", "send"),
        ('{"type": "typing", "active": "yes"}', "invalid", "typing"),
        ('{"type": "ack", "seq": -1}', "invalid", "ack"),
    ],
)
async def test_bad_frames_get_error_frames_store_nothing_and_stay_open(
    alpha: Tenant, frame: str, code: str, ref: str | None
) -> None:
    session = await async_open_session(alpha.brand)
    socket, _ = await connected_visitor(alpha.brand.widget_key, session.token)

    await socket.send_to(text_data=frame)
    error = await socket.receive_json_from(timeout=TIMEOUT)

    assert (error["type"], error["code"], error["ref"]) == ("error", code, ref)
    assert error["message"]
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}
    assert await sync_to_async(message_count)() == 0
    await socket.disconnect()


async def test_frame_before_hello_is_refused_and_closes(alpha: Tenant) -> None:
    socket = visitor_socket(alpha.brand.widget_key)
    assert (await socket.connect(timeout=TIMEOUT))[0]
    await socket.send_json_to({"type": "send", "client_id": "c-1", "body": "sneaky"})
    error = await socket.receive_json_from(timeout=TIMEOUT)
    assert (error["code"], error["ref"]) == ("not_authenticated", "send")
    assert (await socket.receive_output(timeout=TIMEOUT)) == {
        "type": "websocket.close",
        "code": 4401,
    }
    assert await sync_to_async(message_count)() == 0


async def test_bad_token_and_bad_version_close(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    for hello, code, close in (
        ({"token": "forged"}, "not_authenticated", 4401),
        ({"token": session.token, "v": 2}, "version", 4400),
    ):
        socket = visitor_socket(alpha.brand.widget_key)
        assert (await socket.connect(timeout=TIMEOUT))[0]
        await socket.send_json_to({"type": "hello", **hello})
        assert (await socket.receive_json_from(timeout=TIMEOUT))["code"] == code
        assert (await socket.receive_output(timeout=TIMEOUT))["code"] == close


async def test_frame_over_64_kb_closes_1009(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    socket, _ = await connected_visitor(alpha.brand.widget_key, session.token)
    await socket.send_to(
        text_data=json.dumps({"type": "send", "client_id": "c", "body": "x" * 70000})
    )
    assert (await socket.receive_json_from(timeout=TIMEOUT))["code"] == "frame_too_large"
    assert (await socket.receive_output(timeout=TIMEOUT)) == {
        "type": "websocket.close",
        "code": 1009,
    }
    assert await sync_to_async(message_count)() == 0


@pytest.mark.parametrize("redis_limits", ["reachable", "unreachable"])
async def test_rate_limit_answers_rate_limited_and_stores_nothing_more(
    alpha: Tenant, settings: Any, redis_limits: str
) -> None:
    """The send limit is kept by PostgreSQL in the message's own statement: a Redis outage
    (the other limits' storage) neither lets a flood through nor refuses messages within it."""
    if redis_limits == "unreachable":
        settings.RATELIMIT_STORAGE_URL = "redis://127.0.0.1:9/15"  # nothing listens there
    # 10 per hour: no place comes back while the test runs, however slow the machine (with the
    # default 10 per 10 s one comes back every second, and a loaded CI box let the 11th in).
    settings.CHAT_VISITOR_SEND_LIMITS = ("10/hour",)
    session = await async_open_session(alpha.brand)
    socket, _ = await connected_visitor(alpha.brand.widget_key, session.token)

    for n in range(10):
        await socket.send_json_to({"type": "send", "client_id": f"c-{n}", "body": f"m{n}"})
        assert (await next_of(socket, "sent"))["seq"] == n + 1
    await socket.send_json_to({"type": "send", "client_id": "c-10", "body": "one too many"})
    error = await next_of(socket, "error")

    assert (error["code"], error["ref"]) == ("rate_limited", "c-10")
    assert 300 <= error["retry_after"] <= 360  # the next place: 3600 / 10 s after the first
    assert await sync_to_async(message_count)() == 10
    await socket.disconnect()


async def test_idle_socket_still_delivers_after_7_seconds(alpha: Tenant) -> None:
    """redis-py 8's default 5 s socket_timeout killed idle sockets (1011) with RedisChannelLayer."""
    session = await async_open_session(alpha.brand)
    conversation = (await async_visitor_says(session, "Hi", "c-1")).conversation
    socket, _ = await connected_visitor(alpha.brand.widget_key, session.token, last_seq=1)

    await asyncio.sleep(7)
    await async_operator_says(conversation, alpha.operator.user, "Still there?")

    frame = await socket.receive_json_from(timeout=TIMEOUT)
    assert (frame["type"], frame["body"]) == ("message", "Still there?")
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}
    await socket.disconnect()


async def test_suspended_workspace_refuses_and_closes(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    live, _ = await connected_visitor(alpha.brand.widget_key, session.token)
    await sync_to_async(set_status)(alpha.workspace, "suspended")

    await live.send_json_to({"type": "send", "client_id": "c-1", "body": "Hi"})
    error = await live.receive_json_from(timeout=TIMEOUT)
    assert error["code"] == "workspace_suspended"
    assert (await live.receive_output(timeout=TIMEOUT))["code"] == 4403

    fresh = visitor_socket(alpha.brand.widget_key)
    assert (await fresh.connect(timeout=TIMEOUT))[0]
    assert (await fresh.receive_json_from(timeout=TIMEOUT))["code"] == "workspace_suspended"
    assert (await fresh.receive_output(timeout=TIMEOUT))["code"] == 4403
    assert await sync_to_async(message_count)() == 0

    await sync_to_async(set_status)(alpha.workspace, "terminated")
    assert await visitor_socket(alpha.brand.widget_key).connect(timeout=TIMEOUT) == (False, 4403)


async def test_second_tab_learns_of_a_new_conversation(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    tab1, _ = await connected_visitor(alpha.brand.widget_key, session.token)
    tab2, _ = await connected_visitor(alpha.brand.widget_key, session.token)

    await tab1.send_json_to({"type": "send", "client_id": "c-1", "body": "from tab 1"})

    frame = await next_of(tab2, "message")
    assert (frame["seq"], frame["body"]) == (1, "from tab 1")
    await tab1.disconnect()
    await tab2.disconnect()
