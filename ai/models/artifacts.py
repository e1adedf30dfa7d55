"""What the AI features produce (one ``AIArtifact`` per feature x trigger, enforced by a unique
idempotency key) and the AI state of a conversation (the visitor's language, the agent's
handoff)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from chat.models import Conversation, Message
from tenants.models import TenantModel


class ArtifactKind(models.TextChoices):
    SUGGESTIONS = "suggestions", "Reply suggestions"
    SUMMARY = "summary", "Summary"
    TRANSLATION = "translation", "Translation of a visitor message"
    REPLY_TRANSLATION = "reply_translation", "Translation of an operator reply"
    AGENT_REPLY = "agent_reply", "AI agent answer"


class ArtifactStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    #: No endpoint the workspace allows answered (router AIUnavailable).
    UNAVAILABLE = "unavailable", "AI unavailable"
    #: Redaction failed: nothing was sent to any provider.
    BLOCKED = "blocked", "Blocked by redaction"
    FAILED = "failed", "Failed"


TERMINAL_STATUSES = (
    ArtifactStatus.DONE,
    ArtifactStatus.UNAVAILABLE,
    ArtifactStatus.BLOCKED,
    ArtifactStatus.FAILED,
)


class AIArtifact(TenantModel):
    """Every AI result, with where it came from (provider, model, region, key source, latency,
    tokens and the fallback chain) and, for drafts, whether an operator used it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="ai_artifacts"
    )
    kind = models.CharField(max_length=24, choices=ArtifactKind.choices)
    #: feature x trigger, e.g. "suggestions:m42" or "summary:c7:s12:en"; unique per workspace.
    idempotency_key = models.CharField(max_length=160)
    #: The message that triggered it (visitor message for suggestions, translation, agent).
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ArtifactStatus.choices, default=ArtifactStatus.PENDING
    )
    #: Operator-facing result (already re-hydrated for the workspace's operators).
    content = models.JSONField(default=dict, blank=True)
    #: Input an operator asked for (a reply to translate); the target language.
    source_text = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # --- provenance (from the router's Completion) ---
    provider = models.CharField(max_length=32, blank=True)
    endpoint = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=16, blank=True)
    key_source = models.CharField(max_length=16, blank=True)
    offline = models.BooleanField(default=False)
    latency_ms = models.FloatField(null=True, blank=True)
    input_tokens = models.PositiveIntegerField(null=True, blank=True)
    output_tokens = models.PositiveIntegerField(null=True, blank=True)
    fallback_chain = models.JSONField(default=list, blank=True)
    redaction_counts = models.JSONField(default=dict, blank=True)
    #: Pipeline timings in ms (queue wait, transcript, redaction, provider, store).
    timings = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # --- use of a draft by an operator ---
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_index = models.PositiveSmallIntegerField(null=True, blank=True)
    used_edited = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["conversation", "kind", "-created_at"], name="ai_artifact_conv"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "idempotency_key"], name="ai_artifact_idempotency_key"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ArtifactKind.values), name="ai_artifact_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ArtifactStatus.values), name="ai_artifact_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key} ({self.status})"

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


class ConversationAIState(TenantModel):
    """The AI side of one conversation: the visitor's detected language and the agent's state."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="ai_state"
    )
    visitor_language = models.CharField(max_length=8, blank=True)
    visitor_language_confidence = models.FloatField(null=True, blank=True)
    #: Set when the AI agent handed the conversation to a human; it does not answer again.
    handed_off_at = models.DateTimeField(null=True, blank=True)
    handoff_reason = models.CharField(max_length=32, blank=True)
    handoff_detail = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"AI state of conversation {self.conversation_id}"
