"""Values recognised from the detections around them, after every recognizer has run.

A postcode, a ZIP or a short date on its own is a code like many others ("ls14ap",
"35000-1960", "5/8/04"); what makes it personal is where it sits. Two places say so without any
postcode or birth word:

- a postcode closes an address line: ``"... 69 bridge grove, inverness bn147wb"`` (right after
  a detected ADDRESS, on the same line or the next);
- a postcode or a date is an item in a line listing someone's details: ``"me: Jane Doe,
  14/03/04, 90210 x"`` (two other detected items on the same line, the value first in its own
  item). A date there is the person's date of birth.

UK postcodes must follow the Royal Mail grammar of redaction/recognizers/postcode.py (SKUs such
as ``AB12 CDE`` never qualify); dates must be numeric day/month/year (either order) with a
possible day and month.
"""

from __future__ import annotations

import re

from redaction.recognizers._support import ID_WORDS
from redaction.recognizers.date_of_birth import DateOfBirthRecognizer
from redaction.recognizers.postcode import UK_POSTCODE, US_ZIP
from redaction.types import ADDRESS, DATE_OF_BIRTH, POSTCODE, Entity

#: A postcode in the text, whole (no letter, digit or hyphen either side).
_POSTCODE = rf"(?:{UK_POSTCODE}|{US_ZIP})(?![\w-])"
#: Right after an address: a comma, spaces, at most one line break.
_AFTER_ADDRESS_RE = re.compile(rf"[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?({_POSTCODE})", re.IGNORECASE)
#: A numeric date: the date of birth recognizer's day/month/year pattern, its separator group
#: named so that it can sit inside another pattern.
_NUMERIC_DATE = (
    DateOfBirthRecognizer.PATTERNS[0]
    .regex.replace("([/.-])", "(?P<sep>[/.-])", 1)
    .replace("\\1", "(?P=sep)", 1)
)
#: What may follow the value in its item: a sign-off or a remark ("x", "ta", "is what the
#: label should say"), never a number, an id label or a word that makes a date another date.
_REMARK = (
    rf"(?=[^\d]*$)(?![^\d]*\b(?:{ID_WORDS}|ordered|placed|delivered|dispatched|shipped|paid|"
    r"expir\w*|due|since|until|booked|issued|dated)\b)"
)
#: A details item that starts with a postcode (group 1) or a numeric date (group 2).
_ITEM_VALUE_RE = re.compile(
    rf"[\s\"'(\u201c\u2018]*(?:(?<![\w-])({_POSTCODE})|({_NUMERIC_DATE})){_REMARK}",
    re.IGNORECASE,
)
_DATE_CHECK = DateOfBirthRecognizer()
#: What separates the items of a details line: commas, semicolons, bars, bullets, ellipses
#: and spaced dashes.
_ITEM_RE = re.compile(r"(?:(?!\.\.\.|\u2026| [-\u2013\u2014] )[^,;|\n\u2022])+")
_SCORE = 0.6


def add_found_by_neighbours(text: str, entities: list[Entity]) -> list[Entity]:
    """``entities`` plus the postcodes and dates of birth that only their neighbours reveal
    (see the module docstring). ``entities`` may overlap; the result does too."""
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
    """In a line listing someone's details, an item that starts with a postcode or ZIP is one,
    and one that starts with a date is a date of birth. Needs two other detected items on the
    same line, so order lines ("Order 12345, 2 items, 03/04/25") are left alone."""
    if len(entities) < 2:
        return []
    added: list[Entity] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        on_line = [e for e in entities if line_start <= e.start and e.end <= line_end]
        if len(on_line) >= 2:
            for item in _ITEM_RE.finditer(line):
                match = _ITEM_VALUE_RE.match(item.group(0))
                if not match:
                    continue
                group = 1 if match.group(1) else 2
                if group == 2 and not _DATE_CHECK.validate_result(match.group(2)):
                    continue  # no month in it ("31/31/04")
                start = line_start + item.start() + match.start(group)
                end = line_start + item.start() + match.end(group)
                if not any(e.start < end and start < e.end for e in on_line):
                    kind = POSTCODE if group == 1 else DATE_OF_BIRTH
                    added.append(Entity(start, end, kind, _SCORE))
        line_start = line_end + 1
    return added
