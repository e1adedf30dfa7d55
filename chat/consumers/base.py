"""What both sockets share: frame parsing and limits, error frames, and the workspace scope.

Every DB call goes through ``in_scope``: it runs a sync function in Django's DB thread with
``workspace_scope`` bound there (context variables set on the event loop do not follow a call
into that thread reliably, and the transaction-local setting must live in the thread's own
transaction).

DB calls run on a small thread pool of their own (``CHAT_DB_THREADS``, default 4), not Channels'
single DB thread, so one slow call does not hold up every socket of the process; each call uses
its own connection (from the psycopg pool under Daphne) and closes it afterwards. Events the call
commits are collected and sent from the event loop afterwards (``events.collect`` / ``flush``).
Because calls run concurrently, events of one conversation can arrive out of order: ``SeqGate``
holds a message whose ``prev_seq`` has not been delivered and, if the gap is not filled by the
channel layer within ``GAP_WAIT_SECONDS``, the consumer reads the missing messages from the DB.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, ClassVar, TypeVar

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import close_old_connections

from tenants.errors import ServiceError, WorkspaceUnavailable
from tenants.scope import workspace_scope
from tenants.selectors import NotFound

from .. import events
from ..layer import PubSubChannelLayer
from ..services import CLIENT_ID_RE

logger = logging.getLogger("chat.consumers")

T = TypeVar("T")

MAX_FRAME_BYTES = 64 * 1024
PROTOCOL_VERSIONS = (1,)


class FrameInvalid(Exception):
    """A field is missing or has the wrong type or format."""


#: A message waits this long for a missing earlier one before the gap is read from the DB.
GAP_WAIT_SECONDS = 0.05


@lru_cache(maxsize=1)
def _executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(
        max_workers=getattr(settings, "CHAT_DB_THREADS", 4), thread_name_prefix="chat-db"
    )


def _plain_call(func: Callable[..., T], args: Any, kwargs: Any) -> T:
    close_old_connections()
    try:
        return func(*args, **kwargs)
    finally:
        close_old_connections()


def _scoped_call(
    workspace_id: int | None, func: Callable[..., T], args: Any, kwargs: Any
) -> tuple[T, events.Outbox]:
    close_old_connections()
    try:
        with events.collect() as outbox:
            if workspace_id is None:
                result = func(*args, **kwargs)
            else:
                with workspace_scope(workspace_id):
                    result = func(*args, **kwargs)
        return result, outbox
    finally:
        close_old_connections()


async def db_call(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``func`` on the chat DB threads (no scope bound: ``func`` binds what it needs)."""
    call = sync_to_async(_plain_call, thread_sensitive=False, executor=_executor())
    return await call(func, args, kwargs)


