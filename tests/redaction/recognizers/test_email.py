import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.recognizers.email import RECOGNIZER
from redaction.types import EMAIL_ADDRESS
from tests.redaction.recognizers.helpers import found, span_of

recognizer = RECOGNIZER()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("my email is jane.doe@example.co.uk thanks", "jane.doe@example.co.uk"),
        ("JANE.DOE+ORDERS@EXAMPLE.COM", "JANE.DOE+ORDERS@EXAMPLE.COM"),
        ("reach me on o'brien_j85@mail.ie.", "o'brien_j85@mail.ie"),
        ("send it to <j.smith@sub.example.org>", "j.smith@sub.example.org"),
        ("it's john dot smith at gmail dot com", "john dot smith at gmail dot com"),
        ("john[at]example[dot]com", "john[at]example[dot]com"),
        (
            "write to john (at) example (dot) co (dot) uk please",
            "john (at) example (dot) co (dot) uk",
        ),
        ("john @ example . com", "john @ example . com"),
        ("mail: jane.doe at gmail.com", "jane.doe at gmail.com"),
        ("jane at example dot co dot uk", "jane at example dot co dot uk"),
        ("my email is jsmith at acme.com", "jsmith at acme.com"),
        ("contact kate at hotmail.co.uk", "kate at hotmail.co.uk"),
        ("john@example dot com", "john@example dot com"),
    ],
)
def test_finds_addresses(text: str, value: str) -> None:
    assert found(recognizer, text, EMAIL_ADDRESS) == [span_of(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "see logo@2x.png and icon@3x.webp",
        "find us at shop.com or visit us at example.org",
        "it's available at amazon.com for less",
        "I logged in at 5pm at home",
        "follow @janedoe on twitter",
        "look at the order dot com page",
        "the price is 20@5.99 each",
        "version@1.2.3",
        "user@localhost",
    ],
)
def test_ignores_look_alikes(text: str) -> None:
    assert found(recognizer, text, EMAIL_ADDRESS) == []


def test_two_addresses_in_one_message() -> None:
    text = "old: a.b@example.com, new: c.d@example.net"
    assert found(recognizer, text, EMAIL_ADDRESS) == [
        span_of(text, "a.b@example.com"),
        span_of(text, "c.d@example.net"),
    ]
