"""How a visitor's message reaches queue "ai": one ``ai.on_message`` per message; messages
committed together in a busy Daphne process go as one ``ai.on_messages`` that the worker fans
out, one ``ai.on_message`` each."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings

from ai import enqueue, tasks
from ai import hooks as ai_hooks
from chat import events
from chat import hooks as chat_hooks
from supportdesk.settings.env import redis_location
from tests.tenants.api_helpers import Tenant

from .helpers import visitor_message


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    sent: list[tuple[str, dict[str, Any]]] = []
    for task in (tasks.on_message, tasks.on_messages):
        monkeypatch.setattr(
            task,
            "apply_async",
            lambda kwargs, queue, name=task.name: sent.append((name, kwargs)),
        )
    # the web process publishes with ai.enqueue (one LPUSH); the worker's fan-out, apply_async
    monkeypatch.setattr(
        enqueue, "publish", lambda task, kwargs, queue: sent.append((task.name, kwargs))
    )
    chat_hooks._pending.clear()
    return sent


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_location(settings.REDIS_URL, settings.REDIS_DB_BROKER))
    client.delete(TEST_QUEUE)
    enqueue.reset()
    yield client
    client.delete(TEST_QUEUE)
    client.close()
    enqueue.reset()


TEST_QUEUE = "ai-enqueue-test"


def _decoded(raw: bytes) -> dict[str, Any]:
    message = json.loads(raw)
    message["body"] = json.loads(base64.b64decode(message["body"]))
    return message  # type: ignore[no-any-return]


def test_the_published_message_is_the_one_apply_async_writes(broker: redis.Redis) -> None:
    # given the same task, kwargs and task id sent both ways
    kwargs = {"workspace_id": 7, "message_id": 42}
    tasks.on_message.apply_async(kwargs=kwargs, queue=TEST_QUEUE, task_id="t-1")
    by_kombu = broker.rpop(TEST_QUEUE)
    ours = enqueue.task_payload(tasks.on_message, kwargs, TEST_QUEUE, task_id="t-1")

    # then everything but the random delivery tag is the same
    a, b = _decoded(by_kombu), _decoded(ours)
    assert a["properties"].pop("delivery_tag") != b["properties"].pop("delivery_tag")
    assert a == b
    assert b["headers"]["task"] == "ai.on_message"
    limits = [tasks.on_message.time_limit, tasks.on_message.soft_time_limit]
    assert b["headers"]["timelimit"] == limits
    assert b["body"][1] == kwargs
    assert b["properties"]["delivery_info"] == {"exchange": "", "routing_key": TEST_QUEUE}


def test_publish_is_one_lpush_to_the_queue(
    broker: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        tasks.on_message, "apply_async", lambda **_: pytest.fail("not through kombu")
    )
    task_id = enqueue.publish(tasks.on_message, {"workspace_id": 7, "message_id": 3}, TEST_QUEUE)
    [raw] = broker.lrange(TEST_QUEUE, 0, -1)
    message = _decoded(raw)
    assert message["headers"]["id"] == task_id
    assert message["body"][1] == {"workspace_id": 7, "message_id": 3}


@pytest.mark.parametrize("why", ["another broker", "redis down"])
def test_publish_falls_back_to_apply_async(
    broker: redis.Redis, monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    sent: list[tuple[dict[str, Any], str]] = []

    class Sent:
        id = "t-kombu"

    def apply_async(kwargs: dict[str, Any], queue: str) -> Sent:
        sent.append((kwargs, queue))
        return Sent()

    monkeypatch.setattr(tasks.on_message, "apply_async", apply_async)
    if why == "another broker":
        monkeypatch.setattr(settings, "CELERY_BROKER_URL", "redis://broker.internal:6379/1")
    else:

        def down(*args: Any, **kwargs: Any) -> None:
            raise redis.ConnectionError("gone")

        monkeypatch.setattr(redis.Redis, "lpush", down)

    assert enqueue.publish(tasks.on_message, {"message_id": 3}, TEST_QUEUE) == "t-kombu"
    assert sent == [({"message_id": 3}, TEST_QUEUE)]
    assert broker.llen(TEST_QUEUE) == 0


def test_a_message_alone_is_one_task(
    alpha: Tenant, queued: list[tuple[str, dict[str, Any]]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = visitor_message(alpha, "Where is my order?")
    assert queued == [
        ("ai.on_message", {"workspace_id": alpha.workspace.pk, "message_id": message.pk})
    ]


def test_messages_committed_together_go_as_one_task_the_worker_fans_out(
    alpha: Tenant, beta: Tenant, queued: list[tuple[str, dict[str, Any]]]
) -> None:
    def committed(tenant: Tenant, workspace_id: int, message_id: int) -> events.Outbox:
        event = chat_hooks.MessageCreated(
            workspace_id=workspace_id,
            conversation_id=1,
            message_id=message_id,
            seq=1,
            sender="visitor",
            is_private=False,
        )
        with events.collect(committed=True) as box:  # as chat/fastpath.py reports a write
            ai_hooks.enqueue_on_message(event)
        return box

    a, b = alpha.workspace.pk, beta.workspace.pk
    boxes = [committed(alpha, a, 11), committed(beta, b, 21), committed(alpha, a, 12)]
    for box in boxes:  # the consumer's background thread runs the jobs in order
        for job in box.jobs:
            job()
    assert queued == [
        ("ai.on_messages", {"workspace_id": a, "message_ids": [11, 12]}),
        ("ai.on_message", {"workspace_id": b, "message_id": 21}),
    ]

    queued.clear()
    assert tasks.on_messages(workspace_id=a, message_ids=[11, 12, True, "x"]) == 2
    assert queued == [
        ("ai.on_message", {"workspace_id": a, "message_id": 11}),
        ("ai.on_message", {"workspace_id": a, "message_id": 12}),
    ]


def test_a_private_note_or_an_operator_message_enqueues_nothing(
    alpha: Tenant, queued: list[tuple[str, dict[str, Any]]]
) -> None:
    for sender, private in (("operator", False), ("operator", True)):
        event = chat_hooks.MessageCreated(
            workspace_id=alpha.workspace.pk,
            conversation_id=1,
            message_id=5,
            seq=1,
            sender=sender,
            is_private=private,
        )
        with events.collect(committed=True) as box:
            ai_hooks.enqueue_on_message(event)
        assert box.jobs == []
    assert queued == []
