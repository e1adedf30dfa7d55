"""CREDIT_CARD: 13-19 digit card numbers, plain or grouped with spaces or dashes.

Found: ``4111 1111 1111 1111``, ``5500-0000-0000-0004``, ``378282246310005``. Not found:
``card ending 4242`` (four digits are not a card number), numbers that fail Luhn, numbers with
no card-network prefix, IMEIs, and digit runs that are part of a longer number.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers._support import SupportDeskPatternRecognizer, make_result, shape
from redaction.types import CREDIT_CARD


class CreditCardRecognizer(SupportDeskPatternRecognizer):
    """Luhn plus an issuer prefix and a length that issuer uses: that combination is specific
    enough to pass on its own (about 1 in 10 random numbers pass Luhn, far fewer also carry a
    real issuer prefix with the right length)."""

    ENTITY = CREDIT_CARD

    PATTERNS = [
        Pattern(
            "card (13-19 digits; groups apart by one or two spaces, a dash or a dot)",
            r"(?<![\w.,/-])(?<!\d[ \u00a0.-])(?<!\d  )\d(?:(?:[ \u00a0]{1,2}|[.-])?\d){12,18}"
            r"(?![\w/]|[.,]\d)",
            0.5,
        ),
    ]

    CONTEXT = [
        "card",
        "credit",
        "debit",
        "visa",
        "mastercard",
        "amex",
        "maestro",
        "discover",
        "cc",
        "pan",
    ]

    # (prefix range low, high, allowed lengths): the networks' published IIN ranges.
    ISSUERS: tuple[tuple[int, int, frozenset[int]], ...] = (
        (4, 4, frozenset({13, 16, 19})),  # Visa
        (51, 55, frozenset({16})),  # Mastercard
        (2221, 2720, frozenset({16})),  # Mastercard 2-series
        (34, 34, frozenset({15})),  # American Express
        (37, 37, frozenset({15})),
        (300, 305, frozenset({14, 16, 17, 18, 19})),  # Diners Club
        (36, 36, frozenset({14, 15, 16, 17, 18, 19})),
        (38, 39, frozenset({14, 16, 17, 18, 19})),
        (3528, 3589, frozenset({16, 17, 18, 19})),  # JCB
        (6011, 6011, frozenset({16, 17, 18, 19})),  # Discover
        (644, 649, frozenset({16, 17, 18, 19})),
        (65, 65, frozenset({16, 17, 18, 19})),
        (62, 62, frozenset({16, 17, 18, 19})),  # UnionPay
        (50, 50, frozenset({13, 14, 15, 16, 17, 18, 19})),  # Maestro
        (56, 69, frozenset({13, 14, 15, 16, 17, 18, 19})),
        (2200, 2204, frozenset({16, 17, 18, 19})),  # Mir
    )

    SEPARATORS = " \u00a0.-"
    _GROUPS_SPLIT_RE = re.compile(r"[ \u00a0.-]+")
    _CANDIDATE_RE = re.compile(PATTERNS[0].regex)
    # Cheap gate: no run of 12+ digits (with single separators) means no card number.
    _SHAPE_RE = re.compile(rb"(?:9(?:[ ?]{1,2}|[.-])?){11}9")  # "?": a non-ASCII space
    # Numbers that can pass Luhn with a card-like prefix: shipping, product and order codes.
    # (Not "account" or "customer": a card number is often given right after those.)
    _NOT_A_CARD_BEFORE_RE = re.compile(
        r"\b(?:order|invoice|inv|ref|reference|ticket|tracking|track|awb|waybill|consignment|"
        r"shipment|parcel|package|dhl|ups|fedex|usps|dpd|evri|hermes|yodel|parcelforce|sku|item|"
        r"product|part|model|serial|imei|barcode|ean|upc|gtin|isbn|booking|confirmation|"
        r"reservation|transaction|txn|receipt)\b[^.!?\n\d]{0,20}$",
        re.IGNORECASE,
    )
    _CARD_WORD_BEFORE_RE = re.compile(
        # "card" with the typos people make in a hurry: caard, carrd, crad, cadr
        r"\b(?:ca+r+d+s?|crad|cadr|credit|debit|visa|mastercard|amex|maestro|cc|pan)\b"
        r"[^.!?\n\d]{0,30}\s*$",
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
        results = []
        pattern = self.PATTERNS[0]
        for match in self._CANDIDATE_RE.finditer(text):
            start = match.start()
            end = self._valid_end(text, start, match.end())
            if end is None:
                continue
            score = 1.0
            before = text[max(0, start - 40) : start]
            if self._NOT_A_CARD_BEFORE_RE.search(before) and not self._CARD_WORD_BEFORE_RE.search(
                before
            ):
                score = 0.3  # a tracking/IMEI/order number that happens to pass Luhn
            results.append(
                make_result(self, pattern, start, end, score, validation=True, context_checked=True)
            )
        return results

    def _valid_end(self, text: str, start: int, end: int) -> int | None:
        """End of the card number in text[start:end], or None. A grouped number may run on into
        an expiry date or CVV ("4111 1111 1111 1111 123"): try dropping trailing groups."""
        while True:
            if self.validate_result(text[start:end]):
                return end
            cut = max(text.rfind(sep, start, end) for sep in self.SEPARATORS)
            if cut <= start or end - start < 14:
                return None
            end = cut
            while text[end - 1] in self.SEPARATORS:
                end -= 1

    def validate_result(self, pattern_text: str) -> bool:
        groups = self._GROUPS_SPLIT_RE.split(pattern_text)
        digits = "".join(groups)
        if len(groups) > 1 and min(len(g) for g in groups[:-1]) < 3:
            return False  # "41 11 11 ...": not how anyone groups a card number (the last
            # group can be short: "6759 6498 2643 8453 75", "4123 4567 8901 234 5")
        if "-" in pattern_text and len(groups[0]) != 4:
            return False  # dashed cards are 4-4-4-4 / 4-6-5; "395-5162430-0496765" is an order
        if len(set(digits)) == 1:
            return False
        return self._issuer_matches(digits) and self._luhn_valid(digits)

    def _issuer_matches(self, digits: str) -> bool:
        length = len(digits)
        for low, high, lengths in self.ISSUERS:
            prefix = int(digits[: len(str(low))])
            if low <= prefix <= high and length in lengths:
                return True
        return False

    @staticmethod
    def _luhn_valid(digits: str) -> bool:
        total = 0
        for index, char in enumerate(reversed(digits)):
            value = int(char)
            if index % 2 == 1:
                value = value * 2 - 9 if value > 4 else value * 2
            total += value
        return total % 10 == 0


RECOGNIZER = CreditCardRecognizer
