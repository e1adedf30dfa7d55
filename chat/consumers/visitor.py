"""The widget's socket: /ws/widget/<widget_key>/ (docs/protocol.md, "Visitor")."""

from __future__ import annotations

import asyncio
from typing import Any

from tenants import events as tenant_events
from tenants.models import Brand, Workspace
from tenants.scope import workspace_scope
from tenants.selectors import NotFound, brand_for_widget_key

from .. import events, fastpath, selectors, services, tokens
from .base import (
    GAP_WAIT_SECONDS,
    PROTOCOL_VERSIONS,
    ChatConsumer,
    SeqGate,
    bool_field,
    db_call,
    header,
    int_field,
    logger,
)


def _brand(widget_key: str) -> Brand | None:
    try:
        return brand_for_widget_key(widget_key)
    except NotFound:
        return None


def _hello(claims: tokens.VisitorClaims, brand: Brand) -> dict[str, Any]:
    """Runs in the workspace scope: the workspace's current state, the visitor, the conversation."""
    workspace = Workspace.objects.get(pk=brand.workspace_id)
    if not workspace.is_active:
        return {"workspace_active": False}
    visitor = selectors.access_visitor_for_token(claims=claims, brand=brand)
    conversation = selectors.conversation_for_visitor(visitor)
    return {
        "workspace_active": True,
        "conversation_id": conversation.pk if conversation else None,
    }


def _replay(visitor_id: int, conversation_id: int, after_seq: int) -> dict[str, Any]:
    visitor = selectors.access_visitor(visitor_id)
    conversation = selectors.access_conversation(conversation_id)
    if conversation.visitor_id != visitor.pk:
        raise NotFound
    messages = selectors.messages_after(conversation, after_seq, include_private=False)
    return {
        "conversation": selectors.conversation_brief(conversation),
        "messages": [selectors.visitor_message_payload(m, visitor=visitor) for m in messages],
    }


def _current_conversation_id(visitor_id: int) -> int | None:
    conversation = selectors.conversation_for_visitor(selectors.access_visitor(visitor_id))
    return conversation.pk if conversation is not None else None


def _send(
    workspace_id: int, visitor_id: int, client_id: str, body: str, tried_fast: bool
) -> dict[str, Any]:
    """Runs with no scope bound (ChatConsumer.unscoped): unless the event loop already tried it
    (``tried_fast``, chat/fastpath.py), the common case is one statement that binds the
    workspace itself; otherwise, and for a first message, the full path in the scope. Both
    apply the send limit (``services.SendRateLimited``)."""
    limits = services.visitor_send_limits()
    result = None
    if not tried_fast:
        result = services.message_create_from_visitor_fast(
            workspace_id=workspace_id,
            visitor_id=visitor_id,
            client_id=client_id,
            body=body,
            limits=limits,
        )
    if result is None:
        with workspace_scope(workspace_id):
            result = services.message_create_from_visitor(
                visitor_id=visitor_id,
                client_id=client_id,
                body=body,
                try_fast=False,
                limits=limits,
            )
    return {
        "seq": result.message.seq,
        "duplicate": result.duplicate,
        "conversation_id": result.conversation.pk,
    }


