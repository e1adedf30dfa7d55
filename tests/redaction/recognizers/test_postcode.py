import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.recognizers.postcode import RECOGNIZER
from redaction.types import POSTCODE
from tests.redaction.recognizers.helpers import found, span_of

recognizer = RECOGNIZER()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # UK: every outward form, spaced, unspaced, lower-case
        ("London SW1A 1AA", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A1BB", "EC1A1BB"),
        ("GIR 0AA", "GIR 0AA"),
        ("postcode is sw1a 1aa", "sw1a 1aa"),
        ("my postcode: sw1a1aa", "sw1a1aa"),
        ("Leeds,\nLS1 4AP", "LS1 4AP"),
        # US: only with a ZIP word or a state
        ("Beverly Hills, CA 90210", "90210"),
        ("columbus, oh 43215", "43215"),
        ("Austin TX 78701", "78701"),
        ("Boise, ID 83702-1234", "83702-1234"),
        ("zip code 10001", "10001"),
        ("my zip is 10001-1234.", "10001-1234"),
        ("Texas 75001", "75001"),
        ("austin tx 78701", "78701"),
        ("SW1A  1AA", "SW1A  1AA"),
        ("flat 6, 226 highfield road, leeds, ls14ap", "ls14ap"),
    ],
)
def test_finds_postcodes(text: str, value: str) -> None:
    assert found(recognizer, text, POSTCODE) == [span_of(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "order 12345 arrived",
        "it cost 12345 yen",
        "Order ID 12345",
        "ticket 12345-6789",
        "SKU AB1 2CD",  # C is never in an inward code
        "SKU: M1 1AE",
        "promo code W1A 0AX",
        "ab12cd",
        "QV1 1AA",  # Q and V never start a postcode
        "the 2nd one",
        "order ORD-2024-00017",
        "sw1a1aa",  # unspaced and lower-case: needs a postcode word
        "I'll be in 12345 days",
    ],
)
def test_ignores_look_alikes(text: str) -> None:
    assert found(recognizer, text, POSTCODE) == []
