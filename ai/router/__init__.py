"""The provider router: every LLM call in SupportDesk goes through ``complete``.

``complete`` and ``validate_key`` are imported lazily, so that importing ``ai.router.types``
(which the providers and the ledger do) never pulls in the router's own dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .types import (
    HANDOFF_MARKER,
    AIUnavailable,
    Attempt,
    ChatMessage,
    Completion,
    CompletionRequest,
)

if TYPE_CHECKING:
    from .core import complete, validate_key

__all__ = [
    "HANDOFF_MARKER",
    "AIUnavailable",
    "Attempt",
    "ChatMessage",
    "Completion",
    "CompletionRequest",
    "complete",
    "validate_key",
]


def __getattr__(name: str) -> Any:
    if name in ("complete", "validate_key"):
        from . import core

        return getattr(core, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
