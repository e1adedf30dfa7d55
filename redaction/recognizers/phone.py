"""PHONE_NUMBER: UK, US and international numbers in the shapes people type them.

Found: ``+44 (0)20 7946 0958``, ``0044 20 7946 0958``, ``07700 900123``, ``(212) 555-1234``,
``212.555.1234``, ``+1-800-555-0199``, ``+353 1 234 5678``. Not found: order numbers
(``1234567``), tracking numbers, dates (``2024-03-12``), IP and version numbers, SSNs, card
numbers, and bare digit runs without a phone word nearby.
"""

from __future__ import annotations

import functools
import re

import phonenumbers
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
from redaction.types import PHONE_NUMBER


class PhoneRecognizer(SupportDeskPatternRecognizer):
    """A cheap regex finds digit runs that could be phone numbers; libphonenumber then checks
    only those candidates, against a short list of regions.

    Scores: international form (``+``/``00``) that libphonenumber accepts, or a national form
    with separators that it accepts: pass on their own. A bare digit run passes only with a
    phone word within a few words (``call``, ``mobile``, ``tel``...), when it starts with a
    trunk ``0`` and has a national length (10-12 digits), or when it is a valid ten-digit North
    American number not labelled as an order/ticket/tracking number. Everything else is
    dropped.
    """

    ENTITY = PHONE_NUMBER

    PATTERNS = [
        Pattern(
            "phone (candidate)",
            # optional +/00, optional "(", then digits with single separators between groups.
            r"(?<![\w+/.,#£$€-])(?:\+\s?|\b00\s?)?(?:\(\s?\+?\d{1,5}\s?\)\s?)?\d"
            r"(?:[ .\-]?\(?\d\)?){5,17}(?!\w|[.,]\d|-\d|/\d|:\d)",
            0.5,
        ),
    ]

    # Presidio-style context words. The recognizer applies its own, wider version of them below
    # (typos, words after the number, "my number is"), so the engine's enhancer leaves its scores
    # alone.
    CONTEXT = [
        "phone",
        "call",
        "mobile",
        "cell",
        "tel",
        "telephone",
        "landline",
        "whatsapp",
        "sms",
        "text",
        "contact",
    ]

    _COMPILED = compile_patterns(PATTERNS)
    # Cheap gate: seven digits, each group apart by at most a few separators.
    _SHAPE_RE = re.compile(rb"(?:9[ .()+-]{0,3}){6}9")
    # A national number is tried only in the regions its first digit fits: a trunk "0" (GB, IE,
    # FR, DE, NL, AU, IN; Italian landlines start with 0 too), or none (NANP, which parsing as US
    # also validates for CA; ES; Italian and Indian mobiles).
    REGIONS_AFTER_TRUNK_ZERO = ("GB", "IE", "FR", "DE", "NL", "AU", "IT", "IN")
    REGIONS_WITHOUT_TRUNK = ("US", "ES", "IT", "IN")

    _PHONE_WORDS = fuzzy("phone", "telephone", "mobile", "landline", "whatsapp", "cellphone")
    _CONTEXT_BEFORE_RE = re.compile(
        rf"(?:\b(?:{_PHONE_WORDS}|tel|mob|cell|sms|text(?:ed)?\s+me|call(?:ed)?|ring|"
        rf"reach(?:ed)?\s+me|contact|fax|my\s+(?:new\s+)?(?:{fuzzy('number')}|no\.?|digits)|"
        r"number\s+(?:is|was))\b|\btel\.|\bph\b\.?)"
        rf"{GAP}{{0,30}}\s*$",
        re.IGNORECASE,
    )
    _CONTEXT_AFTER_RE = re.compile(
        rf"^{LABEL_AFTER}(?:{_PHONE_WORDS}|cell|tel|home|work)\b{NO_VALUE_OF_ITS_OWN}"
        # "... is my new number", "... is the best number to reach me on"
        r"|^[ \t]*,?[ \t]*(?:is|was)\s+(?:my|the)\s+"
        r"(?:(?:new|best|usual|main|right|correct|only|mobile|home|work|contact)\s+)?"
        rf"(?:number|phone|mobile|phone\s+number|contact\s+number)\b{NO_VALUE_OF_ITS_OWN}",
        re.IGNORECASE,
    )
    # Shapes that are something else: dates, times, IPs and versions.
    _NOT_PHONE_RE = re.compile(
        r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|"
        r"(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"
    )
    # Shapes that are a phone number only if a phone word says so: SSN (3-2-4), ZIP+4 (5-4).
    _AMBIGUOUS_SHAPE_RE = re.compile(r"\d{3}[ .-]\d{2}[ .-]\d{4}|\d{5}-\d{4}")
    _GROUP_SPLIT_RE = re.compile(r"[^\d]+")
    _NON_DIGIT_RE = re.compile(r"\D")

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not self._SHAPE_RE.search(shape(text)):
            return []
        kept = []
        for result in pattern_results(self, text, self._COMPILED):
            score = self._score(text, result.start, result.end)
            if score >= 0.5:
                set_score(result, score)
                kept.append(result)
        return kept

    def _score(self, text: str, start: int, end: int) -> float:
        candidate = text[start:end]
        bare = candidate.strip("()+ ")
        if self._NOT_PHONE_RE.fullmatch(bare):
            return 0.0
        digits = self._NON_DIGIT_RE.sub("", candidate)
        if not 7 <= len(digits) <= 15:
            return 0.0
        lead = candidate.lstrip("( ")  # "(+44) 7911 123456", "(0044) ..."
        international = lead.startswith(("+", "00"))
        groups = [g for g in self._GROUP_SPLIT_RE.split(bare) if g]
        separated = len(groups) > 1
        national_groups = groups[1:] if international else groups
        if "." in bare and (len(digits) < 9 or min(len(g) for g in national_groups) < 2):
            return 0.0  # "10.0.19045", "1.234.567": versions and amounts
        before = text[max(0, start - 45) : start]
        after = text[end : end + 60]
        has_context = bool(
            self._CONTEXT_BEFORE_RE.search(before) or self._CONTEXT_AFTER_RE.search(after)
        )
        if not has_context and (
            ID_LABEL_BEFORE_RE.search(before) or self._AMBIGUOUS_SHAPE_RE.fullmatch(bare)
        ):
            return 0.0
        if not (international or separated or has_context):
            # A bare run passes with a trunk "0" and a national length ("07700900123",
            # "015221184937": order numbers rarely start with 0), or as a valid ten-digit North
            # American number; order/ticket/tracking numbers were dropped above.
            if digits.startswith("0") and 10 <= len(digits) <= 12:
                return 0.6 if self._national_region(digits)[0] is not None else 0.0
            if len(digits) == 10 and self._parse(digits, "US")[0]:
                return 0.55
            return 0.0
        if international:
            valid, possible = self._parse("+" + lead[2:] if lead.startswith("00") else lead)
            if valid:
                return 0.95
            return 0.7 if possible else 0.0
        region, possible = self._national_region(digits)
        if region is not None:
            if has_context:
                return 0.95
            if region in ("GB", "US") or digits.startswith("0") or len(groups) >= 3:
                return 0.8
            return 0.6  # "612 345678": valid in ES/IT/IN, and grouped like a phone number
        if possible and has_context:
            return 0.6
        if possible and separated and digits.startswith("0") and 10 <= len(digits) <= 11:
            return 0.55  # a UK-looking "0xxxx xxxxxx" outside the numbering plan (or made up)
        return 0.0

    def _national_region(self, digits: str) -> tuple[str | None, bool]:
        """(first region where libphonenumber calls the number valid, possible anywhere)."""
        possible = False
        regions = (
            self.REGIONS_AFTER_TRUNK_ZERO if digits.startswith("0") else self.REGIONS_WITHOUT_TRUNK
        )
        for region in regions:
            valid, is_possible = self._parse(digits, region)
            if valid:
                return region, True
            possible = possible or is_possible
        return None, possible

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def _parse(number: str, region: str | None = None) -> tuple[bool, bool]:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            return False, False
        if phonenumbers.is_valid_number(parsed):
            return True, True
        return False, phonenumbers.is_possible_number(parsed)


RECOGNIZER = PhoneRecognizer
