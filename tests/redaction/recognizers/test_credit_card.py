import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.recognizers.credit_card import RECOGNIZER
from redaction.types import CREDIT_CARD
from tests.redaction.recognizers.helpers import found, span_of

recognizer = RECOGNIZER()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("card 4111 1111 1111 1111 please", "4111 1111 1111 1111"),
        # a typo of "card" outweighs an earlier "reference"
        ("for reference the caard is 4111  1111  1111  1111", "4111  1111  1111  1111"),
        ("my ref, the carrd is 4111 1111 1111 1111", "4111 1111 1111 1111"),
        ("5500-0000-0000-0004", "5500-0000-0000-0004"),
        ("amex 378282246310005", "378282246310005"),
        ("amex 3782 822463 10005", "3782 822463 10005"),
        ("charged on 4111111111111111 for order 123", "4111111111111111"),
        ("4111 1111 1111 1111 exp 12/26", "4111 1111 1111 1111"),
        ("4111 1111 1111 1111 12/26 123", "4111 1111 1111 1111"),
        ("card: 5555 5555 5555 4444 cvv 123", "5555 5555 5555 4444"),
        ("discover 6011 1111 1111 1117.", "6011 1111 1111 1117"),
        ("mastercard 2221 0000 0000 0009", "2221 0000 0000 0009"),
        ("jcb 3530111333300000", "3530111333300000"),
        ("visa 4111.1111.1111.1111", "4111.1111.1111.1111"),
        ("unionpay 6223-7132-4954-6144-588", "6223-7132-4954-6144-588"),
        ("4111  1111  1111  1111 thanks", "4111  1111  1111  1111"),
        ("card 411 1111111 111111", "411 1111111 111111"),
        ("card 4111\u00a01111\u00a01111\u00a01111", "4111\u00a01111\u00a01111\u00a01111"),
        ("maestro 6759 6498 2643 8453 75", "6759 6498 2643 8453 75"),
    ],
)
def test_finds_cards(text: str, value: str) -> None:
    assert found(recognizer, text, CREDIT_CARD) == [span_of(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "card ending 4242",
        "my card ending in 1111 was declined",
        "4111 1111 1111 1112",  # fails Luhn
        "1234 5678 9012 3456",  # no issuer starts with 1
        "0000 0000 0000 0000",
        "4444 4444 4444 4444",  # one repeated digit
        "order 395-5162430-0496765",  # Amazon order id, Luhn-valid by chance
        "tracking 9400 1118 9922 3397 6543 21",
        "IMEI 356938035643809",
        "tracking number 4111111111111111",
        "1Z999AA10123456784",
        "41 11 11 11 11 11 11 11",
    ],
)
def test_ignores_look_alikes(text: str) -> None:
    assert found(recognizer, text, CREDIT_CARD) == []
