"""Visitors, conversations and their messages. Every row carries workspace_id (RLS below).

Invariants kept by the database itself: one ``seq`` per conversation (no duplicates), one message
per non-empty ``client_id`` per conversation (idempotent re-sends), bodies of 1..5,000 characters.
Flows (sequence numbers, broadcasting) live in services.py.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils import timezone

from tenants.models import Brand, TenantModel

MESSAGE_BODY_MAX = 5000
CLIENT_ID_MAX = 64


class Visitor(TenantModel):
    """Someone chatting through a brand's widget. Personal data: name, email, IP, user agent."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    anonymous_id = models.UUIDField(default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    #: The website's own user id, set only after a valid identity HMAC.
    verified_user_id = models.CharField(max_length=255, blank=True)
    page_url = models.CharField(max_length=2000, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(default=timezone.now)
    #: The send limit's state (GCRA: one "theoretical arrival time" per window of
    #: chat.services.visitor_send_limits(); chat_visitor_send_take(), migration 0005).
    send_tat = ArrayField(models.DateTimeField(), default=list, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["anonymous_id"], name="chat_visitor_anonymous_id_unique"
            ),
            models.UniqueConstraint(
                fields=["brand", "verified_user_id"],
                condition=~Q(verified_user_id=""),
                name="chat_visitor_verified_unique_per_brand",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"visitor {self.pk}"

    @property
    def display_name(self) -> str:
        return self.name or "Visitor"


class ConversationStatus(models.TextChoices):
    OPEN = "open", "Open"
    PENDING = "pending", "Pending"
    RESOLVED = "resolved", "Resolved"


class HandledBy(models.TextChoices):
    NONE = "none", "Nobody yet"
    AI_AGENT = "ai_agent", "AI agent"
    HUMAN = "human", "Human"
    BOTH = "both", "AI agent and human"


class Conversation(TenantModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="conversations")
    status = models.CharField(
        max_length=16, choices=ConversationStatus.choices, default=ConversationStatus.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(max_length=16, blank=True)
    handled_by = models.CharField(max_length=16, choices=HandledBy.choices, default=HandledBy.NONE)
    #: The seq of the newest message; the next one gets last_seq + 1 under the row lock.
    last_seq = models.PositiveIntegerField(default=0)
    #: The seq of the newest message a visitor can see (not a private note): a visitor-group
    #: event carries it as ``prev_seq``, so sockets tell a gap from a note they never see.
    last_public_seq = models.PositiveIntegerField(default=0)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(
                fields=["workspace", "status", "-last_message_at"], name="chat_conv_inbox"
            ),
            models.Index(fields=["visitor", "-created_at"], name="chat_conv_visitor"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ConversationStatus.values), name="chat_conv_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(handled_by__in=HandledBy.values), name="chat_conv_handled_by_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"conversation {self.pk} ({self.status})"


class Sender(models.TextChoices):
    VISITOR = "visitor", "Visitor"
    OPERATOR = "operator", "Operator"
    AI_AGENT = "ai_agent", "AI agent"
    SYSTEM = "system", "System"


class Message(TenantModel):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveIntegerField()
    sender = models.CharField(max_length=16, choices=Sender.choices)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    client_id = models.CharField(max_length=CLIENT_ID_MAX, blank=True)
    #: A note between operators: never sent to the visitor.
    is_private = models.BooleanField(default=False)
    #: Set on AI-generated messages ({"generated": true, "label": ..., model details}).
    ai_metadata = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["conversation_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_message_seq_unique"),
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=~Q(client_id=""),
                name="chat_message_client_id_unique",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), MESSAGE_BODY_MAX),
                name="chat_message_body_max_length",
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length("body"), 0), name="chat_message_body_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(sender__in=Sender.values), name="chat_message_sender_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.conversation_id}#{self.seq}"


class ConversationRead(TenantModel):
    """How far one operator has read a conversation (their unread count)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="chat_read_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.conversation_id} up to {self.last_read_seq}"


class BrandIdentitySecret(TenantModel):
    """The brand's secret for identity HMACs, encrypted at rest (MultiFernet), created lazily."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="+")
    secret_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"identity secret of brand {self.brand_id}"
