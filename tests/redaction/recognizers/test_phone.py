import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.recognizers.phone import RECOGNIZER
from redaction.types import PHONE_NUMBER
from tests.redaction.recognizers.helpers import found, span_of

recognizer = RECOGNIZER()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # UK
        ("call me on +44 (0)20 7946 0958 please", "+44 (0)20 7946 0958"),
        ("0044 20 7946 0958", "0044 20 7946 0958"),
        ("+447700900123", "+447700900123"),
        ("my mobile is 07700 900123", "07700 900123"),
        ("07911 123456 is best", "07911 123456"),
        ("ring 020 7946 0958 after 5", "020 7946 0958"),
        ("(020) 7946 0958", "(020) 7946 0958"),
        ("0161-496-0000 is the office", "0161-496-0000"),
        ("my details: Sian Bond, 07911123456, sian@example.com", "07911123456"),
        ("my mobie is 02082851159", "02082851159"),
        # US / Canada
        ("(212) 555-1234", "(212) 555-1234"),
        ("212.555.1234", "212.555.1234"),
        ("call 1-800-555-0199 now", "1-800-555-0199"),
        ("+1 (415) 555-2671", "+1 (415) 555-2671"),
        ("+1.212.555.1234", "+1.212.555.1234"),
        ("my details: Levi Ewing, 7183741174, levi@example.com", "7183741174"),
        ("text me at 415 555 2671", "415 555 2671"),
        # elsewhere
        ("+353 1 234 5678", "+353 1 234 5678"),
        ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("+49 30 12345678", "+49 30 12345678"),
        ("+61 4 1234 5678", "+61 4 1234 5678"),
        ("+91-98765-43210", "+91-98765-43210"),
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("Tel:020 7946 0958", "020 7946 0958"),
        ("(+44) 7911 123456", "(+44) 7911 123456"),
        ("(0044) 20 7946 0958", "(0044) 20 7946 0958"),
        ("+44 7700 900123", "+44 7700 900123"),  # a drama number: possible, not valid
        ("07700 900123 (mobile)", "07700 900123"),
        ("Phone number:\n020 7946 0958", "020 7946 0958"),
        ("call 555-0199", "555-0199"),  # a local number, kept because "call" says so
        # the label after it, even after an account word ends the sentence before
        (
            "It's my Monzo account | +447746111042 is the best number to reach me on",
            "+447746111042",
        ),
        ("my account.\n06.59958480 is the best number to reach me on", "06.59958480"),
        ("02079460958 is my new number", "02079460958"),
    ],
)
def test_finds_numbers(text: str, value: str) -> None:
    assert found(recognizer, text, PHONE_NUMBER) == [span_of(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "order 1234567 arrived",
        "order #87861757 was dispatched",
        "ORD-2024-00017 is late",
        "tracking 1Z999AA10123456784",
        "tracking JD014600006281234567",
        "tracking number 9400111899223397654321",
        "amazon order 395-5162430-0496765",
        "order 2203986967921 arrived damaged",
        "placed 2024-03-12 14:30:05",
        "placed on 12/03/2024",
        "ip 192.168.1.254",
        "update to 10.0.19045.2006",
        "ssn 123-45-6789",
        "card 4111 1111 1111 1111",
        "card ending 4242",
        "total £1,234,567.00",
        "sort code 20-00-00",
        "zip 10001-1234",
        "invoice 4155552671",
        "order number 0123456789",
        "case 2125551234",
        "1234567890123",
        "order 2125551234 is the order number",
        "account 2125551234 is the account number",
    ],
)
def test_ignores_look_alikes(text: str) -> None:
    assert found(recognizer, text, PHONE_NUMBER) == []


def test_two_numbers() -> None:
    text = "mobile 07700 900123, landline 020 7946 0958"
    assert found(recognizer, text, PHONE_NUMBER) == [
        span_of(text, "07700 900123"),
        span_of(text, "020 7946 0958"),
    ]
