import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.recognizers.personal_url import RECOGNIZER
from redaction.types import URL
from tests.redaction.recognizers.helpers import found, span_of

recognizer = RECOGNIZER()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("see linkedin.com/in/jane-doe", "linkedin.com/in/jane-doe"),
        (
            "https://www.linkedin.com/in/jane-doe-12345/ thanks",
            "https://www.linkedin.com/in/jane-doe-12345/",
        ),
        ("my fb is https://www.facebook.com/jane.doe.", "https://www.facebook.com/jane.doe"),
        ("facebook.com/profile.php?id=100012345678", "facebook.com/profile.php?id=100012345678"),
        ("x.com/janedoe", "x.com/janedoe"),
        ("Profile: https://x.com/SaumyaO'Loughlin x", "https://x.com/SaumyaO'Loughlin"),
        ("see 'x.com/janedoe' there", "x.com/janedoe"),
        ("(twitter.com/jane_doe)", "twitter.com/jane_doe"),
        ("https://github.com/janedoe", "https://github.com/janedoe"),
        ("instagram.com/jane.doe_/", "instagram.com/jane.doe_/"),
        ("www.tiktok.com/@janedoe", "www.tiktok.com/@janedoe"),
        (
            "https://shop.example.com/track?order=1&email=jane%40x.com.",
            "https://shop.example.com/track?order=1&email=jane%40x.com",
        ),
        (
            "www.example.com/account?first_name=Jane&last_name=Doe",
            "www.example.com/account?first_name=Jane&last_name=Doe",
        ),
    ],
)
def test_finds_personal_urls(text: str, value: str) -> None:
    assert found(recognizer, text, URL) == [span_of(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "https://www.amazon.com/dp/B08N5WRWNW",
        "see https://help.example.com/articles/123-returns",
        "track it at https://shop.example.com/track?order=12345",
        "facebook.com/help and facebook.com/login",
        "github.com/features",
        "https://github.com/django/django/issues/123",
        "x.com/settings",
        "dropbox.com/s/abc123/file.pdf",
        "jane@x.com",
        "https://shop.example.com/search?q=red+shoes&product_name=coat",
        "x.com/settings' page",
        "'facebook.com/help'",
    ],
)
def test_ignores_other_urls(text: str) -> None:
    assert found(recognizer, text, URL) == []
