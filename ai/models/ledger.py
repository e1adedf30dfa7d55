"""The AI data ledger: one row per provider call, i.e. what left the building.

Never holds a prompt: only the SHA-256 of the exact bytes sent, the counts of redacted entities
by type, and the call's metadata (endpoint, region, model, key source, tokens, latency, outcome).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tenants.models import TenantModel


class LedgerOutcome(models.TextChoices):
    OK = "ok", "Answered"
    TIMEOUT = "timeout", "Timed out"
    CONNECTION = "connection", "Connection failed"
    HTTP_429 = "http_429", "Rate limited (429)"
    HTTP_5XX = "http_5xx", "Provider error (5xx)"
    HTTP_4XX = "http_4xx", "Rejected request (4xx)"
    AUTH = "auth", "Key refused (401/403)"
    QUOTA = "quota", "Quota or billing"
    STREAM_BROKEN = "stream_broken", "Stream broke off"
    MALFORMED = "malformed", "Malformed answer"


class AILedgerEntry(TenantModel):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    feature = models.CharField(max_length=20)
    #: "platform:<name>" or "workspace:<name>", or "offline".
    endpoint = models.CharField(max_length=120)
    provider = models.CharField(max_length=20)
    region = models.CharField(max_length=10)
    model = models.CharField(max_length=120)
    key_source = models.CharField(max_length=10)
    #: Counts of redacted entities by type in what was sent, e.g. {"PERSON": 2}.
    redaction_counts = models.JSONField(default=dict, blank=True)
    #: SHA-256 (hex) of the exact request body sent to the provider.
    payload_sha256 = models.CharField(max_length=64)
    payload_bytes = models.PositiveIntegerField(default=0)
    input_tokens = models.PositiveIntegerField(null=True, blank=True)
    output_tokens = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.FloatField()
    outcome = models.CharField(max_length=20, choices=LedgerOutcome.choices)
    streamed = models.BooleanField(default=False)
    #: The conversation the call was about (an id, not a foreign key: the ledger outlives chats).
    conversation_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="ai_ledger_ws_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=LedgerOutcome.values), name="ai_ledger_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(key_source__in=["platform", "byok", "none"]),
                name="ai_ledger_key_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workspace_id}:{self.feature}:{self.endpoint}:{self.outcome}"
