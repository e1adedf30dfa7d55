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
    # A building name between the flat and the street, in any case, after a comma or a newline.
    (
        "apartment 31, alexandra house, 44 willow rise, inverness ze2 8yf",
        "apartment 31, alexandra house, 44 willow rise, inverness",
    ),
    (
        "Shipping address:\nFlat 4, The Maltings\n180 Ferry Mews\nKendal\nIG14 6WW",
        "Flat 4, The Maltings\n180 Ferry Mews\nKendal",
    ),
    (
        "went to apartment 9, mill yard, 14 abbey grove, harrogate bt19 0sh, next door",
        "apartment 9, mill yard, 14 abbey grove, harrogate",
    ),
    (
        "recipient: apartment 26, victoria wharf, 10 quarry way, belfast, sw8 5bd",
        "apartment 26, victoria wharf, 10 quarry way, belfast",
    ),
    (
        "flat 9, the maltings\n188 heather terrace\nludlow",
        "flat 9, the maltings\n188 heather terrace\nludlow",
    ),
    # Pieces of one address (flat + building, then street) come back as one span.
    (
        "Apartment 35, Riverside Court, 178 Meadow Terrace, Ludlow SO3 3LR",
        "Apartment 35, Riverside Court, 178 Meadow Terrace, Ludlow",
    ),
    (
        "Flat 3, Riverside Court\n6 Quarry Place\nStirling\nPH10 7RU",
        "Flat 3, Riverside Court\n6 Quarry Place\nStirling",
    ),
    # Lower-case weak street types, confirmed by a lettered number or a town and postcode.
    ("recipient x, 219b beech way, durham, ll11 5qq | paid", "219b beech way, durham"),
    ("send it to 14 willow way, durham, dh1 3le", "14 willow way, durham"),
    # US lines without commas: town and state before the ZIP.
    (
        "hey team, 9775 willow creek ave #96 richmond va 35502 <- billing",
        "9775 willow creek ave #96 richmond va",
    ),
    (
        "went to 6577 magnolia trail unit 7 anchorage ak 44312-4957, should",
        "6577 magnolia trail unit 7 anchorage ak",
    ),
    ("3559 magnolia pl unit 30 santa fe nm 58322", "3559 magnolia pl unit 30 santa fe nm"),
    (
        "apartment 26b, 8816 magnolia ct, santa fe, nm 13913-6784",
        "apartment 26b, 8816 magnolia ct, santa fe, nm",
    ),
    # A weak street type on the line after a flat and building line.
    (
        "flat 3, riverside court\n59 bridge rise\nludlow\ndn8 8us",
        "flat 3, riverside court\n59 bridge rise\nludlow",
    ),
    # A "not a house number" word on the line before does not count ("wrong size\n3929 …").
    (
        "arrived in the wrong size\n\n3929 Magnolia Way Apartment 15D Savannah GA 65188-8849",
        "3929 Magnolia Way Apartment 15D Savannah GA",
    ),
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
    "I need 4 mountain trail unit 2 replacements",
    "we sold 12 hill walks, york, yo1 7hh",
    "order 12 the long way, leeds, ls1 4ab",
    "flat 4, the maltings is lovely",
    "the 2 way radio, leeds, ls1 4ab",
    "my 3 items the other way va 35502",
    "ticket 219b beech way, durham",
    "3 Main Street Deals, London, SW1A 1AA",
    "version 2b road map",
    "size 12 Park Lane shoes",
]


@pytest.mark.parametrize(("text", "address"), VALID)
def test_finds_the_street_line(recognizer, text, address):
    assert spans(recognizer, text, ADDRESS) == [span_of(text, address)]


@pytest.mark.parametrize("text", INVALID)
def test_leaves_quantities_and_titles(recognizer, text):
    assert spans(recognizer, text, ADDRESS) == []
