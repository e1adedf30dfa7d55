"""What other apps hear about chat writes, without chat importing them.

``ai`` registers a receiver in its AppConfig.ready(); ``message_create`` calls every receiver
inside its transaction, right after the message row is written. A receiver must only schedule
work with ``transaction.on_commit`` (enqueue a Celery task with ids): nothing slow, nothing that
can fail the message. A receiver that raises is logged and skipped; the message is still stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MessageCreated:
    workspace_id: int
    conversation_id: int
    message_id: int
    seq: int
    sender: str
    is_private: bool


MessageReceiver = Callable[[MessageCreated], None]
_message_receivers: list[MessageReceiver] = []


def on_message_created(receiver: MessageReceiver) -> MessageReceiver:
    """Register ``receiver`` (idempotent, usable as a decorator)."""
    if receiver not in _message_receivers:
        _message_receivers.append(receiver)
    return receiver


def message_created(event: MessageCreated) -> None:
    for receiver in list(_message_receivers):
        try:
            receiver(event)
        except Exception:
            logger.exception("message_created receiver %r failed", receiver)
