"""PASSPORT_NUMBER: passport numbers, only where the text says "passport".

Found: ``passport number 123456789`` (UK, US), ``passport no. A12345678`` (US), ``passport:
C01X00T47`` (DE), ``12AB34567`` (FR), ``XDA123456`` (ES), ``PA1234567`` (IE), ``123456789 is my
passport number``, ``Passport CVJJYZPYF`` and ``passport no. ccrhxcrm6`` (DE, right after the
word). Not found: the same shapes anywhere "passport" is not in the sentence
(order, account and tracking numbers look just like them).
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers._support import (
    ID_LABEL_BEFORE_RE,
    LABEL_AFTER,
    NO_VALUE_OF_ITS_OWN,
    SupportDeskPatternRecognizer,
    fuzzy,
    make_result,
)
from redaction.types import PASSPORT_NUMBER


class PassportRecognizer(SupportDeskPatternRecognizer):
    """A 6-9 character token of letters and digits with at least two digits (the UK and US
    9-digit and letter+8-digit forms, Irish and Indian letter+7, German ``C``+8 mixed), or 3-3-3
    digits. Reported only when it is the first such token after "passport" in the same sentence
    (a label on its own line counts), or is followed closely by "passport"; never when it has an
    order/ticket/tracking label of its own. Right after "passport" (and "no."/"number"/":"), a
    token with one digit or 8-9 consonants counts too (German ``CVJJYZPYF``). Nothing is
    reported in a message without "passport" (typos included)."""

    ENTITY = PASSPORT_NUMBER

    PATTERNS = [
        Pattern(
            "passport number (6-9 letters and digits, 2+ digits; or 3-3-3 digits)",
            r"(?<![\w-])(?:(?=(?:[a-z]*\d){2})[a-z0-9]{6,9}|\d{3} \d{3} \d{3})(?![\w-])",
            0.1,
        ),
    ]

    CONTEXT = ["passport"]

    _CANDIDATE_RE = re.compile(PATTERNS[0].regex, re.IGNORECASE)
    _PASSPORT_RE = re.compile(
        rf"{fuzzy('passport', word_start=True)}|travel\s+document", re.IGNORECASE
    )
    # End of a sentence: "No. 123" and "d.o.b." are not ends, ". Then" and a newline are.
    _SENTENCE_END_RE = re.compile(r"(?<![Nn][OoRr])[.!?]\s+[A-Z]|\n")
    _AFTER_RE = re.compile(
        rf"(?:{LABEL_AFTER}{fuzzy('passport')}"
        # "925076473 is the number on my passport"
        rf"|[^.!?\n\d]{{0,30}}?\b(?:my|your|his|her|their|our)\s+(?:\w+\s+)?{fuzzy('passport')})"
        rf"(?:\s+(?:number|no\.?|#))?{NO_VALUE_OF_ITS_OWN}",
        re.IGNORECASE,
    )
    _LABEL_ONLY_RE = re.compile(r"\s*(?:number|no\.?|num|nr\.?|#)?\s*:?\s*", re.IGNORECASE)
    # The value right after the word and its label ("Passport CVJJYZPYF", "passport no.
    # ccrhxcrm6"): there a token with fewer digits still counts, when it is no English word:
    # one digit, or 8-9 letters without a vowel (German numbers use consonants and digits).
    _ADJACENT_RE = re.compile(
        r"[ \t]*(?:(?:number|no\.?|num|nr\.?|#)[ \t]*)?(?:(?:is|:|=|-)[ \t]*)?"
        r"(?<![\w-])((?=[a-z]*\d)[a-z0-9]{6,9}|[b-df-hj-np-tv-z]{8,9})(?![\w-])",
        re.IGNORECASE,
    )
    _LOOKAHEAD_CHARS = 80

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        spans: set[tuple[int, int]] = set()
        mentions = list(self._PASSPORT_RE.finditer(text))
        if not mentions:
            return []
        for mention in mentions:
            adjacent = self._ADJACENT_RE.match(text, mention.end())
            if adjacent:
                spans.add(adjacent.span(1))
                continue
            window_end = min(len(text), mention.end() + self._LOOKAHEAD_CHARS)
            sentence_end = self._SENTENCE_END_RE.search(text, mention.end(), window_end)
            if sentence_end and self._LABEL_ONLY_RE.fullmatch(
                text, mention.end(), sentence_end.start()
            ):
                # "Passport number:\n123456789": the label's line ends, its value is next.
                sentence_end = self._SENTENCE_END_RE.search(text, sentence_end.end(), window_end)
            if sentence_end:
                window_end = sentence_end.start() + 1
            # Search to the end of the text, not the window: a window edge would cut a longer
            # token into a passport-sized one.
            first = self._CANDIDATE_RE.search(text, mention.end())
            if (
                first
                and first.start() < window_end
                and not ID_LABEL_BEFORE_RE.search(text, max(0, first.start() - 25), first.start())
            ):
                spans.add(first.span())
        for candidate in self._CANDIDATE_RE.finditer(text):
            # A label after the value. The value must look more like a passport number (5+
            # digits) than a promo code ("summer30 didn't apply, also my passport ..."); the
            # match has no end position, so its final look-ahead sees the digits of a value
            # that the label introduces instead ("... my passport no is 438027380").
            digits = sum(char.isdigit() for char in candidate.group())
            if (
                digits >= 5
                and self._AFTER_RE.match(text, candidate.end())
                and not ID_LABEL_BEFORE_RE.search(
                    text, max(0, candidate.start() - 25), candidate.start()
                )
            ):
                spans.add(candidate.span())
        return [
            make_result(self, self.PATTERNS[0], start, end, 0.9, context_checked=True)
            for start, end in sorted(spans)
        ]


RECOGNIZER = PassportRecognizer
