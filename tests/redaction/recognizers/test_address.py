"""ADDRESS: street lines (UK and US), with unit and town; never quantities or titles."""

from __future__ import annotations

import pytest

from redaction.recognizers.address import RECOGNIZER
from redaction.types import ADDRESS
from tests.redaction.recognizers.name_helpers import span_of, spans


@pytest.fixture(scope="module")
def recognizer():
    return RECOGNIZER()


VALID = [
    ("221B Baker Street", "221B Baker Street"),
    ("send it to Flat 3, 14 Acacia Avenue please", "Flat 3, 14 Acacia Avenue"),
    ("Apt 4B, 1600 Pennsylvania Ave NW", "Apt 4B, 1600 Pennsylvania Ave NW"),
    ("Suite 200, 500 Market St", "Suite 200, 500 Market St"),
    ("deliver to 12 High St, London", "12 High St, London"),
    (
        "my new address is 2659 Washington Street, Portland, OR 64845-3019",
        "2659 Washington Street, Portland, OR",
    ),
    (
        "I've updated your delivery address to 6486 Cedar Street, Apt 1B, Boise, ID 59222.",
        "6486 Cedar Street, Apt 1B, Boise, ID",
    ),
    ("please deliver to 109 Station Street, Manchester,\nB8 9NE", "109 Station Street, Manchester"),
    ("i live at Flat 13, 77 Kings Drive, Reading, BS18 5UD", "Flat 13, 77 Kings Drive, Reading"),
    ("hi, the parcel should go to 9 Kings Lane instead", "9 Kings Lane"),
    ("my address is 5266 lake street, columbus, oh 78014", "5266 lake street, columbus, oh"),
    ("5232 pine avenue, apt 26d, portland, or 44461", "5232 pine avenue, apt 26d, portland, or"),
    ("12 Queens Crescent", "12 Queens Crescent"),
    ("14 Acacia Way, Leeds", "14 Acacia Way, Leeds"),
    ("725 5th Avenue, New York, NY", "725 5th Avenue, New York, NY"),
    ("Flat 3\n14 Acacia Avenue\nLondon", "Flat 3\n14 Acacia Avenue\nLondon"),
    ("it's 3 oak rd", "3 oak rd"),
    ("No. 5 Church Road, Bath", "No. 5 Church Road, Bath"),
    ("Flat 2/14 Ponsonby Road, Auckland", "Flat 2/14 Ponsonby Road, Auckland"),
    ("12 St John's Wood Terrace", "12 St John's Wood Terrace"),
    ("PO Box 4417, Wellington", "PO Box 4417, Wellington"),
    ("Rose Cottage, Mill Lane, Little Hampton", "Rose Cottage, Mill Lane, Little Hampton"),
    (
        "The Old Rectory\nChurch Lane\nLower Slaughter",
        "The Old Rectory\nChurch Lane\nLower Slaughter",
    ),
    (
        "Address line 1: 17 Cherry Tree Close\nAddress line 2: Little Snoring",
        "17 Cherry Tree Close",
    ),
    (
        "my address: Flat 4, 2 Grafton Street, Dublin 2, D02 XY12",
        "Flat 4, 2 Grafton Street, Dublin 2",
    ),
    (
        "Unit 5, 23-25 Ponsonby Rd, Grey Lynn, Auckland 1021",
        "Unit 5, 23-25 Ponsonby Rd, Grey Lynn, Auckland 1021",
    ),
    ("1 Infinite Loop, Cupertino, CA 95014", "1 Infinite Loop, Cupertino, CA"),
    (
        "Apartment 12, The Maltings, 5 Station Rd, Ely",
        "Apartment 12, The Maltings, 5 Station Rd, Ely",
    ),
    ("3rd Floor, 10 Downing Street, Westminster", "3rd Floor, 10 Downing Street, Westminster"),
    ("14 the crescent, bath", "14 the crescent"),
    ("deliver to 42 Wallaby Way, Sydney", "42 Wallaby Way, Sydney"),
]

INVALID = [
    "order 12 items",
    "version 2 road map",
    "3 Main Street Deals",
    "£12 at the park",
    "I ordered 3 items the other way",
    "10 green tea bags",
    "it costs 5 dollars a day",
    "we open at 9 on Main Street",
    "the 2 way radio",
    "buy 2 park passes",
    "page 4 street view",
    "section 5 Lane 3 is closed",
    "4 hill walks this summer",
    "Road to Perdition, 2 Fast 2 Furious",
    "Chapter 3 the road ahead",
    "we have 3 way splitters and 2 park benches",
]


@pytest.mark.parametrize(("text", "address"), VALID)
def test_finds_the_street_line(recognizer, text, address):
    assert spans(recognizer, text, ADDRESS) == [span_of(text, address)]


@pytest.mark.parametrize("text", INVALID)
def test_leaves_quantities_and_titles(recognizer, text):
    assert spans(recognizer, text, ADDRESS) == []
