"""Realtime events: group names and broadcasting after commit.

Group names always contain the workspace id. Four kinds of groups:

    w{ws}.c{conv}.visitor   the visitor's sockets of one conversation (never private notes)
    w{ws}.c{conv}.ops       operator sockets that opened the conversation (everything)
    w{ws}.v{visitor}        all sockets (tabs) of one visitor: learns of a new conversation
    w{ws}.inbox             every operator socket of the workspace (list rows)

Services call the ``*_on_commit`` functions; nothing is sent from inside a transaction.

Where the events go once the transaction commits depends on who wrote:

* a websocket consumer's DB call runs inside ``collect()``: the events land in an outbox that the
  consumer sends from the event loop after the DB call returns (``flush``), so the DB thread never
  waits on Redis;
* anything else (REST views, Celery tasks, shells) sends at once from the commit hook.

Message events carry ``prev_seq``: the seq of the previous message that audience can see (the
operators see every seq; a visitor does not see private notes). A socket that receives a message
whose ``prev_seq`` it has not delivered yet knows a message is missing (reordered or shed by the
channel layer) and fills the gap from the database (see ``consumers/base.py``).

Inbox list rows are not sent per message: ``inbox_changed_on_commit`` marks a conversation, and
the rows (the same for every operator, plus each operator's unread count) are read once and sent
to the workspace's inbox group as one ``chat.inbox`` event. In a Daphne process the marks are
batched per workspace (at most one read + send per ``INBOX_BATCH_SECONDS``, the first at once),
so a busy workspace costs one query per batch instead of one per operator per message.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from . import publish

logger = logging.getLogger(__name__)

#: Inbox list updates of one workspace are sent at most this often from one process (the first
#: change after a quiet moment at once). Every update is a frame of all changed rows to every
#: operator socket of the workspace: at 300 messages/s with 30 operators, 0.2 s cost a fifth of
#: Daphne's CPU and doubled the p99 of message delivery (docs/benchmarks.md); twice a second is
#: still live for a list, and messages themselves never wait for it.
INBOX_BATCH_SECONDS = 0.5


def visitor_group(workspace_id: int, conversation_id: int) -> str:
    return f"w{workspace_id}.c{conversation_id}.visitor"


def ops_group(workspace_id: int, conversation_id: int) -> str:
    return f"w{workspace_id}.c{conversation_id}.ops"


def visitor_tabs_group(workspace_id: int, visitor_id: int) -> str:
    return f"w{workspace_id}.v{visitor_id}"


def inbox_group(workspace_id: int) -> str:
    return f"w{workspace_id}.inbox"


# ---------------------------------------------------------------- the outbox


@dataclass
class Outbox:
    """Events committed by one DB call, in commit order: (group, event) pairs and the
    conversations whose inbox rows changed, per workspace."""

    sends: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    inbox: dict[int, set[int]] = field(default_factory=dict)
    #: Committed side jobs (hooks.after_commit), handed to a background thread before the sends.
    jobs: list[Callable[[], object]] = field(default_factory=list)
    #: The write has committed already and no Django transaction is involved (chat/fastpath.py
    #: on the event loop): events go straight into the box.
    committed: bool = False

    def __bool__(self) -> bool:
        return bool(self.sends or self.inbox or self.jobs)


_outbox: ContextVar[Outbox | None] = ContextVar("chat_outbox", default=None)


def current_outbox() -> Outbox | None:
    return _outbox.get()


@contextmanager
def collect(*, committed: bool = False) -> Iterator[Outbox]:
    """Collect the events committed inside the block instead of sending them (see module doc).
    ``committed``: the block reports a write that has already committed outside Django."""
    box = Outbox(committed=committed)
    token = _outbox.set(box)
    try:
        yield box
    finally:
        _outbox.reset(token)


def _send_now(group: str, event: dict[str, Any]) -> None:
    """From sync code (a Celery task, a REST view's commit hook, a thread of a Daphne process):
    one PUBLISH over the process's synchronous Redis client (chat/publish.py), with the same
    single retry as ``_send_group``; the async layer only for a backend that cannot do that."""
    layer = get_channel_layer()
    if layer is None:
        return
    publisher = publish.publisher_for(layer)
    if publisher is None:
        async_to_sync(_send_group)(layer, group, [event])
        return
    for attempt in (1, 2):
        try:
            publisher.group_send(group, event)
            return
        except Exception:  # committed: clients catch up by gap fill, re-read or replay
            if attempt == 2:
                logger.exception("broadcast to %s failed", group)
            else:
                time.sleep(RETRY_PAUSE_SECONDS)


def send_on_commit(group: str, event: dict[str, Any]) -> None:
    """Broadcast once the surrounding transaction commits (at once when there is none)."""
    box = _outbox.get()
    if box is not None and box.committed:
        box.sends.append((group, event))
    elif box is not None:
        transaction.on_commit(lambda: box.sends.append((group, event)))
    else:
        transaction.on_commit(lambda: _send_now(group, event))


#: A failed broadcast is tried once more after this pause (a blip on one connection; a longer
#: outage is covered by the subscribers' re-read when they reconnect, chat/layer.py).
RETRY_PAUSE_SECONDS = 0.05


async def _send_group(layer: Any, group: str, events: list[dict[str, Any]]) -> None:
    for event in events:  # one group's events keep their order
        for attempt in (1, 2):
            try:
                await layer.group_send(group, event)
                break
            except Exception:  # committed: clients catch up by gap fill, re-read or replay
                if attempt == 2:
                    logger.exception("broadcast to %s failed", group)
                else:
                    await asyncio.sleep(RETRY_PAUSE_SECONDS)


async def flush(box: Outbox) -> None:
    """Send an outbox from the event loop: groups concurrently, each group in order. The side
    jobs (the AI enqueue: one LPUSH, ai/enqueue.py) are handed to their thread first, so the AI
    pipeline's clock does not wait for the broadcasts' Redis round trip."""
    if not box:
        return
    layer = get_channel_layer()
    if layer is None:
        if box.jobs:
            _run_jobs(box.jobs)
        return
    if box.jobs:
        asyncio.get_running_loop().run_in_executor(_jobs_executor(), _run_jobs, list(box.jobs))
    by_group: dict[str, list[dict[str, Any]]] = {}
    for group, event in box.sends:
        by_group.setdefault(group, []).append(event)
    await asyncio.gather(*(_send_group(layer, g, evs) for g, evs in by_group.items()))
    for workspace_id, conversation_ids in box.inbox.items():
        _inbox_batcher(layer).note(workspace_id, conversation_ids)


@lru_cache(maxsize=1)
def _jobs_executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="chat-jobs")


def _run_jobs(jobs: list[Callable[[], object]]) -> None:
    for job in jobs:
        try:
            job()
        except Exception:  # e.g. the broker is down: the message itself is stored
            logger.exception("after-commit job %r failed", job)


# ---------------------------------------------------------------- message events


def message_created_on_commit(
    *,
    workspace_id: int,
    conversation_id: int,
    payload: dict[str, Any],
    private: bool,
    prev_public_seq: int,
) -> None:
    """``payload`` is the operator form of the message (it carries ``private``);
    ``prev_public_seq`` is the seq of the visitor-visible message before this one."""
    send_on_commit(
        ops_group(workspace_id, conversation_id),
        {"type": "chat.message", **payload, "prev_seq": payload["seq"] - 1},
    )
    if not private:
        public = {k: v for k, v in payload.items() if k != "private"}
        send_on_commit(
            visitor_group(workspace_id, conversation_id),
            {"type": "chat.message", **public, "prev_seq": prev_public_seq},
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


# ---------------------------------------------------------------- inbox rows


def inbox_event(workspace_id: int, conversation_ids: set[int]) -> dict[str, Any]:
    """The ``chat.inbox`` event for these conversations, read in the workspace scope."""
    from tenants.scope import workspace_scope

    from . import selectors

    with workspace_scope(workspace_id):
        feed = selectors.inbox_feed(conversation_ids)
    # Receivers encode the rows once per event and process (selectors.inbox_frame_text).
    return {"type": "chat.inbox", "batch": secrets.token_hex(8), **feed}


def _send_inbox_now(workspace_id: int, conversation_id: int) -> None:
    try:
        event = inbox_event(workspace_id, {conversation_id})
    except Exception:
        logger.exception("inbox rows of workspace %s could not be read", workspace_id)
        return
    if event["rows"]:
        _send_now(inbox_group(workspace_id), event)


def inbox_changed_on_commit(*, workspace_id: int, conversation_id: int) -> None:
    """An inbox row changed: every operator socket of the workspace gets the new row with its
    own unread count (batched in a Daphne process, see module doc)."""
    box = _outbox.get()
    if box is not None and box.committed:
        box.inbox.setdefault(workspace_id, set()).add(conversation_id)
    elif box is not None:
        transaction.on_commit(
            lambda: box.inbox.setdefault(workspace_id, set()).add(conversation_id)
        )
    else:
        transaction.on_commit(lambda: _send_inbox_now(workspace_id, conversation_id))


class InboxBatcher:
    """Per process and event loop: leading edge at once, then at most one send per workspace per
    ``INBOX_BATCH_SECONDS`` with every conversation marked meanwhile."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.pending: dict[int, set[int]] = {}
        self.running: set[int] = set()

    def note(self, workspace_id: int, conversation_ids: set[int]) -> None:
        self.pending.setdefault(workspace_id, set()).update(conversation_ids)
        if workspace_id not in self.running:
            self.running.add(workspace_id)
            asyncio.get_running_loop().create_task(self._drain(workspace_id))

    async def _drain(self, workspace_id: int) -> None:
        try:
            while self.pending.get(workspace_id):
                conversation_ids = self.pending.pop(workspace_id)
                await self._send(workspace_id, conversation_ids)
                await asyncio.sleep(INBOX_BATCH_SECONDS)
        finally:
            self.running.discard(workspace_id)

    async def _send(self, workspace_id: int, conversation_ids: set[int]) -> None:
        from .consumers.base import db_call

        try:
            event = await db_call(inbox_event, workspace_id, conversation_ids)
            if event["rows"]:
                await self.layer.group_send(inbox_group(workspace_id), event)
        except Exception:  # rows are re-read on the next change or page load
            logger.exception("inbox update for workspace %s failed", workspace_id)


#: One batcher per event loop (weak: a closed loop takes its batcher and pending work along).
_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, InboxBatcher] = (
    weakref.WeakKeyDictionary()
)


def _inbox_batcher(layer: Any) -> InboxBatcher:
    loop = asyncio.get_running_loop()
    batcher = _batchers.get(loop)
    if batcher is None or batcher.layer is not layer:
        batcher = _batchers[loop] = InboxBatcher(layer)
    return batcher


# ---------------------------------------------------------------- ephemeral events


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
