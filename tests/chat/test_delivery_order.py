"""Delivery in seq order with no gaps when events arrive out of order or never arrive, the
``prev_seq`` each audience is given, and inbox rows read once for every operator."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from chat import events
from chat.consumers.base import SeqGate
from chat.services import conversation_mark_read
from tenants.scope import workspace_scope
from tests.tenants.api_helpers import Tenant

from .helpers import (
    TIMEOUT,
    async_open_session,
    async_visitor_says,
    connected_visitor,
    frames_until_quiet,
    next_of,
    open_session,
    operator_says,
    operator_socket,
    visitor_says,
)


def _msg(seq: int, prev: int) -> dict[str, Any]:
    return {"conversation_id": 1, "seq": seq, "prev_seq": prev, "body": f"m{seq}"}


# ---------------------------------------------------------------- SeqGate


def test_gate_delivers_in_order_and_holds_until_the_gap_closes() -> None:
    gate = SeqGate(delivered=1)
    assert gate.offer(_msg(3, 2)) == []
    assert gate.waiting
    assert [m["seq"] for m in gate.offer(_msg(2, 1))] == [2, 3]
    assert not gate.waiting
    assert gate.delivered == 3


def test_gate_drops_what_was_delivered_and_skips_what_the_audience_never_sees() -> None:
    gate = SeqGate(delivered=5)
    assert gate.offer(_msg(5, 4)) == []
    assert gate.offer(_msg(4, 3)) == []
    # seq 6 and 7 were private notes: the visitor's next message says its predecessor is 5
    assert [m["seq"] for m in gate.offer(_msg(8, 5))] == [8]
    assert not gate.waiting


def test_gate_fill_from_the_db_covers_held_messages_and_releases_the_rest() -> None:
    gate = SeqGate(delivered=1)
    gate.offer(_msg(3, 2))
    gate.offer(_msg(5, 4))
    stored = [_msg(2, 1), _msg(3, 2)]
    assert [m["seq"] for m in gate.fill(stored)] == [2, 3]
    assert gate.waiting  # 5 still waits for 4
    assert [m["seq"] for m in gate.fill([_msg(4, 3), _msg(5, 4)])] == [4, 5]
    assert not gate.waiting and gate.delivered == 5


# ---------------------------------------------------------------- prev_seq


@pytest.mark.django_db(transaction=True)
def test_visitor_events_skip_private_notes_in_prev_seq(alpha: Tenant) -> None:
    session = open_session(alpha.brand)
    conversation = visitor_says(session, "Hello", "c-1").conversation
    with events.collect() as note_box:
        operator_says(conversation, alpha.operator.user, "internal", is_private=True)
    with events.collect() as reply_box:
        operator_says(conversation, alpha.operator.user, "Hi there")

    ws, conv = alpha.workspace.pk, conversation.pk
    note_groups = [group for group, _ in note_box.sends]
    assert note_groups == [events.ops_group(ws, conv)]  # never the visitor group
    by_group = {group: event for group, event in reply_box.sends}
    assert by_group[events.ops_group(ws, conv)]["prev_seq"] == 2
    visitor_event = by_group[events.visitor_group(ws, conv)]
    assert (visitor_event["seq"], visitor_event["prev_seq"]) == (3, 1)
    assert "private" not in visitor_event
    assert reply_box.inbox == {ws: {conv}}


# ---------------------------------------------------------------- sockets


async def _subscribed_operator(tenant: Tenant, conversation_id: int, last_seq: int) -> Any:
    ops = await operator_socket(tenant.operator.user, tenant.workspace.slug)
    assert (await ops.connect(timeout=TIMEOUT))[0]
    await ops.send_json_to(
        {"type": "subscribe", "conversation_id": conversation_id, "last_seq": last_seq}
    )
    await next_of(ops, "subscribed")
    return ops


async def _both_sides_after_a_first_message(tenant: Tenant) -> tuple[Any, Any, Any]:
    """A conversation with one visitor message, its visitor's socket and a subscribed operator
    socket, both caught up (last_seq 1)."""
    session = await async_open_session(tenant.brand)
    conversation = (await async_visitor_says(session, "Hello", "c-1")).conversation
    visitor, _ = await connected_visitor(tenant.brand.widget_key, session.token, last_seq=1)
    ops = await _subscribed_operator(tenant, conversation.pk, last_seq=1)
    return conversation, visitor, ops


async def _message_frames(socket: Any, count: int) -> list[tuple[int, str]]:
    return [
        (frame["seq"], frame["body"])
        for frame in [await next_of(socket, "message") for _ in range(count)]
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_message_whose_event_was_lost_is_read_from_the_db_before_the_next(
    alpha: Tenant,
) -> None:
    conversation, visitor, ops = await _both_sides_after_a_first_message(alpha)

    def lost_then_live() -> None:
        with events.collect():  # committed, but its events are never sent
            operator_says(conversation, alpha.operator.user, "lost on the way")
        operator_says(conversation, alpha.operator.user, "arrives")

    await sync_to_async(lost_then_live)()

    expected = [(2, "lost on the way"), (3, "arrives")]
    assert await _message_frames(ops, 2) == expected
    assert await _message_frames(visitor, 2) == expected
    assert await visitor.receive_nothing(timeout=0.3)
    await ops.disconnect()
    await visitor.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_events_arriving_out_of_order_are_delivered_in_order_once(alpha: Tenant) -> None:
    conversation, visitor, ops = await _both_sides_after_a_first_message(alpha)

    def two_replies() -> list[tuple[str, dict[str, Any]]]:
        with events.collect() as box:
            operator_says(conversation, alpha.operator.user, "first")
            operator_says(conversation, alpha.operator.user, "second")
        return box.sends

    sends = await sync_to_async(two_replies)()
    layer = get_channel_layer()
    for group, event in reversed(sends):  # the second reply's events first
        await layer.group_send(group, event)

    expected = [(2, "first"), (3, "second")]
    assert await _message_frames(ops, 2) == expected
    assert await _message_frames(visitor, 2) == expected
    assert await ops.receive_nothing(timeout=0.3)
    await ops.disconnect()
    await visitor.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_inbox_rows_carry_each_operators_own_unread_count(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    conversation = (await async_visitor_says(session, "Hello", "c-1")).conversation

    def operator_read_it() -> None:
        with workspace_scope(alpha.workspace.pk):
            conversation_mark_read(conversation=conversation, user_id=alpha.operator.user.pk, seq=1)

    await sync_to_async(operator_read_it)()
    ops = await operator_socket(alpha.operator.user, "alpha")
    admin = await operator_socket(alpha.admin.user, "alpha")
    assert (await ops.connect(timeout=TIMEOUT))[0]
    assert (await admin.connect(timeout=TIMEOUT))[0]
    visitor, _ = await connected_visitor(alpha.brand.widget_key, session.token, last_seq=1)

    await visitor.send_json_to({"type": "send", "client_id": "c-2", "body": "Still there?"})

    ops_row, admin_row = await next_of(ops, "conversation"), await next_of(admin, "conversation")
    assert (ops_row["id"], ops_row["unread"], ops_row["preview"]) == (
        conversation.pk,
        1,
        "Still there?",
    )
    assert (admin_row["id"], admin_row["unread"]) == (conversation.pk, 2)
    assert {k: v for k, v in ops_row.items() if k != "unread"} == {
        k: v for k, v in admin_row.items() if k != "unread"
    }
    for socket in (ops, admin, visitor):
        await socket.disconnect()


class _RecordingLayer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def group_send(self, group: str, event: dict[str, Any]) -> None:
        self.sent.append((group, event))


@pytest.mark.asyncio
async def test_inbox_batcher_sends_the_first_change_at_once_then_one_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads: list[set[int]] = []

    def fake_inbox_event(workspace_id: int, conversation_ids: set[int]) -> dict[str, Any]:
        reads.append(set(conversation_ids))
        rows = [{"id": cid} for cid in sorted(conversation_ids)]
        return {"type": "chat.inbox", "rows": rows, "unread": {}}

    monkeypatch.setattr(events, "inbox_event", fake_inbox_event)
    monkeypatch.setattr(events, "INBOX_BATCH_SECONDS", 0.05)
    layer = _RecordingLayer()
    batcher = events.InboxBatcher(layer)

    batcher.note(7, {1})
    for _ in range(100):  # let the leading edge go out
        await asyncio.sleep(0.005)
        if layer.sent:
            break
    batcher.note(7, {2})
    batcher.note(7, {3, 2})
    batcher.note(8, {9})
    for _ in range(200):
        await asyncio.sleep(0.005)
        if len(layer.sent) == 3 and not batcher.running:
            break

    assert reads == [{1}, {9}, {2, 3}]
    assert [(group, [r["id"] for r in ev["rows"]]) for group, ev in layer.sent] == [
        ("w7.inbox", [1]),
        ("w8.inbox", [9]),
        ("w7.inbox", [2, 3]),
    ]
    assert not batcher.running and not batcher.pending


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_after_the_layer_recovers_sockets_read_what_was_published_into_the_void(
    alpha: Tenant,
) -> None:
    conversation, visitor, ops = await _both_sides_after_a_first_message(alpha)

    def reply_while_redis_is_down() -> None:
        with events.collect():  # committed; its events never reach anyone
            operator_says(conversation, alpha.operator.user, "sent during the outage")

    await sync_to_async(reply_while_redis_is_down)()
    assert await ops.receive_nothing(timeout=0.2)

    get_channel_layer()._get_layer().announce_recovery()  # what a reconnect triggers

    assert await _message_frames(ops, 1) == [(2, "sent during the outage")]
    assert await _message_frames(visitor, 1) == [(2, "sent during the outage")]
    status = await next_of(visitor, "status")
    assert (status["conversation_id"], status["status"]) == (conversation.pk, "open")
    await ops.disconnect()
    await visitor.disconnect()


class _FlakyLayer:
    def __init__(self, failures: int) -> None:
        self.failures, self.sent = failures, []

    async def group_send(self, group: str, event: dict[str, Any]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("redis went away")
        self.sent.append((group, event))


@pytest.mark.asyncio
async def test_a_failed_broadcast_is_tried_once_more_and_then_given_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    once = _FlakyLayer(failures=1)
    await events._send_group(once, "w1.c1.ops", [{"seq": 1}, {"seq": 2}])
    assert once.sent == [("w1.c1.ops", {"seq": 1}), ("w1.c1.ops", {"seq": 2})]

    down = _FlakyLayer(failures=10)
    await events._send_group(down, "w1.c1.ops", [{"seq": 3}])  # logged, not raised
    assert down.sent == [] and down.failures == 8
    assert "broadcast to w1.c1.ops failed" in caplog.text


@pytest.mark.asyncio
async def test_a_group_event_is_decoded_once_and_each_receiver_gets_its_own_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layer = get_channel_layer()
    first, second, outsider = [await layer.new_channel() for _ in range(3)]
    await layer.group_add("w1.decode-once", first)
    await layer.group_add("w1.decode-once", second)
    serializer = layer._serializer
    decoded: list[bytes] = []
    real = serializer.deserialize

    def counting(message: bytes) -> Any:
        decoded.append(message)
        return real(message)

    monkeypatch.setattr(serializer, "deserialize", counting)
    await layer.group_send("w1.decode-once", {"type": "chat.x", "rows": [{"id": 1}]})
    one = await asyncio.wait_for(layer.receive(first), TIMEOUT)
    two = await asyncio.wait_for(layer.receive(second), TIMEOUT)
    assert one == two == {"type": "chat.x", "rows": [{"id": 1}]}
    assert one is not two  # a receiver may change its own event's keys
    assert len(decoded) == 1
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(outsider), 0.2)
    await layer.flush()


def test_inbox_frames_encode_the_rows_once_and_splice_each_operators_unread() -> None:
    from chat import selectors

    feed = {
        "batch": "b-1",
        "rows": [{"id": 7, "preview": 'say "hi" </script>'}, {"id": 8, "preview": "é"}],
        "unread": {
            "7": {"default": 3, "users": {"1": 0}},
            "8": {"default": 1, "users": {}},
        },
    }
    one = json.loads(selectors.inbox_frame_text(feed, 1) or "")
    two = json.loads(selectors.inbox_frame_text(feed, 2) or "")
    assert one == {
        "type": "conversations",
        "rows": [
            {"id": 7, "preview": 'say "hi" </script>', "unread": 0},
            {"id": 8, "preview": "é", "unread": 1},
        ],
    }
    assert [r["unread"] for r in two["rows"]] == [3, 1]
    assert selectors._encoded_rows["b-1"]  # encoded once, reused for the second operator

    single = {**feed, "batch": "b-2", "rows": feed["rows"][:1]}
    assert json.loads(selectors.inbox_frame_text(single, 2) or "") == {
        "type": "conversation",
        "id": 7,
        "preview": 'say "hi" </script>',
        "unread": 3,
    }
    assert selectors.inbox_frame_text({**feed, "rows": []}, 1) is None


@pytest.mark.asyncio
async def test_a_local_member_gets_a_group_event_once_without_the_redis_echo() -> None:
    layer = get_channel_layer()
    member = await layer.new_channel()
    await layer.group_add("w1.local-once", member)
    await layer.group_send("w1.local-once", {"type": "chat.x", "n": 1})
    assert await asyncio.wait_for(layer.receive(member), TIMEOUT) == {"type": "chat.x", "n": 1}
    with pytest.raises(asyncio.TimeoutError):  # Redis's copy of our own publish is dropped
        await asyncio.wait_for(layer.receive(member), 0.3)
    await layer.flush()


@pytest.mark.asyncio
async def test_events_of_other_publishers_arrive_through_redis_our_own_do_not() -> None:
    from chat import layer as chat_layer

    layer = get_channel_layer()
    loop_layer = layer._get_layer()
    member = await layer.new_channel()
    await layer.group_add("w1.origins", member)
    channel = loop_layer._get_group_channel_name("w1.origins")
    shard = loop_layer._get_shard(channel)  # publishes the bytes as they are
    other_origin = chat_layer.ORIGIN_MARK + b"\x00" * (chat_layer.ORIGIN_LENGTH - 1)
    assert other_origin != loop_layer.origin
    for data in (
        other_origin + layer.serialize({"type": "chat.x", "from": "another process"}),
        loop_layer.origin + layer.serialize({"type": "chat.x", "from": "ourselves"}),
        layer.serialize({"type": "chat.x", "from": "an unmarked publisher"}),
    ):
        await shard.publish(channel, data)
    got = [await asyncio.wait_for(layer.receive(member), TIMEOUT) for _ in range(2)]
    assert [e["from"] for e in got] == ["another process", "an unmarked publisher"]
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(member), 0.3)
    await layer.flush()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_killed_subscriber_connection_comes_back_and_nothing_is_lost(
    alpha: Tenant,
) -> None:
    """Redis drops the layer's subscriber connection (CLIENT KILL): it reconnects, subscribes
    to every group again and the consumers re-read; a reply committed meanwhile (published by
    another connection) reaches both sockets once, and later replies arrive live."""
    import redis as redis_sync
    from django.conf import settings

    conversation, visitor, ops = await _both_sides_after_a_first_message(alpha)
    admin = redis_sync.Redis.from_url(
        settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"]
    )
    subscriber = get_channel_layer()._get_layer()._shards[0]._subscriber
    first = subscriber._wire
    assert admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub") >= 1

    await sync_to_async(operator_says)(conversation, alpha.operator.user, "during the reconnect")
    assert await _message_frames(ops, 1) == [(2, "during the reconnect")]
    assert await _message_frames(visitor, 1) == [(2, "during the reconnect")]
    assert subscriber._wire is not first and not subscriber._wire.closed

    await sync_to_async(operator_says)(conversation, alpha.operator.user, "after it")
    assert await _message_frames(ops, 1) == [(3, "after it")]
    assert await _message_frames(visitor, 1) == [(3, "after it")]
    await asyncio.sleep(0.3)
    leftover = [f for f in await frames_until_quiet(visitor) if f.get("type") == "message"]
    assert leftover == []  # each message once
    await ops.disconnect()
    await visitor.disconnect()
