"""IBAN_CODE: International Bank Account Numbers, with or without spaces, any case.

Found: ``GB82 WEST 1234 5698 7654 32``, ``DE89370400440532013000``, ``fr14 2004 1010 0505
0001 3m02 606``. Not found: strings with a bad mod-97 checksum, the wrong length for their
country, or a country prefix that does not issue IBANs.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers._support import SupportDeskPatternRecognizer, make_result, shape
from redaction.types import IBAN_CODE


class IbanRecognizer(SupportDeskPatternRecognizer):
    """A country code, two check digits and the country's BBAN length, then ISO 7064 mod-97.

    The regex only finds candidates; the span is cut to the country's IBAN length (so the word
    after an IBAN written in groups is not swallowed) and the checksum decides. A valid
    checksum at the right length is unambiguous, so it passes on its own.
    """

    ENTITY = IBAN_CODE

    PATTERNS = [
        Pattern(
            "IBAN (candidate, optional single spaces or dashes)",
            r"(?<![a-z0-9-])[a-z]{2}\d{2}(?:[ -]?[a-z0-9]){11,30}",
            0.5,
        ),
    ]

    CONTEXT = ["iban", "bank", "account", "transfer", "refund", "payment"]

    # Total IBAN length by country (SWIFT IBAN registry).
    LENGTHS: dict[str, int] = {
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
        "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
        "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
        "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
        "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
        "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
        "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
        "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
        "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
        "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
        "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    }  # fmt: skip

    _CANDIDATE_RE = re.compile(PATTERNS[0].regex, re.IGNORECASE)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if b"aa99" not in shape(text):
            return []
        results = []
        for match in self._CANDIDATE_RE.finditer(text):
            start = match.start()
            length = self.LENGTHS.get(text[start : start + 2].upper())
            if length is None:
                continue
            end = self._end_after(text, start, match.end(), length)
            if end is None or not self.validate_result(text[start:end]):
                continue
            results.append(make_result(self, self.PATTERNS[0], start, end, 1.0, validation=True))
        return results

    @staticmethod
    def _end_after(text: str, start: int, stop: int, length: int) -> int | None:
        """Offset just past the ``length``-th alphanumeric from ``start``, if the IBAN ends
        there: not glued to more letters or digits."""
        count = 0
        for index in range(start, stop):
            if text[index] not in " -":
                count += 1
                if count == length:
                    end = index + 1
                    if end < len(text) and text[end].isalnum():
                        return None
                    return end
        return None

    def validate_result(self, pattern_text: str) -> bool:
        iban = pattern_text.replace(" ", "").replace("-", "").upper()
        if len(iban) != self.LENGTHS.get(iban[:2], -1) or not iban[2:4].isdigit():
            return False
        rearranged = iban[4:] + iban[:4]
        as_number = "".join(str(int(char, 36)) for char in rearranged)
        return int(as_number) % 97 == 1


RECOGNIZER = IbanRecognizer
