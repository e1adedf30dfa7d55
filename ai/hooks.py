"""How the AI features learn of chat events: receivers registered in AiConfig.ready().

Both run inside the chat write's transaction and only schedule a task with ids after commit
(nothing slow, nothing that can fail the message)."""

from __future__ import annotations

import functools
from typing import Any

from django.db import transaction

from ai import enqueue
from chat.hooks import MessageCreated, after_commit_batched
from chat.models import Conversation, ConversationStatus, Sender


def enqueue_on_message(event: MessageCreated) -> None:
    """A visitor's public message sets off the pipeline (translation, agent, suggestions).

    One task per message; messages of one workspace committed together in a busy Daphne
    process go as one ``ai.on_messages`` task that fans them out in the worker."""
    if event.sender != Sender.VISITOR or event.is_private:
        return
    after_commit_batched(
        ("ai.on_message", event.workspace_id),
        event.message_id,
        functools.partial(_enqueue_messages, event.workspace_id),
    )


def _enqueue_messages(workspace_id: int, message_ids: list[int]) -> None:
    """On the chat-jobs thread of a Daphne process (or on commit): one LPUSH (ai/enqueue.py)."""
    from ai.tasks import AI_QUEUE, on_message, on_messages

    if len(message_ids) == 1:
        kwargs: dict[str, Any] = {"workspace_id": workspace_id, "message_id": message_ids[0]}
        enqueue.publish(on_message, kwargs, AI_QUEUE)
    else:
        kwargs = {"workspace_id": workspace_id, "message_ids": message_ids}
        enqueue.publish(on_messages, kwargs, AI_QUEUE)


def enqueue_summary_on_resolve(
    sender: type[Conversation], instance: Conversation, update_fields: Any = None, **_: Any
) -> None:
    """post_save of Conversation: a resolve (chat.services saves ``status``) asks for a summary.

    chat.hooks has no status-change receiver yet and chat.services is another change's ground,
    so this listens to the model save; it holds no logic beyond enqueueing on commit (the task
    checks the switches)."""
    if update_fields is None or "status" not in update_fields:
        return
    if instance.status != ConversationStatus.RESOLVED:
        return
    from ai.tasks import AI_QUEUE, summarize_conversation

    kwargs = {
        "workspace_id": instance.workspace_id,
        "conversation_id": instance.pk,
        "upto_seq": instance.last_seq,
        "language": "",
        "trigger": "resolve",
    }
    transaction.on_commit(lambda: summarize_conversation.apply_async(kwargs=kwargs, queue=AI_QUEUE))
