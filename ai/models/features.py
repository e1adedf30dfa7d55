"""Per-workspace AI feature switches, per-brand AI agent profiles and saved replies.

Everything here is tenant-owned (RLS in the migration right after the table). Defaults when a
workspace never saved its settings: suggestions, summaries and translation on, the AI agent off
(it answers visitors directly, so an admin switches it on per brand)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual

from tenants.models import Brand, TenantModel

SAVED_REPLY_BODY_MAX = 2000
AGENT_INSTRUCTIONS_MAX = 4000


class AIFeatureSettings(TenantModel):
    """One row per workspace (created on first save; ``selectors.feature_settings`` answers the
    defaults when there is none)."""

    suggestions_enabled = models.BooleanField(default=True)
    summaries_enabled = models.BooleanField(default=True)
    #: Summarise a conversation automatically when it is resolved (needs summaries_enabled).
    summarize_on_resolve = models.BooleanField(default=True)
    translation_enabled = models.BooleanField(default=True)
    #: Master switch for the AI agent; each brand also opts in through its AgentProfile.
    agent_enabled = models.BooleanField(default=True)
    #: The language operators read (summaries, translations of visitor messages): ISO 639-1.
    operator_language = models.CharField(max_length=8, default="en")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="ai_feature_settings_one_per_ws"),
        ]

    def __str__(self) -> str:
        return f"AI features of workspace {self.workspace_id}"


class AgentTone(models.TextChoices):
    FRIENDLY = "friendly", "Friendly"
    FORMAL = "formal", "Formal"
    CONCISE = "concise", "Concise"


class AgentProfile(TenantModel):
    """How the AI agent answers a brand's visitors: on/off, the admin's instructions and tone,
    and guardrails (topics it never discusses, when it hands off to a human)."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(default=False)
    instructions = models.TextField(blank=True, max_length=AGENT_INSTRUCTIONS_MAX)
    tone = models.CharField(max_length=16, choices=AgentTone.choices, default=AgentTone.FRIENDLY)
    #: Words or names the agent must never discuss (competitors, legal advice...): a visitor
    #: message or a draft answer containing one goes to a human instead.
    blocked_topics = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    #: Below this self-reported confidence the agent hands off instead of answering.
    min_confidence = models.FloatField(default=0.55)
    #: After this many AI answers in one conversation the agent hands off.
    max_replies = models.PositiveSmallIntegerField(default=6)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(min_confidence__gte=0) & Q(min_confidence__lte=1),
                name="ai_agent_min_confidence_range",
            ),
            models.CheckConstraint(
                condition=Q(tone__in=AgentTone.values), name="ai_agent_tone_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"AI agent of brand {self.brand_id}"


class SavedReply(TenantModel):
    """A canned answer operators reuse; also what the offline provider ranks for suggestions."""

    title = models.CharField(max_length=120)
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "title"], name="ai_saved_reply_title"),
            models.CheckConstraint(
                condition=GreaterThan(Length("body"), 0)
                & LessThanOrEqual(Length("body"), SAVED_REPLY_BODY_MAX),
                name="ai_saved_reply_body_length",
            ),
        ]

    def __str__(self) -> str:
        return self.title