class VisitorConsumer(ChatConsumer):
    frames = {
        "hello": "on_hello",
        "send": "on_send",
        "typing": "on_typing",
        "ack": "on_ack",
        "ping": "on_ping",
    }

    brand: Brand
    visitor_id: int | None = None
    conversation_id: int | None = None
    delivered_seq = 0
    gate: SeqGate | None = None

    async def connect(self) -> None:
        widget_key = self.scope["url_route"]["kwargs"]["widget_key"]
        origin = header(self.scope, b"origin")
        brand = await db_call(_brand, widget_key)
        if brand is None:
            logger.warning("widget socket refused: unknown widget key %s…", widget_key[:10])
            await self.close(code=4403)
            return
        if not origin or origin not in brand.allowed_origins:
            logger.warning(
                "widget socket refused: origin %r not allowed for brand %s", origin, brand.pk
            )
            await self.close(code=4403)
            return
        if brand.workspace.is_terminated:
            logger.info("widget socket refused: workspace %s terminated", brand.workspace_id)
            await self.close(code=4403)
            return
        self.brand, self.workspace_id = brand, brand.workspace_id
        await self.accept()
        await self.channel_layer.group_add(
            tenant_events.workspace_group(self.workspace_id), self.channel_name
        )
        if brand.workspace.is_suspended:
            await self.send_error(
                "workspace_suspended", "This chat is paused: the workspace is suspended."
            )
            await self.close(code=4403)

    async def frame_allowed(self, kind: str) -> bool:
        if kind == "hello" or self.visitor_id is not None:
            return True
        await self.send_error("not_authenticated", "Send hello with your token first.", kind)
        await self.close(code=4401)
        return False

    async def on_hello(self, content: dict[str, Any]) -> None:
        if self.visitor_id is not None:
            await self.send_error("invalid", "hello was already sent on this socket.", "hello")
            return
        version = content.get("v", 1)
        if version not in PROTOCOL_VERSIONS or isinstance(version, bool):
            await self.send_error(
                "version",
                "Unsupported protocol version; this server speaks "
                + ", ".join(str(v) for v in PROTOCOL_VERSIONS),
            )
            await self.close(code=4400)
            return
        last_seq = int_field(content, "last_seq", default=0)
        claims = tokens.visitor_token_read(content.get("token"))
        if claims is None or claims.brand_id != self.brand.pk:
            await self.send_error(
                "not_authenticated", "The token is not valid here: start a new session.", "hello"
            )
            await self.close(code=4401)
            return
        try:
            state = await self.in_scope(_hello, claims, self.brand)
        except NotFound:
            await self.send_error(
                "not_authenticated", "The token is not valid here: start a new session.", "hello"
            )
            await self.close(code=4401)
            return
        if not state["workspace_active"]:
            await self.send_error(
                "workspace_suspended", "This chat is paused: the workspace is suspended."
            )
            await self.close(code=4403)
            return
        self.visitor_id, self.delivered_seq = claims.visitor_id, last_seq
        await self.channel_layer.group_add(
            events.visitor_tabs_group(self.workspace_id, claims.visitor_id), self.channel_name
        )
        conversation: dict[str, Any] | None = None
        messages: list[dict[str, Any]] = []
        if state["conversation_id"] is not None:
            conversation, messages = await self._join_conversation(state["conversation_id"])
        await self.send_json(
            {"type": "welcome", "v": 1, "conversation": conversation, "replayed": len(messages)}
        )
        await self._deliver(messages)

    async def _join_conversation(
        self, conversation_id: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Join the conversation's group first, then read: nothing committed in between is lost
        (duplicates are dropped by seq)."""
        assert self.visitor_id is not None
        self.conversation_id = conversation_id
        self.gate = SeqGate(self.delivered_seq)
        await self.channel_layer.group_add(
            events.visitor_group(self.workspace_id, conversation_id), self.channel_name
        )
        replay = await self.in_scope(_replay, self.visitor_id, conversation_id, self.delivered_seq)
        return replay["conversation"], replay["messages"]

    async def _deliver(self, messages: list[dict[str, Any]]) -> None:
        """Messages read from the DB (replay or gap fill), in seq order."""
        if self.gate is not None:
            await self._send_messages(self.gate.fill(messages))

    async def _send_messages(self, payloads: list[dict[str, Any]]) -> None:
        for payload in payloads:
            await self.send_json(
                {"type": "message", **{k: v for k, v in payload.items() if k != "prev_seq"}}
            )
            self.delivered_seq = payload["seq"]

    async def on_send(self, content: dict[str, Any]) -> None:
        assert self.visitor_id is not None
        client_id = services.clean_client_id(content.get("client_id"))
        body = services.clean_body(content.get("body"))
        try:
            result = await self._send_fast(client_id, body)
            if result is None:
                result = await self.unscoped(
                    _send, self.workspace_id, self.visitor_id, client_id, body, fastpath.enabled()
                )
        except services.SendRateLimited as exc:
            await self.send_error(exc.code, exc.message, client_id, retry_after=exc.retry_after)
            return
        await self.send_json(
            {
                "type": "sent",
                "client_id": client_id,
                "seq": result["seq"],
                "duplicate": result["duplicate"],
            }
        )
        if self.conversation_id is None:
            _conversation, messages = await self._join_conversation(result["conversation_id"])
            await self._deliver(messages)

    async def _send_fast(self, client_id: str, body: str) -> dict[str, Any] | None:
        """The common case on the event loop (chat/fastpath.py); None: take the full path."""
        assert self.visitor_id is not None
        if not fastpath.enabled():
            return None
        outcome = await fastpath.visitor_message(
            workspace_id=self.workspace_id,
            visitor_id=self.visitor_id,
            client_id=client_id,
            body=body,
            limits=services.visitor_send_limits(),
        )
        if outcome is None:
            return None
        answer, outbox = outcome
        await events.flush(outbox)
        return {
            "seq": answer.seq,
            "duplicate": answer.duplicate,
            "conversation_id": answer.conversation_id,
        }

    async def on_typing(self, content: dict[str, Any]) -> None:
        active = bool_field(content, "active")
        if self.conversation_id is not None and self.typing_allowed(self.conversation_id, active):
            await events.typing_send(
                workspace_id=self.workspace_id,
                conversation_id=self.conversation_id,
                sender="visitor",
                active=active,
            )

    async def on_ack(self, content: dict[str, Any]) -> None:
        int_field(content, "seq")  # validated; the widget's read position is not stored yet

    # ------------------------------------------------------------ group events

    async def chat_message(self, event: dict[str, Any]) -> None:
        if event.get("private") is not None:  # the visitor group never carries notes; be sure
            logger.error("a message with a private flag reached a visitor socket: dropped")
            return
        if event.get("conversation_id") != self.conversation_id or self.gate is None:
            return
        payload = {k: v for k, v in event.items() if k != "type"}
        await self._send_messages(self.gate.offer(payload))
        if self.gate.waiting:
            asyncio.get_running_loop().create_task(self._gap_check_later())

    async def _gap_check_later(self) -> None:
        """A message is held for a missing earlier one: ask ourselves (through the channel
        layer, so it runs in order with the other events) to fill the gap a moment later."""
        await asyncio.sleep(GAP_WAIT_SECONDS)
        try:
            await self.channel_layer.send(
                self.channel_name,
                {"type": "chat.gap_check", "conversation_id": self.conversation_id},
            )
        except Exception:  # the channel layer is down: the socket reconnects and replays
            logger.warning("gap check for a visitor socket could not be queued")

    async def chat_gap_check(self, event: dict[str, Any]) -> None:
        if self.gate is None or not self.gate.waiting or self.visitor_id is None:
            return
        if event.get("conversation_id") != self.conversation_id:
            return
        replay = await self.in_scope(
            _replay, self.visitor_id, self.conversation_id, self.gate.delivered
        )
        await self._deliver(replay["messages"])

    async def chat_layer_recovered(self, event: dict[str, Any]) -> None:
        """The channel layer lost events while it was down (chat/layer.py): re-read."""
        if self.visitor_id is None:
            return
        if self.conversation_id is None:
            conversation_id = await self.in_scope(_current_conversation_id, self.visitor_id)
            if conversation_id is not None:
                _conversation, messages = await self._join_conversation(conversation_id)
                await self._deliver(messages)
            return
        assert self.gate is not None
        replay = await self.in_scope(
            _replay, self.visitor_id, self.conversation_id, self.gate.delivered
        )
        await self._deliver(replay["messages"])
        brief = replay["conversation"]
        await self.send_json(
            {"type": "status", "conversation_id": brief["id"], "status": brief["status"]}
        )

    async def tenant_access_changed(self, event: dict[str, Any]) -> None:
        """tenants/events.py: a suspended or terminated workspace's chat closes at once."""
        if event.get("workspace_status") in ("suspended", "terminated"):
            await self.send_error(
                "workspace_suspended", "This chat is paused: the workspace is suspended."
            )
            await self.close(code=4403)

    async def chat_conversation_started(self, event: dict[str, Any]) -> None:
        if self.conversation_id is None:
            _conversation, messages = await self._join_conversation(event["conversation_id"])
            await self._deliver(messages)

    async def chat_status(self, event: dict[str, Any]) -> None:
        if event.get("conversation_id") == self.conversation_id:
            await self.send_json(self.frame(event, "status"))

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event.get("sender") in ("operator", "ai_agent"):
            await self.send_json(
                {"type": "typing", "sender": event["sender"], "active": event["active"]}
            )

    async def disconnect(self, code: int) -> None:
        if getattr(self, "workspace_id", None) is None:
            return
        await self.channel_layer.group_discard(
            tenant_events.workspace_group(self.workspace_id), self.channel_name
        )
        if self.visitor_id is None:
            return
        await self.channel_layer.group_discard(
            events.visitor_tabs_group(self.workspace_id, self.visitor_id), self.channel_name
        )
        if self.conversation_id is not None:
            await self.channel_layer.group_discard(
                events.visitor_group(self.workspace_id, self.conversation_id), self.channel_name
            )
