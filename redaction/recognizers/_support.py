"""Shared plumbing for the structured-data recognizers. Not a recognizer (no ``RECOGNIZER``, so
``discover()`` skips it).

- ``SupportDeskPatternRecognizer``: the base of every pattern recognizer here; a subclass
  declares ``ENTITY``, ``PATTERNS`` and ``CONTEXT`` and inherits the constructor.

- ``fuzzy``: context words as people type them ("passpport", "date of birrth", "mobie").
- ``shape``: the text with every ASCII digit as "9" and every ASCII letter as "a", same length,
  so a recognizer can skip a message cheaply (``b"9aa" not in shape(text)``: no UK postcode)
  before running any regex over it.
- ``compile_patterns`` / ``pattern_results``: Presidio's PatternRecognizer loop on the stdlib
  ``re`` engine. Presidio runs every pattern through the third-party ``regex`` module with a
  timeout and a timestamp per pattern, which costs 2-3x more per message; our patterns have no
  nested quantifiers, so the timeout buys nothing. Semantics are Presidio's: ``validate_result``
  True lifts the score to 1.0 and False drops the match, ``invalidate_result`` True drops it,
  and a result contained in a stronger one of the same type is removed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

MIN_FUZZY_LENGTH = 5
MIN_SUBSTITUTION_LENGTH = 6

#: One character of the words between a context word and its value: anything but a digit or
#: the end of a sentence; "No." / "Nr." abbreviations are not an end ("NI No. AB123456C").
#: Context regexes end in ``{GAP}{0,30}\s*$`` so that a label on its own line
#: ("Date of birth:\n14/03/1987") still counts.
GAP = r"(?:[^.!?\n\d]|\b(?:no|nr|num)\.)"

#: Labels of the numbers and codes a shop deals in. A value right after one ("order 2125551234",
#: "SKU 123-45-6789", "DHL 1234567890") is that, whatever its shape.
ID_WORDS = (
    r"order|orders|ord|invoice|inv|ticket|tkt|ref|reference|tracking|track|awb|waybill|"
    r"consignment|shipment|parcel|package|dhl|ups|fedex|usps|dpd|evri|hermes|yodel|parcelforce|"
    r"sku|item|product|part|model|serial|imei|account|acct|case|booking|confirmation|"
    r"reservation|membership|member|loyalty|customer|subscription|policy|claim|transaction|txn|"
    r"receipt|po|promo|voucher|coupon|discount|gift\s+card"
)
#: An ID label just before a value: "order 123", "Order No. 123", "ticket #: 123", "ref is 123".
ID_LABEL_BEFORE_RE = re.compile(
    rf"\b(?:{ID_WORDS})\b\W{{0,4}}(?:(?:n(?:o|umber)|id|code|ref)\b\W{{0,3}})?(?:is\s+)?$",
    re.IGNORECASE,
)
#: What may stand between a value and its label when the label comes after it: "(mobile)",
#: "- DOB", " — my passport number", " is my SSN", " was the home number", ", my NI number".
#: Never a line break.
LABEL_AFTER = (
    r"[ \t]*[\"'\u201d\u2019]?[ \t]*"
    r"(?:[(\[:\u2013\u2014-][ \t]*(?:(?:my|our|his|her|their|the)\s+)?"
    r"|,?[ \t]*(?:is|was|=)\s+(?:(?:my|our|his|her|their|the)\s+)?(?:\w+\s+)?"
    r"|,?[ \t]*(?:my|our|his|her|their)\s+(?:\w+\s+)?)"
)
#: After a label that follows a value: the label does not introduce a value of its own
#: ("order 3001953857061 my mobile is 02087105974": "my mobile" belongs to the second number).
NO_VALUE_OF_ITS_OWN = r"(?![^.!?;\n\d]{0,15}\d)"

_SHAPE_TABLE = bytes.maketrans(
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    b"9" * 10 + b"a" * 52,
)
# One entry: the engine runs every recognizer on the same string, one after the other.
_last_shape: tuple[str, bytes] = ("", b"")

CompiledPatterns = tuple[tuple[Pattern, re.Pattern[str]], ...]


class SupportDeskPatternRecognizer(PatternRecognizer):
    """A Presidio pattern recognizer configured by class constants: ``ENTITY`` (the one type it
    finds), ``PATTERNS`` and ``CONTEXT`` (Presidio's context words). Its name is the class name
    prefixed with "SupportDesk" ("SupportDeskPhoneRecognizer"), so it never collides with a
    Presidio built-in of the same kind."""

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[list[Pattern]] = []
    CONTEXT: ClassVar[list[str]] = []

    def __init__(self) -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=f"SupportDesk{type(self).__name__}",
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
        )


def _variants(word: str) -> set[str]:
    """``word`` and its one-edit variants (regex fragments). The first letter is kept: a slip
    there is rare and would let in far more unrelated words."""
    word = word.lower()
    variants = {re.escape(word)}
    if len(word) < MIN_FUZZY_LENGTH:
        return variants
    for i in range(1, len(word)):
        variants.add(re.escape(word[:i] + word[i + 1 :]))  # deletion
        variants.add(re.escape(word[:i] + word[i] + word[i:]))  # doubled letter
        if i + 1 < len(word):
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            variants.add(re.escape(swapped))  # transposition
        if len(word) >= MIN_SUBSTITUTION_LENGTH:
            variants.add(re.escape(word[:i]) + "[a-z]" + re.escape(word[i + 1 :]))
    return variants


def fuzzy(*words: str, word_start: bool = False) -> str:
    """A non-capturing group matching any of ``words`` or a one-edit variant of one (a letter
    dropped, doubled or swapped with its neighbour; replaced, for words of 6+ letters). Words
    under 5 letters match exactly. Callers add IGNORECASE and the trailing word boundary.

    The group starts with the words' first letters as plain characters, so ``re`` can skip
    straight to them when scanning a whole message; ``word_start=True`` adds the leading word
    boundary after that letter (a leading ``\\b`` would defeat the skip)."""
    by_first: dict[str, set[str]] = {}
    for word in words:
        word = word.lower()
        by_first.setdefault(word[0], set()).update(v[1:] for v in _variants(word))
    branches = []
    for first, rests in sorted(by_first.items()):
        lead = re.escape(first)
        if word_start:
            lead += rf"(?<!\w{re.escape(first)})"
        ordered = sorted(rests, key=lambda v: (-len(v), v))
        branches.append(lead + "(?:" + "|".join(ordered) + ")")
    return "(?:" + "|".join(branches) + ")"


def shape(text: str) -> bytes:
    """``text`` as bytes of the same length: ASCII digits -> ``9``, ASCII letters -> ``a``,
    anything else outside ASCII -> ``?``. Costs about as much as one short regex search."""
    global _last_shape
    last_text, last_shape = _last_shape
    if last_text is text:
        return last_shape
    shaped = text.encode("ascii", "replace").translate(_SHAPE_TABLE)
    _last_shape = (text, shaped)
    return shaped


def compile_patterns(patterns: Sequence[Pattern], flags: int = re.IGNORECASE) -> CompiledPatterns:
    return tuple((pattern, re.compile(pattern.regex, flags)) for pattern in patterns)


def make_result(
    recognizer: PatternRecognizer,
    pattern: Pattern,
    start: int,
    end: int,
    score: float,
    *,
    validation: bool | None = None,
    context_checked: bool = False,
) -> RecognizerResult:
    """A RecognizerResult carrying what Presidio's own pattern loop records. ``context_checked``
    marks a score the recognizer already set from the surrounding words, so the engine's
    context enhancer leaves it alone."""
    name: str = recognizer.name  # type: ignore[has-type]  # unannotated in Presidio
    explanation = PatternRecognizer.build_regex_explanation(
        name,
        pattern.name,
        pattern.regex,
        score,
        validation,  # type: ignore[arg-type]  # Presidio passes None too when not validated
        re.IGNORECASE,
    )
    metadata: dict[str, object] = {
        RecognizerResult.RECOGNIZER_NAME_KEY: name,
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
    }
    if context_checked:
        metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
    return RecognizerResult(
        entity_type=recognizer.supported_entities[0],
        start=start,
        end=end,
        score=score,
        analysis_explanation=explanation,
        recognition_metadata=metadata,
    )


def set_score(result: RecognizerResult, score: float) -> None:
    """Set a score decided from context, and keep the engine's enhancer from adding to it."""
    result.score = score
    result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
    if result.analysis_explanation is not None:
        result.analysis_explanation.score = score


def pattern_results(
    recognizer: PatternRecognizer, text: str, patterns: CompiledPatterns
) -> list[RecognizerResult]:
    """Presidio's pattern loop (see the module docstring) on precompiled ``re`` patterns."""
    results = []
    for pattern, compiled in patterns:
        for match in compiled.finditer(text):
            start, end = match.span()
            if start == end:
                continue
            value = text[start:end]
            score = pattern.score
            validation = recognizer.validate_result(value)
            if validation is not None:
                if not validation:
                    continue
                score = EntityRecognizer.MAX_SCORE
            if recognizer.invalidate_result(value):
                continue
            results.append(
                make_result(recognizer, pattern, start, end, score, validation=validation)
            )
    return EntityRecognizer.remove_duplicates(results)
