"""One module per family of provider kinds; ``call`` dispatches on ``endpoint.kind``."""

from __future__ import annotations

from ai.router.types import CompletionRequest

from . import anthropic_kinds, openai_kinds
from .base import DeltaCallback, Endpoint, ProviderError, ProviderResult

_CALLS = {
    "openai": openai_kinds.call,
    "azure_openai": openai_kinds.call,
    "openai_compatible": openai_kinds.call,
    "anthropic": anthropic_kinds.call,
    "bedrock": anthropic_kinds.call,
    "vertex": anthropic_kinds.call,
}


def call(
    endpoint: Endpoint, key: str, request: CompletionRequest, on_delta: DeltaCallback | None
) -> ProviderResult:
    """One HTTP call to ``endpoint`` with ``key``; raises ProviderError on any failure."""
    try:
        provider_call = _CALLS[endpoint.kind]
    except KeyError:
        raise ProviderError("http_4xx", f"Unknown provider kind {endpoint.kind!r}.") from None
    return provider_call(endpoint, key, request, on_delta)


__all__ = ["Endpoint", "ProviderError", "ProviderResult", "call"]
