"""How a visitor's message reaches queue "ai": one ``ai.on_message`` per message; messages
committed together in a busy Daphne process go as one ``ai.on_messages`` that the worker fans
out, one ``ai.on_message`` each."""

from __future__ import annotations

from typing import Any

import pytest

from ai import hooks as ai_hooks
from ai import tasks
from chat import events
from chat import hooks as chat_hooks
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
    chat_hooks._pending.clear()
    return sent


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
