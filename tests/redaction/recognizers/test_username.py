"""USERNAME: handles after a label that names them, and @mentions; never codes."""

from __future__ import annotations

import pytest

from redaction.recognizers.username import RECOGNIZER
from redaction.types import USERNAME
from tests.redaction.recognizers.name_helpers import span_of, spans


@pytest.fixture(scope="module")
def recognizer():
    return RECOGNIZER()


VALID = [
    ("username: jdoe42", "jdoe42"),
    ("Username = Jane.Doe", "Jane.Doe"),
    ("my user name is sarah_k", "sarah_k"),
    ("my username is toby.forster50", "toby.forster50"),
    ("my usenrame is nelsonk. you can call me", "nelsonk"),
    ("user name is priyaK", "priyaK"),
    ("I can't log in as houghtonr, it keeps saying wrong password", "houghtonr"),
    ("my handle is @jane_doe", "jane_doe"),
    ("thanks @mike.t for the help", "mike.t"),
    ("signed in as priya88 but nothing shows", "priya88"),
    ("logged in with sam-k-1990 on the app", "sam-k-1990"),
    ("account jdoe42 is locked", "jdoe42"),
    ("login: sarahjones", "sarahjones"),
    ("I can see a login for summersn from 92.146.69.43.", "summersn"),
    ("I can see a login for mercedes.cannon20 from 5.95.224.29.", "mercedes.cannon20"),
    ("Instagram @beauty.by.sam", "beauty.by.sam"),
    ("my gamertag is xXSlayerXx", "xXSlayerXx"),
    ("the username is summer20", "summer20"),
    ("display name: Kiwi_Dave", "Kiwi_Dave"),
    ("discord: tui#1234", "tui#1234"),
    ("reset the password for user lakshmi_iyer please", "lakshmi_iyer"),
    ("(user: aroha.n)", "aroha.n"),
    ("Login ID: deepika.r", "deepika.r"),
    # the label after the handle
    ("'MylesSekhon15' is my login", "MylesSekhon15"),
    ("'zaidtrask' is my login | Re: CS-2025-1689", "zaidtrask"),
    ("\u2018the_gautam_mccorkill\u2019 is my loggin", "the_gautam_mccorkill"),
    ("jdoe42 was my old username, now it's different", "jdoe42"),
    # "go by"
    ("I go by AmrutaHans99 on the forum", "AmrutaHans99"),
    ("i go by the_zion_flaherty on the forum", "the_zion_flaherty"),
    ("I go by finbar-lardner-86 on the forum", "finbar-lardner-86"),
    # an @mention shaped like a promo code is still a handle
    ("placed it from her account (@jaxonuniacke38)", "jaxonuniacke38"),
]

INVALID = [
    "the account settings page",
    "login page broken",
    "my username is wrong",
    "promo code SUMMER20 not working",
    "use code extra25 at checkout",
    "order ORD-12345 and SKU-32858-L",
    "error E3951 when logging in",
    "update to version 2.4.1",
    "email me at jane@example.com",
    "my account ID: 8812345",
    "logged in as admin",
    "account for delivery",
    "the tracking number is 1ZXVZ0160369173565",
    "meet @ 5pm",
    "user for 5 years, never had this",
    "invoice INV-2026-01306 for my account",
    "this is my login page and it is broken",
    "Google is my login method",
    "that is my login",
    "SUMMER20 is my promo code",
    "ORD-12345 was my order",
    "I'll go by the shop tomorrow",
    "we go by 5pm",
    "ping @ERR404 in the logs",
]


@pytest.mark.parametrize(("text", "handle"), VALID)
def test_finds_the_handle(recognizer, text, handle):
    assert spans(recognizer, text, USERNAME) == [span_of(text, handle)]


@pytest.mark.parametrize("text", INVALID)
def test_leaves_codes_and_words(recognizer, text):
    assert spans(recognizer, text, USERNAME) == []
