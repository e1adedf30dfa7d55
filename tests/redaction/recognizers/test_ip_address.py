import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.recognizers.ip_address import RECOGNIZER
from redaction.types import IP_ADDRESS
from tests.redaction.recognizers.helpers import found, span_of

recognizer = RECOGNIZER()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("my IP is 192.168.1.20", "192.168.1.20"),
        ("login from 86.118.220.150.", "86.118.220.150"),
        ("connect to 10.0.0.5:8080", "10.0.0.5"),
        ("255.255.255.255", "255.255.255.255"),
        ("ip after the update: 10.1.2.3", "10.1.2.3"),
        ("2001:db8::8a2e:370:7334", "2001:db8::8a2e:370:7334"),
        ("from 2a02:0c7c:81f5:514c:57cc:8c8c:ae36:2c65", "2a02:0c7c:81f5:514c:57cc:8c8c:ae36:2c65"),
        ("fe80::1 is link-local", "fe80::1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
    ],
)
def test_finds_addresses(text: str, value: str) -> None:
    assert found(recognizer, text, IP_ADDRESS) == [span_of(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "version 1.2.3.4",
        "please update the app to 11.24.1.22, that fixes it",
        "the app (veersion 12.12.9.19) crashes",
        "build 10.0.19045.2006",
        "v10.0.19045",
        "upgraded to 5.0.9.24 yesterday",
        "256.1.1.1",
        "1.2.3.4.5",
        "at 12:30:45",
        "MAC 00:1A:2B:3C:4D:5E",
        "std::vector and dead::beef",
        "version 2.14.1",
        "price 1.234.567",
    ],
)
def test_ignores_look_alikes(text: str) -> None:
    assert found(recognizer, text, IP_ADDRESS) == []
