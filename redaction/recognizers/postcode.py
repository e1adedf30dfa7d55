"""POSTCODE: UK postcodes, and US ZIP codes when something says they are ZIP codes.

Found: ``SW1A 1AA``, ``sw1a 1aa``, ``M1 1AE``, ``EC1A1BB``, ``GIR 0AA``; ``90210`` in
``Beverly Hills, CA 90210`` or ``zip code 90210``; ``10001-1234`` after "zip". Not found: a bare
five-digit number (order numbers, amounts), ``AB12 CDE``-style SKUs, a postcode-shaped code
right after "SKU"/"ref"/"promo code".
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers._support import (
    ID_LABEL_BEFORE_RE,
    LABEL_AFTER,
    NO_VALUE_OF_ITS_OWN,
    CompiledPatterns,
    SupportDeskPatternRecognizer,
    compile_patterns,
    fuzzy,
    pattern_results,
    set_score,
    shape,
)
from redaction.types import POSTCODE

# Royal Mail grammar: outward A9, A99, A9A, AA9, AA99, AA9A; inward 9AA (no C I K M O V).
_OUTWARD = (
    r"(?:[a-pr-uwyz]\d[a-hjkpstuw]|[a-pr-uwyz][a-hk-y]\d[abehmnprv-y]"
    r"|[a-pr-uwyz][a-hk-y]\d\d?|[a-pr-uwyz]\d\d?)"
)
_INWARD = r"\d[abd-hjlnp-uw-z]{2}"
#: A UK postcode by the grammar, spaced or not (one or two spaces), any case.
UK_POSTCODE = rf"(?:gir {{0,2}}0aa|{_OUTWARD} {{0,2}}{_INWARD})"
#: Five digits, optionally +4, not part of an amount, a decimal or a longer number.
US_ZIP = r"\d(?<![\w.,$£€#-]\d)\d{4}(?:-\d{4})?(?![\w-]|[.,]\d)"

_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
)
_US_STATE_NAMES = (
    "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|"
    "georgia|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|"
    "massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|"
    "new hampshire|new jersey|new mexico|new york|north carolina|north dakota|ohio|oklahoma|"
    "oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|"
    "vermont|virginia|washington|west virginia|wisconsin|wyoming|puerto rico"
)


class PostcodeRecognizer(SupportDeskPatternRecognizer):
    """UK postcodes pass on their grammar (weaker when unspaced or lower-case). A US ZIP is
    just five digits, so it counts only after a ZIP/postal-code word or a US state."""

    ENTITY = POSTCODE

    PATTERNS = [
        Pattern(
            "UK postcode",
            rf"(?<![\w-]){UK_POSTCODE}(?![\w-])",
            0.7,
        ),
        Pattern("US ZIP or ZIP+4", US_ZIP, 0.1),
    ]
    # Before context: a UK postcode written without its space is a little less certain, a ZIP+4
    # a little more than a bare five-digit number (which needs a ZIP word or a state).
    UK_UNSPACED_SCORE = 0.6
    ZIP4_SCORE = 0.3

    CONTEXT = ["postcode", "zip", "zipcode", "postal"]

    _COMPILED = compile_patterns(PATTERNS)
    _POSTCODE_WORD_BEFORE_RE = re.compile(
        rf"\b(?:{fuzzy('postcode')}s?|post\s?codes?|{fuzzy('postal')}(?:\s+codes?)?|"
        rf"zip(?:\s?codes?)?|zip\+4|{fuzzy('address')}|"
        r"deliver(?:y|ed)?\s+to|ship(?:ping)?\s+to|send\s+(?:it\s+)?to|moved\s+to|"
        r"lives?\s+(?:in|at)|based\s+in)\b[^.!?\n\d]{0,25}\s*$",
        re.IGNORECASE,
    )
    # "Boise, ID 83702", "austin, tx 78701": a comma, a state code, the ZIP.
    _STATE_AFTER_COMMA_RE = re.compile(rf",\s*(?:{_US_STATES})\.?,?\s*$", re.IGNORECASE)
    # "Austin TX 78701": a capitalised city and an upper-case state code ("Order ID 12345" is
    # not a state).
    _STATE_AFTER_CITY_RE = re.compile(
        rf"\b(?!(?:Order|Customer|User|Ticket|Account|Item|Product)\b)[A-Z][a-z]+\.?\s+"
        rf"(?:{_US_STATES})\.?,?\s*$"
    )
    # "austin tx 78701": lower-case too, for the state codes that are not also English words
    # ("in", "or", "me", "hi", "ok"...).
    _LOWER_STATE_AFTER_CITY_RE = re.compile(
        r"\b[a-z]+\.?\s+(?:ak|az|ca|ct|dc|fl|ga|ia|il|ks|ky|md|mi|mn|ms|mt|nc|nd|ne|nh|nj|nm|nv|ny|"
        r"pr|ri|sc|sd|tn|tx|ut|va|vt|wa|wi|wv|wy)\.?,?\s*$",
        re.IGNORECASE,
    )
    # "90210 is my zip", "SW1A 1AA (postcode)".
    _POSTCODE_WORD_AFTER_RE = re.compile(
        rf"^{LABEL_AFTER}(?:post\s?code|postal\s+code|zip(?:\s?code)?)\b{NO_VALUE_OF_ITS_OWN}",
        re.IGNORECASE,
    )
    # The end of an address line: "leeds, ls1 4ap", "Leeds\nLS1 4AP".
    _ADDRESS_LINE_BEFORE_RE = re.compile(r"[a-z][,\n]\s*$", re.IGNORECASE)
    _STATE_NAME_RE = re.compile(rf"\b(?:{_US_STATE_NAMES})\s*,?\s*$", re.IGNORECASE)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        shaped = shape(text)
        # Every UK postcode ends in digit-letter-letter; every ZIP starts with five digits.
        uk, us = self._COMPILED
        patterns: CompiledPatterns = (uk,) if b"9aa" in shaped else ()
        patterns += (us,) if b"99999" in shaped else ()
        if not patterns:
            return []
        results = pattern_results(self, text, patterns)
        for result in results:
            before = text[max(0, result.start - 40) : result.start]
            value = text[result.start : result.end]
            if result.analysis_explanation.pattern_name.startswith("UK"):
                if " " not in value:
                    result.score = self.UK_UNSPACED_SCORE
                self._score_uk(value, before, result)
            else:
                if "-" in value:
                    result.score = self.ZIP4_SCORE
                self._score_us(before, text[result.end : result.end + 60], result)
        return results

    def _score_uk(self, value: str, before: str, result: RecognizerResult) -> None:
        if self._POSTCODE_WORD_BEFORE_RE.search(before):
            set_score(result, 0.95)
        elif ID_LABEL_BEFORE_RE.search(before):
            set_score(result, 0.2)
        elif value.islower() and " " not in value:
            # "ls14ap" could be anything, unless it ends an address line.
            set_score(result, 0.6 if self._ADDRESS_LINE_BEFORE_RE.search(before) else 0.4)

    def _score_us(self, before: str, after: str, result: RecognizerResult) -> None:
        if (
            self._POSTCODE_WORD_BEFORE_RE.search(before)
            or self._STATE_AFTER_COMMA_RE.search(before)
            or self._POSTCODE_WORD_AFTER_RE.search(after)
        ):
            set_score(result, 0.9)
        elif ID_LABEL_BEFORE_RE.search(before):
            set_score(result, 0.1)
        elif (
            self._STATE_AFTER_CITY_RE.search(before)
            or self._LOWER_STATE_AFTER_CITY_RE.search(before)
            or self._STATE_NAME_RE.search(before)
        ):
            set_score(result, 0.85)


RECOGNIZER = PostcodeRecognizer
