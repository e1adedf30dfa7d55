"""Shared pieces of the chat tests: two tenants whose brands allow the same origin, sessions
and messages made through the real services, socket clients on the real ASGI application (the
real Redis channel layer from settings), and snapshots for "nothing changed" checks."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from chat.models import Conversation, ConversationRead, Message, Visitor
from chat.services import (
    VisitorSession,
    message_create,
    message_create_from_visitor,
    visitor_session_open,
)
from tenants.models import Brand, Workspace
from tenants.scope import platform_scope, workspace_scope
from tests.tenants.api_helpers import Tenant, make_tenant

ORIGIN = "https://shop.example.com"
STAFF_ORIGIN = "http://testserver"
TIMEOUT = 3


def chat_tenant(label: str) -> Tenant:
    """make_tenant, with the brand's allowed origins set to ORIGIN (both tenants share it, so a
    refusal in a cross-workspace test is about the workspace and not the origin)."""
    tenant = make_tenant(label)
    with workspace_scope(tenant.workspace.pk):
        Brand.objects.filter(pk=tenant.brand.pk).update(allowed_origins=[ORIGIN])
    tenant.brand.allowed_origins = [ORIGIN]
    return tenant


def open_session(brand: Brand, **fields: Any) -> VisitorSession:
    with workspace_scope(brand.workspace_id):
        return visitor_session_open(brand=brand, **fields)


def visitor_says(session: VisitorSession, body: str, client_id: str) -> Message:
    with workspace_scope(session.visitor.workspace_id):
        return message_create_from_visitor(
            visitor=session.visitor, client_id=client_id, body=body
        ).message


def wait_for_background_db_work() -> None:
    """Let the consumers' DB threads and after-commit thread finish what a test left running
    (an inbox batch, an AI enqueue): a query still in flight when the test database is flushed
    can deadlock the flush's TRUNCATE."""
    from chat import events
    from chat.consumers import base

    for executor in (base._executor, events._jobs_executor):
        if executor.cache_info().currsize:
            executor().shutdown(wait=True)
            executor.cache_clear()


async_open_session = sync_to_async(open_session)
async_visitor_says = sync_to_async(visitor_says)


def operator_says(conversation: Conversation, user: Any, body: str, **fields: Any) -> Message:
    with workspace_scope(conversation.workspace_id):
        return message_create(
            conversation=conversation, sender="operator", sender_user=user, body=body, **fields
        ).message


def set_status(workspace: Workspace, status: str) -> None:
    Workspace.objects.filter(pk=workspace.pk).update(status=status)


def chat_snapshot() -> dict[str, list[Any]]:
    """Every chat row of every workspace."""
    with platform_scope("test: snapshot every chat row"):
        return {
            "visitors": list(Visitor.objects.unscoped().order_by("pk").values()),
            "conversations": list(Conversation.objects.unscoped().order_by("pk").values()),
            "messages": list(Message.objects.unscoped().order_by("pk").values()),
            "reads": list(ConversationRead.objects.unscoped().order_by("pk").values()),
        }


def stored_bodies(conversation_id: int) -> list[tuple[int, str]]:
    with platform_scope("test: read a conversation's messages"):
        return list(
            Message.objects.unscoped()
            .filter(conversation_id=conversation_id)
            .order_by("seq")
            .values_list("seq", "body")
        )


def message_count() -> int:
    with platform_scope("test: count messages"):
        return Message.objects.unscoped().count()


# ---------------------------------------------------------------- sockets


def _application() -> Any:
    from supportdesk.asgi import application

    return application


def visitor_socket(widget_key: str, origin: str | None = ORIGIN) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode())] if origin is not None else []
    return WebsocketCommunicator(_application(), f"/ws/widget/{widget_key}/", headers=headers)


async def operator_socket(
    user: Any, slug: str, origin: str = STAFF_ORIGIN
) -> WebsocketCommunicator:
    """A signed-in browser session's socket (the session cookie, as a page would send it)."""
    cookie = ""
    if user is not None:
        client = Client()
        await sync_to_async(client.force_login)(user)
        cookie = f"sessionid={client.cookies['sessionid'].value}"
    headers = [(b"origin", origin.encode()), (b"cookie", cookie.encode())]
    return WebsocketCommunicator(_application(), f"/ws/inbox/{slug}/", headers=headers)


async def connected_visitor(
    widget_key: str, token: str, last_seq: int = 0
) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    """A visitor socket after hello; returns it and the welcome frame."""
    socket = visitor_socket(widget_key)
    connected, code = await socket.connect(timeout=TIMEOUT)
    assert connected, code
    await socket.send_json_to({"type": "hello", "token": token, "last_seq": last_seq, "v": 1})
    welcome = await socket.receive_json_from(timeout=TIMEOUT)
    assert welcome["type"] == "welcome", welcome
    return socket, welcome


async def next_of(socket: WebsocketCommunicator, frame_type: str) -> dict[str, Any]:
    """The next frame of ``frame_type``, skipping others (inbox rows arrive in between)."""
    for _ in range(50):
        frame = await socket.receive_json_from(timeout=TIMEOUT)
        if frame["type"] == frame_type:
            return dict(frame)
    raise AssertionError(f"no {frame_type} frame")


async def frames_until_quiet(socket: WebsocketCommunicator, quiet: float = 0.4) -> list[Any]:
    frames = []
    while not await socket.receive_nothing(timeout=quiet):
        frames.append(await socket.receive_json_from(timeout=TIMEOUT))
    return frames
