import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.recognizers.passport import RECOGNIZER
from redaction.types import PASSPORT_NUMBER
from tests.redaction.recognizers.helpers import found, span_of

recognizer = RECOGNIZER()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("passport number 123456789", "123456789"),
        ("Passport No. A12345678", "A12345678"),
        ("passport: C01X00T47", "C01X00T47"),
        ("my passport is 12AB34567", "12AB34567"),
        ("passport # XDA123456 for the check", "XDA123456"),
        ("Passport number: PA1234567", "PA1234567"),
        ("passpport number J76151269 for the age check", "J76151269"),
        ("123456789 is my passport number", "123456789"),
        ("L57157331 (passport)", "L57157331"),
        ("my passport was issued in 2019, number 925076473", "925076473"),
        ("passport: CFJ6R7KLT", "CFJ6R7KLT"),
        ("Passport no: 123 456 789", "123 456 789"),
        ("Passport number:\n123456789", "123456789"),
        ("925076473 - my passport number", "925076473"),
        ("925076473 is the number on my passport", "925076473"),
        ("travel document number: X1234567", "X1234567"),
        # German: consonants and digits, often one digit or none, right after the word
        ("Passport CVJJYZPYF has been verified, thank you.", "CVJJYZPYF"),
        ("hey team, passport no. ccrhxcrm6, expires next year", "ccrhxcrm6"),
        ("Passport no. C8KJLXFGM, expires next year", "C8KJLXFGM"),
        ("my passport number is CFHZCWPGZ", "CFHZCWPGZ"),
        ("passport #: CL2ZWMKCM", "CL2ZWMKCM"),
    ],
)
def test_finds_passport_numbers(text: str, value: str) -> None:
    assert found(recognizer, text, PASSPORT_NUMBER) == [span_of(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "order 123456789 arrived",
        "tracking A12345678",
        "my passport expired, order 123456789 was cancelled. Ref 987654321",
        "passport photo booth, order ORD-2024-00017",
        "passport. Order 123456789 is late",
        "passport number 1234567890",  # too long
        "passport renewal form, see page 2",
        "order 123456789 for passport holder",
        "the prmoo code summer30 didn't apply, also my passport no is on the form",
        # right after the word, but an English word or too little of a number
        "passport photos were rejected",
        "Passport renewal takes weeks",
        "passport checked, thanks",
        "passport number: unknown",
        "passport STRENGTH rankings",
        "passport scanned, order W12345 next",
        "passport rhythms",  # 7 consonant letters: too short for a letters-only number
    ],
)
def test_ignores_numbers_without_passport_context(text: str) -> None:
    assert found(recognizer, text, PASSPORT_NUMBER) == []
