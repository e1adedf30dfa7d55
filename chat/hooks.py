"""What other apps hear about chat writes, without chat importing them.

``ai`` registers a receiver in its AppConfig.ready(); ``message_create`` calls every receiver
inside its transaction, right after the message row is written. A receiver must only schedule
work with ``after_commit`` (enqueue a Celery task with ids): nothing slow, nothing that can fail
the message. A receiver that raises is logged and skipped; the message is still stored.

``after_commit`` is ``transaction.on_commit``, except in a websocket consumer's DB call: there
the job runs after commit on a background thread, off the path of the sender's ``sent`` and of
the broadcast (a Celery publish costs milliseconds; chat/events.py ``Outbox.jobs``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

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


def after_commit(job: Callable[[], object]) -> None:
    """Run ``job`` once the surrounding transaction commits (see module doc)."""
    from . import events

    box = events.current_outbox()
    if box is not None and box.committed:
        box.jobs.append(job)
    elif box is not None:
        transaction.on_commit(lambda: box.jobs.append(job))
    else:
        transaction.on_commit(job)
