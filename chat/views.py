"""Inbox pages: the conversation list and one conversation. HTTP in/out only.

Both run inside ``@workspace_view`` (login, membership, scope). Everything the pages show is
plain data built here; bodies reach the browser through Django's autoescaping and, for live
updates, through ``textContent`` in static/inbox/inbox.js.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse

from tenants.doors import workspace_view
from tenants.selectors import NotFound

from . import selectors
from .models import Conversation, ConversationStatus, Message, Visitor

ASSIGNEE_CHOICES = [("mine", "Mine"), ("unassigned", "Unassigned"), ("all", "All")]
STATUS_CHOICES = [(value, label) for value, label in ConversationStatus.choices]
INBOX_PAGE_SIZE = 100
DEFAULT_FILTERS = {"assignee": "all", "status": ConversationStatus.OPEN}


def _filters(request: HttpRequest) -> dict[str, str]:
    """The list filters from the querystring; anything unknown falls back to the default."""
    assignee = request.GET.get("assignee", "")
    status = request.GET.get("status", "")
    return {
        "assignee": assignee if assignee in dict(ASSIGNEE_CHOICES) else DEFAULT_FILTERS["assignee"],
        "status": status if status in ConversationStatus.values else DEFAULT_FILTERS["status"],
    }


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.email or user.get_username())


def _row(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.pk,
        "status": conversation.status,
        "assignee_id": conversation.assignee_id,
        "assignee_label": _person(conversation.assignee),
        "visitor_label": conversation.visitor.display_name,
        "preview": (getattr(conversation, "preview", "") or "")[: selectors.PREVIEW_LENGTH],
        "last_message_at": conversation.last_message_at,
        # The same string the `conversation` frame carries, so inbox.js can tell a new message.
        "last_message_at_iso": (
            conversation.last_message_at.isoformat() if conversation.last_message_at else ""
        ),
        "unread": int(getattr(conversation, "unread", 0) or 0),
    }


def _message(message: Message, visitor: Visitor) -> dict[str, Any]:
    payload = selectors.message_payload(message, visitor=visitor)
    return {
        "seq": message.seq,
        "sender": message.sender,
        "sender_label": payload["sender_name"] or message.get_sender_display(),
        "body": message.body,
        "private": message.is_private,
        "created_at": message.created_at,
        "ai_label": payload["ai"]["label"] if payload["ai"] else "",
    }


def _render_inbox(
    request: HttpRequest, conversation: Conversation | None, messages: list[Message]
) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    filters = _filters(request)
    rows = selectors.conversations_for_inbox(
        user_id=cast(int, request.user.pk),  # workspace_view has signed the user in
        assignee=filters["assignee"],
        status=filters["status"],
    )[:INBOX_PAGE_SIZE]
    current: dict[str, Any] | None = None
    if conversation is not None:
        visitor = conversation.visitor
        current = {
            "id": conversation.pk,
            "status": conversation.status,
            "assignee_id": conversation.assignee_id,
            "assignee_label": _person(conversation.assignee),
            "assigned_to_me": conversation.assignee_id == request.user.pk,
            "brand_name": conversation.brand.name,
            "visitor": {
                "label": visitor.display_name,
                "name": visitor.name,
                "email": visitor.email,
                "page_url": visitor.page_url,
                "user_agent": visitor.user_agent,
            },
        }
    api_base = reverse("api-conversations", args=[workspace.slug])
    config = {
        "workspace": workspace.slug,
        "socket_path": f"/ws/inbox/{workspace.slug}/",
        "api_base": api_base,
        "conversation_url": reverse("chat-conversation", args=[workspace.slug, 0]),
        "filters": filters,
        "user_id": request.user.pk,
        "user_label": _person(request.user),
        "csrf_token": get_token(request),
        "conversation": None
        if current is None
        else {
            "id": current["id"],
            "status": current["status"],
            "assignee_id": current["assignee_id"],
            "last_seq": messages[-1].seq if messages else 0,
        },
    }
    return render(
        request,
        "chat/inbox.html",
        {
            "conversations": [_row(c) for c in rows],
            "conversation": current,
            "messages": [_message(m, conversation.visitor) for m in messages]
            if conversation
            else [],
            "filters": filters,
            "assignee_choices": ASSIGNEE_CHOICES,
            "status_choices": STATUS_CHOICES,
            "inbox_config": config,
        },
    )


@workspace_view()
def inbox(request: HttpRequest) -> HttpResponse:
    return _render_inbox(request, None, [])


@workspace_view()
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    try:
        conversation = selectors.access_conversation(conversation_id)
    except NotFound:
        raise Http404("No such conversation.") from None
    messages = selectors.messages_after(conversation, 0, include_private=True)
    return _render_inbox(request, conversation, messages)
