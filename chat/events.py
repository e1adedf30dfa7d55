"""Realtime events: group names and broadcasting after commit.

Group names always contain the workspace id. Three kinds of groups:

    w{ws}.c{conv}.visitor   the visitor's sockets of one conversation (never private notes)
    w{ws}.c{conv}.ops       operator sockets that opened the conversation (everything)
    w{ws}.v{visitor}        all sockets (tabs) of one visitor: learns of a new conversation
    w{ws}.inbox             every operator socket of the workspace (list rows)

Services call the ``*_on_commit`` functions; nothing is sent from inside a transaction.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def visitor_group(workspace_id: int, conversation_id: int) -> str:
    return f"w{workspace_id}.c{conversation_id}.visitor"


def ops_group(workspace_id: int, conversation_id: int) -> str:
    return f"w{workspace_id}.c{conversation_id}.ops"


def visitor_tabs_group(workspace_id: int, visitor_id: int) -> str:
    return f"w{workspace_id}.v{visitor_id}"


def inbox_group(workspace_id: int) -> str:
    return f"w{workspace_id}.inbox"


def _send_now(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the data is committed; clients catch up by replay on reconnect
        logger.exception("broadcast to %s failed", group)


def send_on_commit(group: str, event: dict[str, Any]) -> None:
    """Broadcast once the surrounding transaction commits (at once when there is none)."""
    transaction.on_commit(lambda: _send_now(group, event))


def message_created_on_commit(
    *, workspace_id: int, conversation_id: int, payload: dict[str, Any], private: bool
) -> None:
    """``payload`` is the operator form of the message (it carries ``private``)."""
    send_on_commit(ops_group(workspace_id, conversation_id), {"type": "chat.message", **payload})
    if not private:
        public = {k: v for k, v in payload.items() if k != "private"}
        send_on_commit(
            visitor_group(workspace_id, conversation_id), {"type": "chat.message", **public}
        )
    inbox_changed_on_commit(workspace_id=workspace_id, conversation_id=conversation_id)


def conversation_started_on_commit(
    *, workspace_id: int, visitor_id: int, conversation_id: int
) -> None:
    send_on_commit(
        visitor_tabs_group(workspace_id, visitor_id),
        {"type": "chat.conversation_started", "conversation_id": conversation_id},
    )


def status_changed_on_commit(*, workspace_id: int, conversation_id: int, status: str) -> None:
    send_on_commit(
        visitor_group(workspace_id, conversation_id),
        {"type": "chat.status", "conversation_id": conversation_id, "status": status},
    )
    inbox_changed_on_commit(workspace_id=workspace_id, conversation_id=conversation_id)


def inbox_changed_on_commit(*, workspace_id: int, conversation_id: int) -> None:
    """Each operator socket re-reads the row for its own user (unread counts are per operator)."""
    send_on_commit(
        inbox_group(workspace_id),
        {"type": "chat.conversation", "conversation_id": conversation_id},
    )


async def typing_send(
    *, workspace_id: int, conversation_id: int, sender: str, active: bool
) -> None:
    """Typing is ephemeral (nothing stored, nothing to commit): sent straight away."""
    layer = get_channel_layer()
    if layer is None:
        return
    group = (
        ops_group(workspace_id, conversation_id)
        if sender == "visitor"
        else visitor_group(workspace_id, conversation_id)
    )
    await layer.group_send(
        group,
        {
            "type": "chat.typing",
            "conversation_id": conversation_id,
            "sender": sender,
            "active": active,
        },
    )


def ai_frame_on_commit(*, workspace_id: int, conversation_id: int, frame: dict[str, Any]) -> None:
    """An AI artifact (``frame`` has its own ``type``, e.g. ``ai.suggestion``) for the operator
    sockets that opened the conversation. Never sent to the visitor's group."""
    send_on_commit(
        ops_group(workspace_id, conversation_id),
        {"type": "chat.ai", "conversation_id": conversation_id, "frame": frame},
    )


def ai_frame_send_now(*, workspace_id: int, conversation_id: int, frame: dict[str, Any]) -> None:
    """Ephemeral AI frames (stream deltas) from sync code such as a Celery task: sent at once."""
    _send_now(
        ops_group(workspace_id, conversation_id),
        {"type": "chat.ai", "conversation_id": conversation_id, "frame": frame},
    )
