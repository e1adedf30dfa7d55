"""What both sockets share: frame parsing and limits, error frames, and the workspace scope.

Every DB call goes through ``in_scope``: it runs a sync function in Django's DB thread with
``workspace_scope`` bound there (context variables set on the event loop do not follow a call
into that thread reliably, and the transaction-local setting must live in the thread's own
transaction).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from tenants.errors import ServiceError, WorkspaceUnavailable
from tenants.scope import workspace_scope
from tenants.selectors import NotFound

from ..services import CLIENT_ID_RE

logger = logging.getLogger("chat.consumers")

T = TypeVar("T")

MAX_FRAME_BYTES = 64 * 1024
PROTOCOL_VERSIONS = (1,)


class FrameInvalid(Exception):
    """A field is missing or has the wrong type or format."""


def _scoped_call(workspace_id: int, func: Callable[..., T], args: Any, kwargs: Any) -> T:
    with workspace_scope(workspace_id):
        return func(*args, **kwargs)


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


class ChatConsumer(AsyncJsonWebsocketConsumer):
    """Subclasses map frame types to handler names in ``frames`` and set ``workspace_id``."""

    frames: ClassVar[dict[str, str]] = {}
    workspace_id: int

    async def in_scope(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await database_sync_to_async(_scoped_call)(self.workspace_id, func, args, kwargs)

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

    async def on_ping(self, content: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})

    @staticmethod
    def frame(event: dict[str, Any], frame_type: str) -> dict[str, Any]:
        return {"type": frame_type, **{k: v for k, v in event.items() if k != "type"}}
