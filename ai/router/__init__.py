"""The provider router: every LLM call in SupportDesk goes through ``complete``."""

from .core import complete, validate_key
from .types import (
    HANDOFF_MARKER,
    AIUnavailable,
    Attempt,
    ChatMessage,
    Completion,
    CompletionRequest,
)

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
