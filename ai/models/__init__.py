"""The ai app's models, one module per area. Each area adds one import line here."""

from .artifacts import AIArtifact, ConversationAIState
from .features import AgentProfile, AIFeatureSettings, SavedReply
from .ledger import AILedgerEntry

__all__ = [
    "AIArtifact",
    "AIFeatureSettings",
    "AILedgerEntry",
    "AgentProfile",
    "ConversationAIState",
    "SavedReply",
]
