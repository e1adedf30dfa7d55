"""Writes for redaction settings. Run inside the workspace scope."""

from __future__ import annotations

from typing import Any

import regex
from django.db import transaction

from redaction.models import RedactionSettings
from redaction.recognizers.custom_patterns import MATCH_TIMEOUT_S, compile_pattern
from redaction.types import ALL_TYPES, REQUIRED_TYPES
from tenants.errors import ServiceError
from tenants.scope import current_workspace_id

MAX_PATTERNS = 20
MAX_PATTERN_CHARS = 200
MAX_ALLOW_TERMS = 100
#: Inputs that make badly written patterns backtrack; a pattern that times out on them is refused.
_PROBES = ("a" * 4000 + "!", "1" * 4000 + "x", " " * 4000 + "-", "aA1-_." * 700)


def _check_pattern(entry: Any, index: int) -> dict[str, str]:
    if not isinstance(entry, dict) or set(entry) != {"name", "pattern"}:
        raise ServiceError(
            'Each deny-pattern is {"name": ..., "pattern": ...}.',
            code="invalid_pattern",
            details={"index": index},
        )
    name, pattern = entry["name"], entry["pattern"]
    if not isinstance(name, str) or not (1 <= len(name.strip()) <= 50):
        raise ServiceError(
            "A deny-pattern needs a name of 1-50 characters.",
            code="invalid_pattern",
            details={"index": index},
        )
    if not isinstance(pattern, str) or not (1 <= len(pattern) <= MAX_PATTERN_CHARS):
        raise ServiceError(
            f"A deny-pattern is 1-{MAX_PATTERN_CHARS} characters.",
            code="invalid_pattern",
            details={"index": index},
        )
    try:
        compiled = compile_pattern(pattern)
    except regex.error as exc:
        raise ServiceError(
            f"Pattern {name!r} is not a valid regular expression: {exc}.",
            code="invalid_pattern",
            details={"index": index},
        ) from None
    if compiled.fullmatch(""):
        raise ServiceError(
            f"Pattern {name!r} matches empty text; it would redact nothing useful.",
            code="invalid_pattern",
            details={"index": index},
        )
    try:
        for probe in _PROBES:
            compiled.search(probe, timeout=MATCH_TIMEOUT_S)
    except TimeoutError:
        raise ServiceError(
            f"Pattern {name!r} is too slow (catastrophic backtracking); simplify it.",
            code="pattern_too_slow",
            details={"index": index},
        ) from None
    return {"name": name.strip(), "pattern": pattern}


def redaction_settings_update(
    *,
    disabled_types: list[str] | None = None,
    deny_patterns: list[Any] | None = None,
    allow_terms: list[str] | None = None,
) -> RedactionSettings:
    """Validate and save the bound workspace's redaction settings."""
    with transaction.atomic():
        row, _ = RedactionSettings.objects.select_for_update().get_or_create(
            workspace_id=current_workspace_id()
        )
        if disabled_types is not None:
            unknown = sorted(set(disabled_types) - ALL_TYPES)
            if unknown:
                raise ServiceError(f"Unknown types: {', '.join(unknown)}.", code="invalid_types")
            required = sorted(set(disabled_types) & REQUIRED_TYPES)
            if required:
                raise ServiceError(
                    "These types are always redacted and cannot be switched off: "
                    f"{', '.join(required)}.",
                    code="required_type",
                    details={"types": required},
                )
            row.disabled_types = sorted(set(disabled_types))
        if deny_patterns is not None:
            if len(deny_patterns) > MAX_PATTERNS:
                raise ServiceError(f"At most {MAX_PATTERNS} deny-patterns.", code="invalid_pattern")
            row.deny_patterns = [_check_pattern(entry, i) for i, entry in enumerate(deny_patterns)]
        if allow_terms is not None:
            terms = [t.strip() for t in allow_terms if isinstance(t, str) and t.strip()]
            if len(terms) > MAX_ALLOW_TERMS or any(not (2 <= len(t) <= 100) for t in terms):
                raise ServiceError(
                    f"At most {MAX_ALLOW_TERMS} allow-list terms of 2-100 characters.",
                    code="invalid_allow_terms",
                )
            row.allow_terms = sorted(set(terms), key=str.casefold)
        row.save()
    return row
