"""The structured-data recognizers through the real engine: discovered, run together, context
words applied, overlaps resolved."""

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.engine import analyze
from redaction.types import (
    CREDIT_CARD,
    DATE_OF_BIRTH,
    EMAIL_ADDRESS,
    IBAN_CODE,
    IP_ADDRESS,
    PASSPORT_NUMBER,
    PHONE_NUMBER,
    POSTCODE,
    UK_NINO,
    URL,
    US_SSN,
    RedactionContext,
)


def _typed_values(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in analyze(text, RedactionContext())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "you can reach me on 07700 900123 or jane.doe@example.co.uk",
            [(PHONE_NUMBER, "07700 900123"), (EMAIL_ADDRESS, "jane.doe@example.co.uk")],
        ),
        (
            "card 4111 1111 1111 1111, refund to GB82 WEST 1234 5698 7654 32",
            [(CREDIT_CARD, "4111 1111 1111 1111"), (IBAN_CODE, "GB82 WEST 1234 5698 7654 32")],
        ),
        ("my SSN is 123 45 6789", [(US_SSN, "123 45 6789")]),
        ("NI number AB123456C", [(UK_NINO, "AB123456C")]),
        ("DOB: 14/03/1987", [(DATE_OF_BIRTH, "14/03/1987")]),
        ("passport number 123456789", [(PASSPORT_NUMBER, "123456789")]),
        ("login from 86.118.220.150", [(IP_ADDRESS, "86.118.220.150")]),
        ("see linkedin.com/in/jane-doe", [(URL, "linkedin.com/in/jane-doe")]),
        ("my postcode is SW1A 1AA", [(POSTCODE, "SW1A 1AA")]),
        ("zip code 90210", [(POSTCODE, "90210")]),
    ],
)
def test_structured_values_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert _typed_values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Order #A12345 (ORD-2024-00017) was dispatched on 12/03/2024 at 14:32",
        "tracking 1Z999AA10123456784 or JD014600006281234567, invoice INV-2024-0042",
        "SKU TS-0422-NVY costs £1,234.50; promo code SPRING30",
        "please update the app to 2.14.1 (build 10.0.19045.2006), error 0x80070005 / E-1042",
        "I was charged on my card ending 4242 for order 1234567",
    ],
)
def test_look_alikes_survive(text: str) -> None:
    assert analyze(text, RedactionContext()) == []