class SeqGate:
    """One conversation's delivery on one socket: in seq order, each seq once, no gaps.

    ``offer`` takes a live message (with ``prev_seq``) and returns what can be delivered now;
    a message whose predecessor is missing waits in ``held`` until it arrives or the consumer
    fills the gap from the DB (``fill``)."""

    def __init__(self, delivered: int) -> None:
        self.delivered = delivered
        self.held: dict[int, dict[str, Any]] = {}

    def offer(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        if payload["seq"] <= self.delivered:
            return []
        self.held[payload["seq"]] = {"prev_seq": 0, **payload}
        return self._release()

    def _release(self) -> list[dict[str, Any]]:
        ready: list[dict[str, Any]] = []
        while True:
            releasable = [p for p in self.held.values() if p["prev_seq"] <= self.delivered]
            if not releasable:
                return ready
            payload = min(releasable, key=lambda p: p["seq"])
            del self.held[payload["seq"]]
            if payload["seq"] > self.delivered:
                ready.append(payload)
                self.delivered = payload["seq"]

    def fill(self, stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Messages read from the DB after ``delivered`` (in seq order): deliver them, drop the
        held ones they cover, and release whatever follows."""
        ready: list[dict[str, Any]] = []
        for payload in stored:
            if payload["seq"] > self.delivered:
                ready.append(payload)
                self.delivered = payload["seq"]
        for seq in [s for s in self.held if s <= self.delivered]:
            del self.held[seq]
        return ready + self._release()

    @property
    def waiting(self) -> bool:
        return bool(self.held)


def header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def int_field(content: dict[str, Any], name: str, *, default: int | None = None) -> int:
    value = content.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        raise FrameInvalid(f"{name} must be a whole number >= 0.")
    return value


def bool_field(content: dict[str, Any], name: str, *, default: bool | None = None) -> bool:
    value = content.get(name, default)
    if not isinstance(value, bool):
        raise FrameInvalid(f"{name} must be true or false.")
    return value


def id_field(content: dict[str, Any], name: str) -> int:
    value = content.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**63:
        raise FrameInvalid(f"{name} must be a positive whole number.")
    return value


#: Typing notices: the same state is forwarded at most once per this many seconds, and at most
#: TYPING_BURST notices per TYPING_WINDOW seconds per socket; extra ones are dropped silently
#: (typing is ephemeral, nothing is stored, so nothing is lost).
TYPING_REPEAT_SECONDS = 2.0
TYPING_BURST = 10
TYPING_WINDOW = 10.0


class _ReceiveFailed:
    """Put in a consumer's queue when the server's ``receive`` raised: the loop re-raises."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


async def _pump(receive: Callable[[], Any], queue: asyncio.Queue[Any]) -> None:
    """The socket's frames (dicts from the ASGI server) into the queue the layer fills."""
    try:
        while True:
            queue.put_nowait(await receive())
    except asyncio.CancelledError:
        raise
    except BaseException as exc:
        queue.put_nowait(_ReceiveFailed(exc))


class ChatConsumer(AsyncJsonWebsocketConsumer):
    """Subclasses map frame types to handler names in ``frames`` and set ``workspace_id``."""

    frames: ClassVar[dict[str, str]] = {}
    workspace_id: int

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Channels' ``AsyncConsumer.__call__`` with one queue instead of ``await_many_dispatch``.

        Channels waits on the socket and on the layer with a new task per item and an
        ``asyncio.wait`` over both per event (measured: 6 % of Daphne's CPU under load). Here
        the layer (chat/layer.py) delivers group events straight into the channel's queue, one
        long-lived task copies the socket's frames into the same queue, and the consumer takes
        both from there, each source in its own order. Another layer: Channels' way."""
        layer = get_channel_layer(self.channel_layer_alias)
        if not isinstance(layer, PubSubChannelLayer):
            await super().__call__(scope, receive, send)
            return
        self.scope = scope
        self.channel_layer = layer
        self.channel_name = await layer.new_channel()
        self.channel_receive = functools.partial(layer.receive, self.channel_name)
        self.base_send = send
        queue = layer.channel_queue(self.channel_name)
        pump = asyncio.get_running_loop().create_task(_pump(receive, queue))
        try:
            while True:
                item = await queue.get()
                if type(item) is dict:
                    await self.dispatch(item)
                elif isinstance(item, _ReceiveFailed):
                    raise item.error
                else:
                    await self.dispatch(layer.deserialize(item))
        except StopConsumer:
            pass
        finally:
            pump.cancel()
            await layer.close_channel(self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch, minus its ``aclose_old_connections()`` before every handler: that
        is a hop to Channels' DB thread for every frame and every group event (measured: 8.5 %
        of Daphne's CPU under load, and a thread hand-over in every message's latency). These
        consumers never use a Django connection on the event loop: each DB call opens and closes
        its own on a chat DB thread (``_plain_call`` / ``_scoped_call``)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def in_scope(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``func`` in the workspace scope on a chat DB thread, then send what it
        committed."""
        call = sync_to_async(_scoped_call, thread_sensitive=False, executor=_executor())
        result, outbox = await call(self.workspace_id, func, args, kwargs)
        await events.flush(outbox)
        return result

    async def unscoped(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Like ``in_scope`` for a ``func`` that binds the workspace itself (its scope, or a
        statement that sets it, as chat_visitor_message() does): no transaction is opened
        around it, so a one-statement write is one round trip."""
        call = sync_to_async(_scoped_call, thread_sensitive=False, executor=_executor())
        result, outbox = await call(None, func, args, kwargs)
        await events.flush(outbox)
        return result

    async def send_error(self, code: str, message: str, ref: object = None, **extra: Any) -> None:
        await self.send_json(
            {"type": "error", "code": code, "message": message, "ref": ref, **extra}
        )

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > MAX_FRAME_BYTES:
            await self.send_error(
                "frame_too_large", f"A frame is at most {MAX_FRAME_BYTES // 1024} KB."
            )
            await self.close(code=1009)
            return
        if text_data is None:
            await self.send_error("bad_json", "Frames are JSON text, not binary.")
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
            content = None
        if not isinstance(content, dict):
            await self.send_error("bad_json", "A frame is one JSON object.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        kind = content.get("type")
        handler_name = self.frames.get(kind) if isinstance(kind, str) else None
        ref = kind if isinstance(kind, str) and len(kind) <= 64 else None
        if handler_name is None:
            await self.send_error(
                "unknown_type",
                f"Unknown frame type; expected one of: {', '.join(self.frames)}.",
                ref,
            )
            return
        if not await self.frame_allowed(kind):  # type: ignore[arg-type]
            return
        client_id = content.get("client_id")
        if isinstance(client_id, str) and CLIENT_ID_RE.fullmatch(client_id):
            ref = client_id
        try:
            await getattr(self, handler_name)(content)
        except FrameInvalid as exc:
            await self.send_error("invalid", str(exc), ref)
        except NotFound:
            await self.send_error("not_found", "No such conversation.", ref)
        except WorkspaceUnavailable as exc:
            await self.workspace_unavailable(exc)
        except ServiceError as exc:
            await self.send_error(exc.code, exc.message, ref)

    async def frame_allowed(self, kind: str) -> bool:
        return True

    async def workspace_unavailable(self, exc: WorkspaceUnavailable) -> None:
        await self.send_error("workspace_suspended", exc.message)
        await self.close(code=4403)

    def typing_allowed(self, conversation_id: int, active: bool) -> bool:
        now = time.monotonic()
        last: dict[int, tuple[bool, float]] = self.__dict__.setdefault("_typing_last", {})
        recent: deque[float] = self.__dict__.setdefault("_typing_recent", deque())
        previous = last.get(conversation_id)
        repeat = previous is not None and previous[0] == active
        if repeat and now - previous[1] < TYPING_REPEAT_SECONDS:  # type: ignore[index]
            return False
        while recent and now - recent[0] > TYPING_WINDOW:
            recent.popleft()
        if len(recent) >= TYPING_BURST:
            return False
        recent.append(now)
        last[conversation_id] = (active, now)
        return True

    async def on_ping(self, content: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})

    @staticmethod
    def frame(event: dict[str, Any], frame_type: str) -> dict[str, Any]:
        return {"type": frame_type, **{k: v for k, v in event.items() if k != "type"}}
