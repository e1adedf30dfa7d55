"""Reversible pseudonymisation: typed placeholders consistent within a conversation, and
re-hydration that never turns an invented or mangled placeholder into someone's data."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

from redaction.types import EMAIL_ADDRESS, PERSON, USERNAME

PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*?)_(\d{1,6})>")
_TYPE_NAMES = (
    "PERSON|USERNAME|EMAIL_ADDRESS|EMAIL|PHONE_NUMBER|PHONE|CREDIT_CARD|ADDRESS|POSTCODE|US_SSN|"
    "UK_NINO|IP_ADDRESS|IBAN_CODE|IBAN|DATE_OF_BIRTH|PASSPORT_NUMBER|URL|CUSTOM"
)
#: What a model might make of a placeholder: other case or brackets, spaces, a lost bracket.
#: Either an opening bracket or the TYPE_N underscore form is required, so prose such as
#: "press phone 1" is left alone.
PLACEHOLDER_LIKE = re.compile(
    rf"[<\[{{]\s*(?:{_TYPE_NAMES})[\s_-]*\d{{1,6}}\s*[>\]}}]?"
    rf"|\b(?:{_TYPE_NAMES})_\d{{1,6}}\b>?",
    re.IGNORECASE,
)
REDACTED_MARK = "[redacted]"


def normalise(entity_type: str, value: str) -> str:
    """The identity of a value: 'Jane  Doe' and 'jane doe' are the same person."""
    folded = " ".join(value.split()).casefold()
    if entity_type in (PERSON, USERNAME, EMAIL_ADDRESS):
        return folded.lstrip("@")
    return "".join(ch for ch in folded if ch.isalnum())


class Pseudonymizer:
    """Assigns ``<TYPE_N>`` placeholders; the same value always gets the same placeholder."""

    def __init__(self, mapping: Mapping[str, str] | None = None) -> None:
        self.mapping: dict[str, str] = {}
        self._by_value: dict[tuple[str, str], str] = {}
        self._counts: Counter[str] = Counter()
        for placeholder, value in (mapping or {}).items():
            match = PLACEHOLDER.fullmatch(placeholder)
            if not match:
                continue
            entity_type, number = match.group(1), int(match.group(2))
            self.mapping[placeholder] = value
            self._by_value[(entity_type, normalise(entity_type, value))] = placeholder
            self._counts[entity_type] = max(self._counts[entity_type], number)

    def placeholder(self, entity_type: str, value: str) -> str:
        key = (entity_type, normalise(entity_type, value))
        existing = self._by_value.get(key)
        if existing is not None:
            return existing
        self._counts[entity_type] += 1
        placeholder = f"<{entity_type}_{self._counts[entity_type]}>"
        self._by_value[key] = placeholder
        self.mapping[placeholder] = value
        return placeholder


def rehydrate(
    text: str, mapping: Mapping[str, str], *, allowed: Callable[[str], bool] | None = None
) -> str:
    """Put the originals back for someone allowed to see them.

    Only an exact placeholder present in ``mapping`` (and admitted by ``allowed``) is restored.
    Anything else that looks like a placeholder (invented by the model, mangled, or not allowed
    for this viewer) becomes "[redacted]": it is never resolved to a guess.
    """

    restored: list[str] = []

    def _exact(match: re.Match[str]) -> str:
        placeholder = match.group(0)
        if placeholder in mapping and (allowed is None or allowed(placeholder)):
            restored.append(mapping[placeholder])
            return f"\x00{len(restored) - 1}\x00"
        return REDACTED_MARK

    # Restored values are parked behind NUL markers so the mangled-placeholder sweep below
    # never touches real data (a NUL cannot come from the model's text: it is stripped first).
    protected = PLACEHOLDER.sub(_exact, text.replace("\x00", ""))
    protected = PLACEHOLDER_LIKE.sub(REDACTED_MARK, protected)
    return re.sub(r"\x00(\d+)\x00", lambda m: restored[int(m.group(1))], protected)
