import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.recognizers.us_ssn import RECOGNIZER
from redaction.types import US_SSN
from tests.redaction.recognizers.helpers import found, span_of

recognizer = RECOGNIZER()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("it's 123-45-6789", "123-45-6789"),
        ("my SSN is 078-05-1121.", "078-05-1121"),
        ("ssn 123 45 6789", "123 45 6789"),
        ("SSN: 123.45.6789", "123.45.6789"),
        ("social security number 123456789", "123456789"),
        ("soical security no. 219099999", "219099999"),
        ("SS# 123456789", "123456789"),
        ("123456789 is my SSN", "123456789"),
        ("(SSN 665-12-3456)", "665-12-3456"),
    ],
)
def test_finds_ssns(text: str, value: str) -> None:
    assert found(recognizer, text, US_SSN) == [span_of(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "SSN 000-12-3456",  # area 000
        "SSN 666-12-3456",  # area 666
        "SSN 912-34-5678",  # area 9xx
        "SSN 123-00-4567",  # group 00
        "SSN 123-45-0000",  # serial 0000
        "SSN 111-11-1111",
        "order 123456789",  # bare nine digits, no SSN word
        "order 123 45 6789",
        "SKU 123-45-6789",
        "ref: 123-45-6789",
        "phone 212-555-1234",
        "card 4111-1111-1111-1111",
        "dated 2024-03-12",
        "ORD-123-45-6789",
    ],
)
def test_ignores_look_alikes(text: str) -> None:
    assert found(recognizer, text, US_SSN) == []
