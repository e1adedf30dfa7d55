"""Per-workspace AI configuration: region preference and allowed regions, the workspace's own
provider endpoints, and its BYOK provider keys (encrypted at rest). Imported by tenants.models.

Reads and writes go through tenants.ai_settings (selectors + services); keys are decrypted only
by tenants.keys, per call, never kept in a module global.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from .models import TenantModel


class Region(models.TextChoices):
    UK = "uk", "United Kingdom"
    EU = "eu", "European Union"
    US = "us", "United States"
    LOCAL = "local", "Self-hosted / on premises"


class ProviderKind(models.TextChoices):
    OPENAI = "openai", "OpenAI"
    AZURE_OPENAI = "azure_openai", "Azure OpenAI"
    ANTHROPIC = "anthropic", "Anthropic"
    BEDROCK = "bedrock", "Anthropic on AWS Bedrock"
    VERTEX = "vertex", "Anthropic on Google Vertex"
    OPENAI_COMPATIBLE = "openai_compatible", "Self-hosted OpenAI-compatible (vLLM, Ollama)"


class KeyStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REJECTED = "rejected", "Refused by the provider"


DEFAULT_REGION_PREFERENCE = ["uk", "eu", "us", "local"]


def default_region_preference() -> list[str]:
    return list(DEFAULT_REGION_PREFERENCE)


def default_allowed_regions() -> list[str]:
    return list(DEFAULT_REGION_PREFERENCE)


class WorkspaceAISettings(TenantModel):
    """At most one row per workspace; a missing row means the defaults."""

    region_preference = ArrayField(
        models.CharField(max_length=10, choices=Region.choices), default=default_region_preference
    )
    allowed_regions = ArrayField(
        models.CharField(max_length=10, choices=Region.choices), default=default_allowed_regions
    )
    #: The built-in offline provider may answer when no allowed endpoint can.
    allow_offline_fallback = models.BooleanField(default=True)
    #: A BYOK workspace whose key is refused or missing may use the platform's keys.
    byok_fallback_to_platform = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="ai_settings_one_per_workspace"),
        ]

    def __str__(self) -> str:
        return f"AI settings of {self.workspace_id}"


class ProviderKey(TenantModel):
    """A workspace's own API key for one provider kind (BYOK, enterprise plan).

    ``encrypted_key`` is a MultiFernet token; ``last4`` is all that is ever shown."""

    provider = models.CharField(max_length=20, choices=ProviderKind.choices)
    encrypted_key = models.TextField()
    last4 = models.CharField(max_length=4)
    status = models.CharField(max_length=10, choices=KeyStatus.choices, default=KeyStatus.ACTIVE)
    #: Why the key is not active, in words an admin can act on (never the key itself).
    status_reason = models.TextField(blank=True, default="")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "provider"], name="provider_key_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(provider__in=ProviderKind.values), name="provider_key_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=KeyStatus.values), name="provider_key_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} key ••••{self.last4}"

    @property
    def masked(self) -> str:
        return f"••••{self.last4}"


class WorkspaceEndpoint(TenantModel):
    """A provider endpoint a workspace added itself; called with its BYOK key of that kind."""

    name = models.SlugField(max_length=50)
    kind = models.CharField(max_length=20, choices=ProviderKind.choices)
    region = models.CharField(max_length=10, choices=Region.choices)
    model = models.CharField(max_length=120)
    base_url = models.URLField(max_length=300)
    #: OpenAI kinds: "chat" (Chat Completions) or "responses".
    api = models.CharField(max_length=10, default="chat")
    #: Kind-specific: api_version (Azure), project_id (Vertex), aws_region (Bedrock), timeout.
    options = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"], name="workspace_endpoint_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ProviderKind.values), name="workspace_endpoint_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(region__in=Region.values), name="workspace_endpoint_region_valid"
            ),
            models.CheckConstraint(
                condition=Q(api__in=["chat", "responses", "messages"]),
                name="workspace_endpoint_api_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}, {self.region})"
