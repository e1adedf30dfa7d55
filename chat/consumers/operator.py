"""The inbox socket: /ws/inbox/<workspace_slug>/ (docs/protocol.md, "Operator").

Session-authenticated (AuthMiddlewareStack in supportdesk/asgi.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from django.contrib.auth import get_user_model

from tenants import events as tenant_events
from tenants.scope import user_scope
from tenants.selectors import NotFound, access_workspace

from .. import events, selectors, services
from .base import (
    GAP_WAIT_SECONDS,
    ChatConsumer,
    SeqGate,
    bool_field,
    db_call,
    id_field,
    int_field,
    logger,
)


def _membership(user: Any, slug: str) -> tuple[int, bool] | None:
    """(workspace id, terminated) of a workspace the user belongs to; None otherwise."""
    with user_scope(user.pk):
        try:
            workspace, _membership = access_workspace(user, slug)
        except NotFound:
            return None
    return workspace.pk, workspace.is_terminated


def _subscribe(conversation_id: int, after_seq: int) -> dict[str, Any]:
    conversation = selectors.access_conversation(conversation_id)
    messages = selectors.messages_after(conversation, after_seq, include_private=True)
    return {
        "last_seq": conversation.last_seq,
        "messages": [selectors.message_payload(m, visitor=conversation.visitor) for m in messages],
    }


def _access(conversation_id: int) -> None:
    selectors.access_conversation(conversation_id)


def _send(
    user_id: int, conversation_id: int, client_id: str, body: str, private: bool
) -> dict[str, Any]:
    conversation = selectors.access_conversation(conversation_id)
    user = get_user_model().objects.get(pk=user_id)
    result = services.message_create_from_operator(
        conversation=conversation, user=user, client_id=client_id, body=body, private=private
    )
    return {"seq": result.message.seq, "duplicate": result.duplicate}


def _ack(user_id: int, conversation_id: int, seq: int) -> dict[str, Any] | None:
    conversation = selectors.access_conversation(conversation_id)
    services.conversation_mark_read(conversation=conversation, user_id=user_id, seq=seq)
    return selectors.inbox_row(conversation_id=conversation_id, user_id=user_id)


class OperatorConsumer(ChatConsumer):
    frames = {
        "subscribe": "on_subscribe",
        "unsubscribe": "on_unsubscribe",
        "send": "on_send",
        "typing": "on_typing",
        "ack": "on_ack",
        "ping": "on_ping",
    }

    user_id: int

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        slug = self.scope["url_route"]["kwargs"]["workspace_slug"]
        found = await db_call(_membership, user, slug)
        if found is None:
            logger.info("inbox socket refused: user %s is not a member of %r", user.pk, slug)
            await self.close(code=4404)
            return
        workspace_id, terminated = found
        if terminated:
            await self.close(code=4403)
            return
        self.workspace_id, self.user_id = workspace_id, user.pk
        #: conversation id -> its delivery state on this socket (see SeqGate)
        self.subscriptions: dict[int, SeqGate] = {}
        await self.channel_layer.group_add(events.inbox_group(workspace_id), self.channel_name)
        for group in self._access_groups():
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def on_subscribe(self, content: dict[str, Any]) -> None:
        conversation_id = id_field(content, "conversation_id")
        after_seq = int_field(content, "last_seq", default=0)
        group = events.ops_group(self.workspace_id, conversation_id)
        # Join first, then read: nothing committed in between is lost (duplicates dropped by seq).
        await self.channel_layer.group_add(group, self.channel_name)
        try:
            state = await self.in_scope(_subscribe, conversation_id, after_seq)
        except NotFound:
            if conversation_id not in self.subscriptions:
                await self.channel_layer.group_discard(group, self.channel_name)
            raise
        # A (re-)subscribe replays from the client's last_seq; held live messages carry over.
        previous = self.subscriptions.get(conversation_id)
        gate = self.subscriptions[conversation_id] = SeqGate(after_seq)
        if previous is not None:
            gate.held = previous.held
        ready = gate.fill(state["messages"])
        await self.send_json(
            {
                "type": "subscribed",
                "conversation_id": conversation_id,
                "last_seq": state["last_seq"],
                "replayed": len(ready),
            }
        )
        await self._send_messages(ready)

    async def _send_messages(self, payloads: list[dict[str, Any]]) -> None:
        for payload in payloads:
            await self.send_json(
                {"type": "message", **{k: v for k, v in payload.items() if k != "prev_seq"}}
            )

    async def _gap_check_later(self, conversation_id: int) -> None:
        await asyncio.sleep(GAP_WAIT_SECONDS)
        try:
            await self.channel_layer.send(
                self.channel_name, {"type": "chat.gap_check", "conversation_id": conversation_id}
            )
        except Exception:  # the channel layer is down: the socket reconnects and replays
            logger.warning("gap check for an operator socket could not be queued")

    async def chat_gap_check(self, event: dict[str, Any]) -> None:
        conversation_id = event.get("conversation_id")
        gate = self.subscriptions.get(conversation_id)  # type: ignore[arg-type]
        if gate is None or not gate.waiting:
            return
        state = await self.in_scope(_subscribe, conversation_id, gate.delivered)
        await self._send_messages(gate.fill(state["messages"]))

    async def on_unsubscribe(self, content: dict[str, Any]) -> None:
        conversation_id = id_field(content, "conversation_id")
        if self.subscriptions.pop(conversation_id, None) is not None:
            await self.channel_layer.group_discard(
                events.ops_group(self.workspace_id, conversation_id), self.channel_name
            )

    async def on_send(self, content: dict[str, Any]) -> None:
        conversation_id = id_field(content, "conversation_id")
        client_id = services.clean_client_id(content.get("client_id"))
        body = services.clean_body(content.get("body"))
        private = bool_field(content, "private", default=False)
        result = await self.in_scope(_send, self.user_id, conversation_id, client_id, body, private)
        await self.send_json(
            {
                "type": "sent",
                "conversation_id": conversation_id,
                "client_id": client_id,
                "seq": result["seq"],
                "duplicate": result["duplicate"],
            }
        )

    async def on_typing(self, content: dict[str, Any]) -> None:
        conversation_id = id_field(content, "conversation_id")
        active = bool_field(content, "active")
        if conversation_id not in self.subscriptions:
            await self.in_scope(_access, conversation_id)
        if not self.typing_allowed(conversation_id, active):
            return
        await events.typing_send(
            workspace_id=self.workspace_id,
            conversation_id=conversation_id,
            sender="operator",
            active=active,
        )

    async def on_ack(self, content: dict[str, Any]) -> None:
        conversation_id = id_field(content, "conversation_id")
        seq = int_field(content, "seq")
        row = await self.in_scope(_ack, self.user_id, conversation_id, seq)
        if row is not None:
            await self.send_json({"type": "conversation", **row})

    # ------------------------------------------------------------ group events

    async def chat_message(self, event: dict[str, Any]) -> None:
        conversation_id = event.get("conversation_id")
        gate = self.subscriptions.get(conversation_id)  # type: ignore[arg-type]
        if gate is None:
            return
        await self._send_messages(gate.offer({k: v for k, v in event.items() if k != "type"}))
        if gate.waiting:
            asyncio.get_running_loop().create_task(self._gap_check_later(conversation_id))  # type: ignore[arg-type]

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event.get("sender") == "visitor" and event["conversation_id"] in self.subscriptions:
            await self.send_json(self.frame(event, "typing"))

    async def chat_ai(self, event: dict[str, Any]) -> None:
        frame = event.get("frame")
        if event.get("conversation_id") in self.subscriptions and isinstance(frame, dict):
            await self.send_json({**frame, "conversation_id": event["conversation_id"]})

    async def chat_layer_recovered(self, event: dict[str, Any]) -> None:
        """The channel layer lost events while it was down (chat/layer.py): re-read what every
        open conversation may have missed."""
        for conversation_id, gate in list(self.subscriptions.items()):
            try:
                state = await self.in_scope(_subscribe, conversation_id, gate.delivered)
            except NotFound:  # deleted meanwhile
                continue
            await self._send_messages(gate.fill(state["messages"]))

    def _access_groups(self) -> list[str]:
        return [
            tenant_events.workspace_group(self.workspace_id),
            tenant_events.member_group(self.workspace_id, self.user_id),
        ]

    async def tenant_access_changed(self, event: dict[str, Any]) -> None:
        """tenants/events.py: a removed member's or a terminated workspace's inbox closes at
        once (a suspended workspace stays readable for its operators)."""
        if event.get("member_removed") or event.get("workspace_status") == "terminated":
            await self.send_error("forbidden", "You no longer have access to this workspace.")
            await self.close(code=4403)

    async def chat_inbox(self, event: dict[str, Any]) -> None:
        """List rows changed (events.inbox_event): the same rows for every operator, each with
        this operator's unread count."""
        text = selectors.inbox_frame_text(event, self.user_id)
        if text is not None:
            await self.send(text_data=text)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "workspace_id", None) is None:
            return
        await self.channel_layer.group_discard(
            events.inbox_group(self.workspace_id), self.channel_name
        )
        for group in self._access_groups():
            await self.channel_layer.group_discard(group, self.channel_name)
        for conversation_id in list(getattr(self, "subscriptions", {})):
            await self.channel_layer.group_discard(
                events.ops_group(self.workspace_id, conversation_id), self.channel_name
            )
