"""What other apps hear about chat writes, without chat importing them.

``ai`` registers a receiver in its AppConfig.ready(); ``message_create`` calls every receiver
inside its transaction, right after the message row is written. A receiver must only schedule
work with ``after_commit`` (enqueue a Celery task with ids): nothing slow, nothing that can fail
the message. A receiver that raises is logged and skipped; the message is still stored.

``after_commit`` is ``transaction.on_commit``, except in a websocket consumer's DB call: there
the job runs after commit on a background thread, off the path of the sender's ``sent`` and of
the broadcast (a Celery publish costs milliseconds; chat/events.py ``Outbox.jobs``).

``after_commit_batched`` is for work that can be done for many items at once (one Celery task
for several messages): in a consumer, items that pile up while the background thread is busy go
to one call; alone, an item is handled at once. Under load this is what keeps a Daphne process
from spending a fifth of its CPU on a Celery publish per visitor message (measured with py-spy,
docs/benchmarks.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

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


BatchRunner = Callable[[list[Any]], object]

#: Items of ``after_commit_batched`` waiting for the background thread, per key, in commit order.
_pending: dict[Hashable, tuple[BatchRunner, list[Any]]] = {}
_pending_lock = threading.Lock()

#: A batch is cut at this many items (a Celery message stays small).
BATCH_MAX = 100
#: Batches are handed over at most this often: the first item of a quiet moment goes at once,
#: under load the items of up to this long go together (a Celery publish costs ≈ 1 ms of Daphne's
#: CPU; at 250 messages/s one per message took a fifth of the process).
BATCH_INTERVAL_SECONDS = 0.02
_last_drain = 0.0


def after_commit_batched(key: Hashable, item: Any, run: BatchRunner) -> None:
    """Once the surrounding transaction commits, ``run(items)`` with ``item`` among them: items
    of one ``key`` committed while the consumer's background thread was busy are handed over
    together (in commit order, at most ``BATCH_MAX`` at a time); outside a consumer,
    ``run([item])`` on commit. ``run`` must be the same for one key."""
    from . import events

    box = events.current_outbox()

    def enlist() -> None:
        with _pending_lock:
            _pending.setdefault(key, (run, []))[1].append(item)
        assert box is not None
        box.jobs.append(_drain)

    if box is not None and box.committed:
        enlist()
    elif box is not None:
        transaction.on_commit(enlist)
    else:
        transaction.on_commit(lambda: run([item]))


def _drain() -> None:
    """Run every pending batch (on the background thread; a later ``_drain`` whose items were
    taken here finds nothing to do). Within ``BATCH_INTERVAL_SECONDS`` of the previous drain it
    first waits out the rest of the interval, gathering what commits meanwhile."""
    global _last_drain
    with _pending_lock:
        if not _pending:
            return
    pause = _last_drain + BATCH_INTERVAL_SECONDS - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    _last_drain = time.monotonic()
    with _pending_lock:
        batches = list(_pending.values())
        _pending.clear()
    for run, items in batches:
        for start in range(0, len(items), BATCH_MAX):
            try:
                run(items[start : start + BATCH_MAX])
            except Exception:
                logger.exception("after-commit batch %r failed", run)
