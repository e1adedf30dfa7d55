"""US_SSN: US Social Security numbers.

Found: ``123-45-6789`` on its own; ``123 45 6789``, ``123.45.6789`` and ``123456789`` only
near a word such as "SSN" or "social security". Not found: area 000, 666 or 900-999, group
00, serial 0000, all-same-digit numbers, and dashed numbers right after "order"/"SKU"/"ref".
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers._support import (
    GAP,
    ID_LABEL_BEFORE_RE,
    LABEL_AFTER,
    NO_VALUE_OF_ITS_OWN,
    SupportDeskPatternRecognizer,
    compile_patterns,
    fuzzy,
    pattern_results,
    set_score,
    shape,
)
from redaction.types import US_SSN


class UsSsnRecognizer(SupportDeskPatternRecognizer):
    """The dashed 3-2-4 form is distinctive enough to pass alone; other forms (spaces, dots,
    nine bare digits) are common in order and account numbers and need an SSN word nearby.
    Presidio's context enhancer can still lift those (CONTEXT) when the engine runs it."""

    ENTITY = US_SSN

    PATTERNS = [
        Pattern(
            "SSN (3-2-4 digits, one separator kind or none)",
            r"\d(?<![\w.-]\d)\d\d(?P<sep>[ .-]?)\d{2}(?P=sep)\d{4}(?![\w-]|\.\d)",
            0.1,
        ),
    ]
    # Score before context, by separator: "123-45-6789" is the SSN's own shape; spaces, dots and
    # nine bare digits are how order and account numbers look too.
    SEPARATOR_SCORES = {"-": 0.6, " ": 0.3, ".": 0.3, "": 0.1}

    CONTEXT = ["ssn", "social", "security"]

    _COMPILED = compile_patterns(PATTERNS)
    _SHAPE_RE = re.compile(rb"999[ .-]?99[ .-]?9999")
    _SSN_WORDS = (
        rf"ssns?|ss\s?#|ss\s?n(?:o|umber)|{fuzzy('social')}(?:\s+{fuzzy('security')})?|"
        r"soc\s+sec|ssa"
    )
    _CONTEXT_BEFORE_RE = re.compile(
        rf"(?:\b(?:{_SSN_WORDS})\b|ssn?#){GAP}{{0,30}}\s*$", re.IGNORECASE
    )
    _CONTEXT_AFTER_RE = re.compile(
        rf"^{LABEL_AFTER}"
        rf"(?:ssn|{fuzzy('social')}\s+{fuzzy('security')})\b{NO_VALUE_OF_ITS_OWN}",
        re.IGNORECASE,
    )
    # A phone word ("call 212-55-1234") makes it something else too.
    _PHONE_WORD_BEFORE_RE = re.compile(r"\b(?:phone|tel|call|mobile)\b\W{0,4}$", re.IGNORECASE)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not self._SHAPE_RE.search(shape(text)):
            return []
        results = pattern_results(self, text, self._COMPILED)
        for result in results:
            separator = text[result.start + 3]
            result.score = self.SEPARATOR_SCORES["" if separator.isdigit() else separator]
            before = text[max(0, result.start - 40) : result.start]
            after = text[result.end : result.end + 60]
            if self._CONTEXT_BEFORE_RE.search(before) or self._CONTEXT_AFTER_RE.search(after):
                set_score(result, 0.95)
            elif ID_LABEL_BEFORE_RE.search(before) or self._PHONE_WORD_BEFORE_RE.search(before):
                set_score(result, min(result.score, 0.1))
        return results

    def invalidate_result(self, pattern_text: str) -> bool:
        """SSA rules: no area 000, 666 or 9xx, no group 00, no serial 0000. (``validate_result``
        would lift every valid match to 1.0, so the rules live here and the pattern's own score
        stands.)"""
        digits = re.sub(r"\D", "", pattern_text)
        area, group, serial = digits[:3], digits[3:5], digits[5:]
        if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
            return True
        return len(set(digits)) == 1


RECOGNIZER = UsSsnRecognizer
