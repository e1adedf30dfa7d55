"""Postcodes recognised from the detections around them, after every recognizer has run.

A postcode or ZIP on its own is a short code like many others ("ls14ap", "35000-1960"); what
makes it personal is where it sits. Two places say so without any postcode word:

- it closes an address line: ``"... 69 bridge grove, inverness bn147wb"`` (right after a
  detected ADDRESS, on the same line or the next);
- it is an item in a line listing someone's details: ``"me: Jane Doe, 14/03/1987, 90210 x"``
  (two other detected items on the same line, the postcode first in its own item).

Both take the Royal Mail grammar of redaction/recognizers/postcode.py for UK postcodes, so SKUs
such as ``AB12 CDE`` never qualify.
"""

from __future__ import annotations

import re

from redaction.recognizers._support import ID_WORDS
from redaction.recognizers.postcode import UK_POSTCODE, US_ZIP
from redaction.types import ADDRESS, POSTCODE, Entity

#: A postcode in the text, whole (no letter, digit or hyphen either side).
_POSTCODE = rf"(?:{UK_POSTCODE}|{US_ZIP})(?![\w-])"
#: Right after an address: a comma, spaces, at most one line break.
_AFTER_ADDRESS_RE = re.compile(rf"[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?({_POSTCODE})", re.IGNORECASE)
#: A details item that starts with a postcode; what follows in the item is a sign-off or a
#: remark ("x", "ta", "is what the label should say"), never a number or an id label.
_ITEM_POSTCODE_RE = re.compile(
    rf"[\s\"'(\u201c\u2018]*(?<![\w-])({_POSTCODE})"
    rf"(?=[^\d]*$)(?![^\d]*\b(?:{ID_WORDS})\b)",
    re.IGNORECASE,
)
#: What separates the items of a details line: commas, semicolons, bars, bullets, ellipses
#: and spaced dashes.
_ITEM_RE = re.compile(r"(?:(?!\.\.\.|\u2026| [-\u2013\u2014] )[^,;|\n\u2022])+")
_SCORE = 0.6


def add_contextual_postcodes(text: str, entities: list[Entity]) -> list[Entity]:
    """``entities`` plus the postcodes that only their neighbours reveal (see the module
    docstring). ``entities`` may overlap; the result does too."""
    if not entities:
        return entities
    added = _after_addresses(text, entities)
    added += _in_detail_lists(text, entities)
    return entities + added if added else entities


def _after_addresses(text: str, entities: list[Entity]) -> list[Entity]:
    added = []
    for entity in entities:
        if entity.type != ADDRESS:
            continue
        match = _AFTER_ADDRESS_RE.match(text, entity.end)
        if match:
            added.append(Entity(match.start(1), match.end(1), POSTCODE, _SCORE))
    return added


def _in_detail_lists(text: str, entities: list[Entity]) -> list[Entity]:
    """In a line listing someone's details, an item that starts with a postcode or ZIP is one.
    Needs two other detected items on the same line, so order lines ("Order 12345, 2 items")
    are left alone."""
    if len(entities) < 2:
        return []
    added: list[Entity] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        on_line = [e for e in entities if line_start <= e.start and e.end <= line_end]
        if len(on_line) >= 2:
            for item in _ITEM_RE.finditer(line):
                match = _ITEM_POSTCODE_RE.match(item.group(0))
                if not match:
                    continue
                start = line_start + item.start() + match.start(1)
                end = line_start + item.start() + match.end(1)
                if not any(e.start < end and start < e.end for e in on_line):
                    added.append(Entity(start, end, POSTCODE, _SCORE))
        line_start = line_end + 1
    return added
