import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.recognizers.iban import RECOGNIZER
from redaction.types import IBAN_CODE
from tests.redaction.recognizers.helpers import found, span_of

recognizer = RECOGNIZER()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("IBAN GB82 WEST 1234 5698 7654 32 thanks", "GB82 WEST 1234 5698 7654 32"),
        ("GB82WEST12345698765432", "GB82WEST12345698765432"),
        ("refund to gb82 west 1234 5698 7654 32.", "gb82 west 1234 5698 7654 32"),
        ("DE89370400440532013000", "DE89370400440532013000"),
        ("DE89 3704 0044 0532 0130 00 is mine", "DE89 3704 0044 0532 0130 00"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR14 2004 1010 0505 0001 3M02 606"),
        ("ES91 2100 0418 4502 0005 1332", "ES91 2100 0418 4502 0005 1332"),
        ("IE29 AIBK 9311 5212 3456 78", "IE29 AIBK 9311 5212 3456 78"),
        ("NL91ABNA0417164300", "NL91ABNA0417164300"),
        ("IT60 X054 2811 1010 0000 0123 456", "IT60 X054 2811 1010 0000 0123 456"),
        ("BE68539007547034", "BE68539007547034"),
        ("(IBAN: CH93 0076 2011 6238 5295 7)", "CH93 0076 2011 6238 5295 7"),
    ],
)
def test_finds_ibans(text: str, value: str) -> None:
    assert found(recognizer, text, IBAN_CODE) == [span_of(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "GB82 WEST 1234 5698 7654 33",  # bad checksum
        "GB82WEST1234569876543",  # one character short
        "GB82WEST123456987654321",  # one too many
        "XX82WEST12345698765432",  # not an IBAN country
        "SKU AB12CDEF34567890",
        "tracking JD014600006281234567",
        "order ORD-2024-00017",
    ],
)
def test_ignores_look_alikes(text: str) -> None:
    assert found(recognizer, text, IBAN_CODE) == []
