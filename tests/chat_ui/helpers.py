"""Helpers for the inbox page tests: a conversation made through the real services, and a
reader that names what the page shows (list rows, transcript items, the visitor sidebar)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.urls import reverse

from chat.models import Conversation
from chat.services import message_create, message_create_from_visitor, visitor_session_open
from tenants.models import Brand, Workspace
from tenants.scope import workspace_scope


def start_conversation(
    brand: Brand, body: str, *, name: str = "", email: str = "", **visitor: Any
) -> Conversation:
    """A visitor of ``brand`` opens a session and writes ``body`` (as the widget would)."""
    with workspace_scope(brand.workspace_id):
        session = visitor_session_open(brand=brand, name=name, email=email, **visitor)
        result = message_create_from_visitor(
            visitor=session.visitor, client_id=f"c-{session.visitor.pk}-1", body=body
        )
    return result.conversation


def add_message(conversation: Conversation, sender: str, body: str, **fields: Any) -> None:
    with workspace_scope(conversation.workspace_id):
        message_create(conversation=conversation, sender=sender, body=body, **fields)


def set_state(conversation: Conversation, **fields: Any) -> None:
    """Test setup: put a conversation in a state (assignee, status) without its events."""
    with workspace_scope(conversation.workspace_id):
        Conversation.objects.filter(pk=conversation.pk).update(**fields)


def inbox_url(workspace: Workspace, **query: str) -> str:
    url = reverse("chat-inbox", args=[workspace.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def conversation_url(workspace: Workspace, conversation_id: int) -> str:
    return reverse("chat-conversation", args=[workspace.slug, conversation_id])


@dataclass
class TranscriptItem:
    seq: int
    classes: list[str]
    who: str
    body: str
    ai_label: str


@dataclass
class InboxPage:
    row_ids: list[int] = field(default_factory=list)
    row_names: list[str] = field(default_factory=list)
    row_unread: list[int] = field(default_factory=list)
    transcript: list[TranscriptItem] = field(default_factory=list)
    visitor: dict[str, str] = field(default_factory=dict)  # sidebar: dt -> dd
    visible_actions: list[str] = field(default_factory=list)
    current_filters: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)


_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class _InboxParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = InboxPage()
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._text: dict[str, list[str]] = {}
        self._item: dict[str, Any] | None = None
        self._dt = ""

    def _capture(self, key: str) -> None:
        self._text[key] = []

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attr_list}
        classes = attrs.get("class", "").split()
        if tag not in _VOID:
            self._stack.append((tag, attrs))
        if tag == "li" and "conversation-row" in classes:
            self.page.row_ids.append(int(attrs["data-id"]))
        elif tag == "span" and "row-name" in classes:
            self._capture("row-name")
        elif tag == "span" and "unread" in classes:
            self.page.row_unread.append(int(attrs.get("data-unread") or 0))
        elif tag == "li" and "msg" in classes:
            self._item = {"seq": int(attrs["data-seq"]), "classes": classes}
        elif tag == "p" and "msg-who" in classes:
            self._capture("who")
        elif tag == "p" and "msg-body" in classes:
            self._capture("body")
        elif tag == "p" and "ai-label" in classes:
            self._capture("ai")
        elif tag == "dt":
            self._capture("dt")
        elif tag == "dd":
            self._capture("dd")
        elif tag == "button" and "data-action" in attrs and "hidden" not in attrs:
            self.page.visible_actions.append(attrs["data-action"])
        elif tag == "a" and "filter" in classes and "is-current" in classes:
            self.page.current_filters.append(f"{attrs['data-filter']}={attrs['data-value']}")
        elif tag == "script" and attrs.get("id") == "inbox-config":
            self._capture("config")

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        open_tag, attrs = self._stack.pop()
        classes = attrs.get("class", "").split()
        if open_tag == "span" and "row-name" in classes:
            self.page.row_names.append("".join(self._text.pop("row-name", [])).strip())
        elif open_tag == "p" and self._item is not None:
            for css, key in (("msg-who", "who"), ("msg-body", "body"), ("ai-label", "ai")):
                if css in classes:
                    value = "".join(self._text.pop(key, []))
                    self._item[key] = value if key == "body" else value.strip()
        elif open_tag == "li" and self._item is not None and "msg" in classes:
            item = self._item
            self.page.transcript.append(
                TranscriptItem(
                    item["seq"],
                    item["classes"],
                    " ".join(item.get("who", "").split()),
                    item.get("body", ""),
                    item.get("ai", ""),
                )
            )
            self._item = None
        elif open_tag == "dt":
            self._dt = "".join(self._text.pop("dt", [])).strip()
        elif open_tag == "dd":
            self.page.visitor[self._dt] = "".join(self._text.pop("dd", [])).strip()
        elif open_tag == "script" and "config" in self._text:
            self.page.config = json.loads("".join(self._text.pop("config")))

    def handle_data(self, data: str) -> None:
        for parts in self._text.values():
            parts.append(data)


def read_inbox(response: Any) -> InboxPage:
    parser = _InboxParser()
    parser.feed(response.content.decode())
    return parser.page
