"""The inbox socket /ws/inbox/<slug>/: session auth, membership, subscribe/send/typing/ack."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from chat.models import ConversationRead
from tenants.scope import workspace_scope
from tests.tenants.api_helpers import Tenant

from .helpers import (
    TIMEOUT,
    async_open_session,
    async_visitor_says,
    chat_snapshot,
    connected_visitor,
    message_count,
    next_of,
    operator_socket,
    set_status,
    stored_bodies,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_refusals_not_signed_in_not_a_member_unknown_and_foreign_origin(
    alpha: Tenant, beta: Tenant
) -> None:
    cases = [
        (await operator_socket(None, "alpha"), 4401),
        (await operator_socket(beta.owner.user, "alpha"), 4404),
        (await operator_socket(alpha.owner.user, "no-such-workspace"), 4404),
    ]
    for socket, code in cases:
        assert await socket.connect(timeout=TIMEOUT) == (False, code)
    foreign = await operator_socket(alpha.owner.user, "alpha", origin="https://evil.example.net")
    assert (await foreign.connect(timeout=TIMEOUT))[0] is False
    await sync_to_async(set_status)(alpha.workspace, "terminated")
    terminated = await operator_socket(alpha.owner.user, "alpha")
    assert await terminated.connect(timeout=TIMEOUT) == (False, 4403)


async def test_subscribe_replays_then_goes_live_with_private_notes(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand, name="Jane")
    conversation = (await async_visitor_says(session, "Hello", "c-1")).conversation
    ops = await operator_socket(alpha.operator.user, "alpha")
    assert (await ops.connect(timeout=TIMEOUT))[0]

    await ops.send_json_to({"type": "subscribe", "conversation_id": conversation.pk, "last_seq": 0})
    subscribed = await ops.receive_json_from(timeout=TIMEOUT)
    assert subscribed == {
        "type": "subscribed",
        "conversation_id": conversation.pk,
        "last_seq": 1,
        "replayed": 1,
    }
    replayed = await ops.receive_json_from(timeout=TIMEOUT)
    assert (replayed["seq"], replayed["body"], replayed["private"]) == (1, "Hello", False)
    assert replayed["sender_name"] == "Jane"

    await ops.send_json_to(
        {
            "type": "send",
            "conversation_id": conversation.pk,
            "client_id": "note-1",
            "body": "check the order",
            "private": True,
        }
    )
    sent = await next_of(ops, "sent")
    assert (sent["seq"], sent["duplicate"], sent["client_id"]) == (2, False, "note-1")
    note = await next_of(ops, "message")
    assert (note["seq"], note["private"], note["sender"]) == (2, True, "operator")
    row = await next_of(ops, "conversation")
    assert (row["id"], row["unread"], row["preview"]) == (conversation.pk, 1, "Hello")
    await ops.disconnect()


async def test_reply_reaches_visitor_and_visitor_reaches_operator(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    conversation = (await async_visitor_says(session, "Hello", "c-1")).conversation
    visitor, _ = await connected_visitor(alpha.brand.widget_key, session.token, last_seq=1)
    ops = await operator_socket(alpha.operator.user, "alpha")
    assert (await ops.connect(timeout=TIMEOUT))[0]
    await ops.send_json_to({"type": "subscribe", "conversation_id": conversation.pk, "last_seq": 1})
    await next_of(ops, "subscribed")

    await ops.send_json_to({"type": "typing", "conversation_id": conversation.pk, "active": True})
    assert await visitor.receive_json_from(timeout=TIMEOUT) == {
        "type": "typing",
        "sender": "operator",
        "active": True,
    }
    await ops.send_json_to(
        {"type": "send", "conversation_id": conversation.pk, "client_id": "r-1", "body": "Hi!"}
    )
    reply = await visitor.receive_json_from(timeout=TIMEOUT)
    assert (reply["type"], reply["seq"], reply["sender"], reply["body"]) == (
        "message",
        2,
        "operator",
        "Hi!",
    )
    assert "private" not in reply

    await visitor.send_json_to({"type": "typing", "active": True})
    typing = await next_of(ops, "typing")
    assert typing == {
        "type": "typing",
        "conversation_id": conversation.pk,
        "sender": "visitor",
        "active": True,
    }
    await visitor.send_json_to({"type": "send", "client_id": "c-2", "body": "Thanks"})
    incoming = await next_of(ops, "message")
    assert (incoming["seq"], incoming["body"], incoming["sender"]) == (3, "Thanks", "visitor")
    await ops.disconnect()
    await visitor.disconnect()


async def test_ack_marks_read_for_this_operator(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    conversation = (await async_visitor_says(session, "Hello", "c-1")).conversation
    await async_visitor_says(session, "Anyone?", "c-2")
    ops = await operator_socket(alpha.operator.user, "alpha")
    assert (await ops.connect(timeout=TIMEOUT))[0]

    await ops.send_json_to({"type": "ack", "conversation_id": conversation.pk, "seq": 2})
    row = await next_of(ops, "conversation")

    assert (row["id"], row["unread"]) == (conversation.pk, 0)

    def read_mark() -> list[tuple[int, int]]:
        with workspace_scope(alpha.workspace.pk):
            return list(ConversationRead.objects.values_list("user_id", "last_read_seq"))

    assert await sync_to_async(read_mark)() == [(alpha.operator.user.pk, 2)]
    await ops.disconnect()


async def test_operator_of_b_gets_not_found_for_a_conversation_of_a(
    alpha: Tenant, beta: Tenant
) -> None:
    session = await async_open_session(alpha.brand)
    theirs = (await async_visitor_says(session, "alpha secret", "c-1")).conversation
    before = await sync_to_async(chat_snapshot)()
    ops = await operator_socket(beta.owner.user, "beta")
    assert (await ops.connect(timeout=TIMEOUT))[0]

    frames = [
        {"type": "subscribe", "conversation_id": theirs.pk, "last_seq": 0},
        {"type": "send", "conversation_id": theirs.pk, "client_id": "x-1", "body": "hijack"},
        {"type": "typing", "conversation_id": theirs.pk, "active": True},
        {"type": "ack", "conversation_id": theirs.pk, "seq": 1},
        {"type": "subscribe", "conversation_id": 987654321, "last_seq": 0},
    ]
    for frame in frames:
        await ops.send_json_to(frame)
        error = await ops.receive_json_from(timeout=TIMEOUT)
        assert (error["type"], error["code"]) == ("error", "not_found"), frame
        assert "alpha secret" not in str(error)
    assert await ops.receive_nothing(timeout=0.3)
    assert await sync_to_async(chat_snapshot)() == before
    await ops.disconnect()


async def test_operator_idempotent_send_and_bad_frames(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    conversation = (await async_visitor_says(session, "Hello", "c-1")).conversation
    ops = await operator_socket(alpha.operator.user, "alpha")
    assert (await ops.connect(timeout=TIMEOUT))[0]
    frame = {"type": "send", "conversation_id": conversation.pk, "client_id": "r-1", "body": "Hi"}

    await ops.send_json_to(frame)
    assert (await next_of(ops, "sent"))["duplicate"] is False
    await ops.send_json_to(frame)
    assert (await next_of(ops, "sent"))["duplicate"] is True
    for bad, code in (
        ({**frame, "client_id": "r-2", "body": "x" * 5001}, "too_long"),
        ({**frame, "client_id": "r-3", "private": "yes"}, "invalid"),
        ({"type": "send", "conversation_id": "1", "client_id": "r-4", "body": "x"}, "invalid"),
        ({"type": "subscribe"}, "invalid"),
    ):
        await ops.send_json_to(bad)
        assert (await next_of(ops, "error"))["code"] == code, bad
    await ops.send_to(text_data="{")
    assert (await next_of(ops, "error"))["code"] == "bad_json"
    await ops.send_json_to({"type": "ping"})
    assert (await next_of(ops, "pong")) == {"type": "pong"}
    assert await sync_to_async(stored_bodies)(conversation.pk) == [(1, "Hello"), (2, "Hi")]
    assert await sync_to_async(message_count)() == 2
    await ops.disconnect()


async def test_rest_resolve_is_announced_to_visitor_and_inbox(alpha: Tenant) -> None:
    from tests.tenants.api_helpers import client_for, send

    session = await async_open_session(alpha.brand)
    conversation = (await async_visitor_says(session, "Hello", "c-1")).conversation
    visitor, _ = await connected_visitor(alpha.brand.widget_key, session.token, last_seq=1)
    ops = await operator_socket(alpha.admin.user, "alpha")
    assert (await ops.connect(timeout=TIMEOUT))[0]

    def resolve() -> int:
        client = client_for(alpha.operator.user)
        url = alpha.url(f"conversations/{conversation.pk}/resolve/")
        return int(send(client, "POST", url).status_code)

    assert await sync_to_async(resolve)() == 200
    assert await visitor.receive_json_from(timeout=TIMEOUT) == {
        "type": "status",
        "conversation_id": conversation.pk,
        "status": "resolved",
    }
    row = await next_of(ops, "conversation")
    assert (row["id"], row["status"]) == (conversation.pk, "resolved")
    await ops.disconnect()
    await visitor.disconnect()
