import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.recognizers.uk_nino import RECOGNIZER
from redaction.types import UK_NINO
from tests.redaction.recognizers.helpers import found, span_of

recognizer = RECOGNIZER()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("AB123456C", "AB123456C"),
        ("my NI number is JG 12 34 56 D.", "JG 12 34 56 D"),
        ("ab 12 34 56 c", "ab 12 34 56 c"),
        ("NI No. ce123456a", "ce123456a"),
        ("national insurance: AB 123456 C", "AB 123456 C"),
        ("NI: AB123456", "AB123456"),  # no suffix, but an NI word
        ("natonal insurance number AB123456", "AB123456"),
        ("AB123456 (NI number)", "AB123456"),
    ],
)
def test_finds_ninos(text: str, value: str) -> None:
    assert found(recognizer, text, UK_NINO) == [span_of(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "QQ123456C",  # Q is never a first letter
        "DA123456A",  # D neither
        "AO123456A",  # O is never a second letter
        "GB123456A",  # GB, BG, NK, KN, TN, NT, ZZ are never issued
        "ZZ123456A",
        "AB123456E",  # suffix is A-D
        "AB123456",  # no suffix and no NI word: an order reference
        "order AB123456C",
        "SKU-AB123456C",
        "AB1234567C",
    ],
)
def test_ignores_look_alikes(text: str) -> None:
    assert found(recognizer, text, UK_NINO) == []
