"""Values that only their neighbours reveal: a postcode closing an address, a postcode or a
date of birth as an item of a details line (redaction/neighbours.py), on the engine's own
detections."""

from __future__ import annotations

import pytest

from redaction import engine
from redaction.neighbours import add_found_by_neighbours
from redaction.types import (
    ADDRESS,
    DATE_OF_BIRTH,
    EMAIL_ADDRESS,
    PERSON,
    POSTCODE,
    Entity,
    RedactionContext,
)


def _found(text: str, known: tuple[str, ...] = (), kind: str = POSTCODE) -> list[str]:
    found = engine.analyze(text, RedactionContext(known=known))
    return [text[e.start : e.end] for e in found if e.type == kind]


def _postcodes(text: str, known: tuple[str, ...] = ()) -> list[str]:
    return _found(text, known, POSTCODE)


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("the delivery went to 69 bridge grove, inverness bn147wb, next door", "bn147wb"),
        ("ship to -> flat 3, 12 mill lane, whitby ld181ej", "ld181ej"),
        ("Noted: 14 Castle Row, Durham\nNE1 4XD. Thanks", "NE1 4XD"),
        ("send it to 221 Baker Street, London nw16xe please", "nw16xe"),
        ("it went to 4533 Willow Creek Trail, Anchorage 99517 instead", "99517"),
    ],
)
def test_a_postcode_closing_an_address_line(text: str, postcode: str) -> None:
    assert postcode in _postcodes(text)


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("me: Zebedee Quillfeather, 14/03/1987, 35000-1960 x", "35000-1960"),
        ("me: Zebedee Quillfeather, 26.07.1957, 16763 ta, Zeb", "16763"),
        ("me: zebedee quillfeather, 10-oct-1948, s86dt x", "s86dt"),
        ("me: zebedee quillfeather, 02/21/1947, s227hf ... paid usd 1,042", "s227hf"),
        ("Zebedee Quillfeather | zq@example.org | 88522-0358", "88522-0358"),
        ("zebedee quillfeather \u2022 zq@example.org \u2022 bd151sl", "bd151sl"),
    ],
)
def test_a_postcode_item_in_a_details_line(text: str, postcode: str) -> None:
    assert postcode in _postcodes(text, known=("Zebedee Quillfeather", "zq@example.org"))


@pytest.mark.parametrize(
    "text",
    [
        "me: Zebedee Quillfeather, zq@example.org, 12345 is my order number",
        "Zebedee Quillfeather, zq@example.org, 12345 was the ticket, 3 boxes",
        "Zebedee Quillfeather, zq@example.org, AB12 CDE x",  # not the postcode grammar
        "Zebedee Quillfeather, zq@example.org, order 12345",
        "Zebedee Quillfeather, zq@example.org, 57288.50 paid",
        "Order 12345, 2 items, 45.99",
    ],
)
def test_codes_in_a_details_line_stay(text: str) -> None:
    assert _postcodes(text, known=("Zebedee Quillfeather", "zq@example.org")) == []


def test_only_right_after_an_address() -> None:
    # given an address, then other words before a postcode-shaped code
    text = "12 Mill Lane, Whitby, order 12345 and SKU ab12cd"
    entities = [Entity(0, 20, ADDRESS, 0.9)]
    # when / then: nothing is added
    assert add_found_by_neighbours(text, entities) == entities


def test_added_spans_point_into_the_text() -> None:
    text = "Jane Roe, jr@example.org, ls14ap"
    entities = [Entity(0, 8, PERSON, 1.0), Entity(10, 24, EMAIL_ADDRESS, 1.0)]
    added = add_found_by_neighbours(text, entities)[2:]
    assert [(e.type, text[e.start : e.end]) for e in added] == [(POSTCODE, "ls14ap")]


ZEB = ("Zebedee Quillfeather", "zq@example.org")


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("me: Zebedee Quillfeather, 15/1/05, BL5 8NW", "15/1/05"),
        ("me: zebedee quillfeather, 5/7/05, PR206WH x", "5/7/05"),
        ("Zebedee Quillfeather | 12.03.2006 | zq@example.org", "12.03.2006"),
        ("zebedee quillfeather, 08-04-04, zq@example.org", "08-04-04"),
    ],
)
def test_a_date_item_in_a_details_line_is_a_date_of_birth(text: str, date: str) -> None:
    assert date in _found(text, ZEB, DATE_OF_BIRTH)


@pytest.mark.parametrize(
    "text",
    [
        "Zebedee Quillfeather, zq@example.org, 12/03/24 order placed",
        "Zebedee Quillfeather, zq@example.org, 12/03/24 delivered late",
        "Zebedee Quillfeather, zq@example.org, 31/31/05",  # no month in it
        "Order 12345, 2 items, 03/04/25",  # no personal data on the line
        "Zebedee Quillfeather, zq@example.org\n12/03/05",  # another line
        "Zebedee Quillfeather, zq@example.org, v1.2.3",
    ],
)
def test_other_dates_in_a_details_line_stay(text: str) -> None:
    assert _found(text, ZEB, DATE_OF_BIRTH) == []
