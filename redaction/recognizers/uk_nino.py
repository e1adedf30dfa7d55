"""UK_NINO: UK National Insurance numbers.

Found: ``AB123456C``, ``ab 12 34 56 c``, ``JG 123456 D``; without the final letter only near
"NI"/"national insurance". Not found: prefixes HMRC never issues (first letter D F I Q U V,
second letter D F I O Q U V, the pairs BG GB KN NK NT TN ZZ), suffixes other than A-D.
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
from redaction.types import UK_NINO

# HMRC: first letter not D F I Q U V, second not D F I O Q U V.
_FIRST = r"[a-ceghj-pr-tw-z]"
_SECOND = r"[a-ceghj-npr-tw-z]"


class UkNinoRecognizer(SupportDeskPatternRecognizer):
    """Two prefix letters, six digits (optionally in pairs), suffix A-D. With the suffix the
    shape is specific enough to pass alone; without it, it looks like many order references
    and needs a National Insurance word nearby."""

    ENTITY = UK_NINO

    PATTERNS = [
        Pattern(
            "NINO (prefix, 6 digits, optional suffix A-D)",
            rf"{_FIRST}(?<![\w-][a-z]){_SECOND} ?"
            r"(?:\d{6}|\d{2} \d{2} \d{2})(?: ?[a-d])?(?![\w-])",
            0.3,
        ),
    ]
    # With the suffix letter the shape is specific enough to pass alone.
    WITH_SUFFIX_SCORE = 0.85

    # Presidio's context enhancer matches substrings of the preceding words: "ni" would match
    # "night" and "national" would match "international", so those live only in the regex below.
    CONTEXT = ["nino", "insurance", "hmrc"]

    _COMPILED = compile_patterns(PATTERNS)
    _SHAPE_RE = re.compile(rb"aa ?99 ?99 ?99")
    INVALID_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})

    _CONTEXT_BEFORE_RE = re.compile(
        rf"\b(?:ni(?:no|n|c)?|{fuzzy('national')}\s+{fuzzy('insurance')}|n\.i\.?|"
        rf"{fuzzy('insurance')}\s+(?:no|number)|hmrc)"
        rf"(?:\b|(?<=\.)){GAP}{{0,30}}\s*$",
        re.IGNORECASE,
    )
    _CONTEXT_AFTER_RE = re.compile(
        rf"^{LABEL_AFTER}"
        rf"(?:nino|ni\b|{fuzzy('national')}\s+{fuzzy('insurance')}){NO_VALUE_OF_ITS_OWN}",
        re.IGNORECASE,
    )

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
            if text[result.end - 1].isalpha():
                result.score = self.WITH_SUFFIX_SCORE
            before = text[max(0, result.start - 40) : result.start]
            after = text[result.end : result.end + 60]
            if self._CONTEXT_BEFORE_RE.search(before) or self._CONTEXT_AFTER_RE.search(after):
                set_score(result, 0.95)
            elif ID_LABEL_BEFORE_RE.search(before):
                set_score(result, min(result.score, 0.2))
        return results

    def invalidate_result(self, pattern_text: str) -> bool:
        return pattern_text[:2].upper() in self.INVALID_PREFIXES


RECOGNIZER = UkNinoRecognizer
