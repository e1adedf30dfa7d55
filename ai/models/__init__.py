"""The ai app's models, one module per area. Each area adds one import line here."""

from .ledger import AILedgerEntry

__all__ = ["AILedgerEntry"]
