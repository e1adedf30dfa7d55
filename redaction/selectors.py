"""Reads for redaction. Run inside the workspace scope."""

from __future__ import annotations

from redaction.models import RedactionSettings
from redaction.types import RedactionPolicy


def settings_for_workspace() -> RedactionSettings | None:
    return RedactionSettings.objects.first()


def policy_for_workspace() -> RedactionPolicy:
    """The bound workspace's policy (defaults when it never changed any)."""
    row = settings_for_workspace()
    if row is None:
        return RedactionPolicy()
    return RedactionPolicy(
        disabled_types=frozenset(row.disabled_types),
        deny_patterns=tuple((p["name"], p["pattern"]) for p in row.deny_patterns),
        allow_terms=tuple(row.allow_terms),
    )
