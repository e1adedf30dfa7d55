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

The ledger rows and a refused BYOK key's new state are written in the caller's transaction
(``workspace_scope`` opens one): catch ``AIUnavailable`` inside the scope, or they roll back.

Streaming: with ``on_delta`` the router streams and calls ``on_delta(chunk)`` as tokens arrive.
Before the first delta a failure falls back to the next endpoint as usual; once a delta was
emitted there is no silent fallback (the operator already saw text): the call ends with
``AIUnavailable(..., partial_output=True)`` and the caller discards what it showed. If
``on_delta`` raises, the router logs it and stops forwarding (the call still completes and the
whole text is returned): a listener's failure never counts against a provider.

The built-in offline provider (``Completion.offline=True``, endpoint "offline", region "local")
answers only when the workspace allows it and ``request.allow_offline`` is true:
- "summary": an extractive summary (sentences of the non-system messages, in order);
- "suggestions": a JSON array (``json.loads``) of up to 3 of ``request.candidates``, best first;
- "agent": the best-matching candidate, or exactly ``HANDOFF_MARKER`` when none matches well;
- "translation": the last non-system message's content, unchanged (it cannot translate);
- "key_check": "ok".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]
Feature = Literal["suggestions", "summary", "translation", "agent", "key_check"]
KeySource = Literal["platform", "byok", "none"]

#: The offline agent's whole answer when no saved reply matches well: hand off to a human.
HANDOFF_MARKER = "[[handoff]]"


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
    #: "ok" | "timeout" | "connection" | "http_429" | "http_5xx" | "http_4xx" | "auth" | "quota"
    #: | "stream_broken" | "malformed" | "breaker_open" (skipped, nothing sent) | "budget"
    #: (the request's time budget ran out before this endpoint, nothing sent) | "config" (the
    #: endpoint or its key is misconfigured, nothing sent)
    outcome: str
    latency_ms: float


@dataclass(frozen=True)
class Completion:
    text: str
    #: The kind: openai | azure_openai | anthropic | bedrock | vertex | openai_compatible | offline
    provider: str
    endpoint: str  # "platform:<name>", "workspace:<name>" or "offline"
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

    def __init__(
        self, reason: str, *, attempts: tuple[Attempt, ...] = (), partial_output: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts
        #: Deltas were already emitted before the stream failed: discard the partial text.
        self.partial_output = partial_output
