"""The contract between the AI feature layer (ai/features, ai/pipeline) and the provider router
(ai/router, ai/providers). Everything the features send is already redacted; the router never
sees personal data and never decides what a feature means.

    from ai.router import complete
    result = complete(CompletionRequest(...), on_delta=push_to_inbox)

``complete`` runs synchronously (Celery workers) inside ``workspace_scope(request.workspace_id)``.
It walks the workspace's allowed endpoints in region-preference order, owns retries, timeouts,
fallback and the per-endpoint breaker, writes one AI-ledger row per provider call, and either
returns a ``Completion`` or raises ``AIUnavailable`` (no allowed endpoint answered; nothing is
ever sent to a region the workspace does not allow).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]
Feature = Literal["suggestions", "summary", "translation", "agent", "key_check"]
KeySource = Literal["platform", "byok", "none"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class CompletionRequest:
    workspace_id: int
    feature: Feature
    #: System instructions first, then the redacted transcript fenced as data.
    messages: tuple[ChatMessage, ...]
    max_output_tokens: int = 512
    temperature: float = 0.2
    #: Counts of redacted entities by type in what is sent (for the AI data ledger).
    redaction_counts: dict[str, int] = field(default_factory=dict)
    #: Used only by the built-in offline provider: saved replies to rank (suggestions, agent).
    candidates: tuple[str, ...] = ()
    #: The conversation the call is about, if any (ledger only; never sent to a provider).
    conversation_id: int | None = None
    #: Whether the built-in offline provider may serve this request when no real endpoint can.
    allow_offline: bool = True


@dataclass(frozen=True)
class Attempt:
    """One step of the fallback chain."""

    endpoint: str
    region: str
    outcome: str  # "ok" | "timeout" | "http_429" | "http_5xx" | "connection" | "breaker_open" | ...
    latency_ms: float


@dataclass(frozen=True)
class Completion:
    text: str
    provider: str  # kind: openai | azure_openai | anthropic | bedrock | vertex | openai_compatible | offline
    endpoint: str  # the endpoint's name
    model: str
    region: str  # uk | eu | us | local
    key_source: KeySource
    latency_ms: float
    input_tokens: int | None
    output_tokens: int | None
    fallback_chain: tuple[Attempt, ...]
    offline: bool = False


class AIUnavailable(Exception):
    """No endpoint the workspace allows could answer. ``reason`` is safe to show to an admin."""

    def __init__(self, reason: str, *, attempts: tuple[Attempt, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts
