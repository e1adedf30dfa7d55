import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import pytest

from redaction.recognizers.date_of_birth import RECOGNIZER
from redaction.types import DATE_OF_BIRTH
from tests.redaction.recognizers.helpers import found, span_of

recognizer = RECOGNIZER()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("DOB: 14/03/1987", "14/03/1987"),
        ("d.o.b. 03/14/1987", "03/14/1987"),
        ("D.O.B 14-03-87", "14-03-87"),
        ("date of birth is 1987-03-14", "1987-03-14"),
        ("my date of birrth is 14 August 1957", "14 August 1957"),
        ("my dte of birth is 12 May 1979", "12 May 1979"),
        ("born on 14th March 1987", "14th March 1987"),
        ("I was born on the 4th of July 1990", "4th of July 1990"),
        ("birthday: March 14th, 1987", "March 14th, 1987"),
        ("my birthday is March 14", "March 14"),
        ("birth date 14.03.1987", "14.03.1987"),
        ("14/03/1987 (DOB)", "14/03/1987"),
        ("14/03/1987 is my date of birth", "14/03/1987"),
        ("Can you confirm your date of birth? We have 15/01/1996 on file.", "15/01/1996"),
        ("DOB - 14-Mar-1987", "14-Mar-1987"),
        ("DOB — 14 Mar '87", "14 Mar '87"),
        ("date-of-birth: 1987/03/14", "1987/03/14"),
        ("Date of birth:\n14/03/1987", "14/03/1987"),
        # No birth word, but a full date decades old: not an order date or a timestamp.
        ("my details: Jane, 3 May 1975, jane@example.com", "3 May 1975"),
        ("it's 14/3/1987", "14/3/1987"),
        ("details: Jane, 14/3/87, jane@example.com", "14/3/87"),
        # the label after the date, as an operator asks it
        ("For security, is 8/4/04 your date of birth?", "8/4/04"),
        ("Is 23/9/02 the DOB on the account?", "23/9/02"),
    ],
)
def test_finds_dates_of_birth(text: str, value: str) -> None:
    assert found(recognizer, text, DATE_OF_BIRTH) == [span_of(text, value)]


@pytest.mark.parametrize(
    "text",
    [
        "ordered on 12/03/2024",
        "delivered 2024-03-12 14:32",
        "placed on 12 March 2024, arriving 15 March",
        "timestamp 2024-03-12T14:32:00Z",
        "When is your birthday? I placed the order on 12/03/2024",
        "I was born in Leeds. Ordered 12/03/2024",
        "it's a birthday present, dispatched on 12/03/2024",
        "DOB 31/31/1987",  # neither part is a month
        "birthday sale ends 12/03/2024",
        "customer since 12/03/2001",
        "my passport was issued on 01/02/2012",
        "I bought it on 5 June 2009 and it broke",
        "12 March",  # no year and no birth word
        "please update the app to 6.19.10",  # a version, not 19 June 2010
        "it's 14.3.87",  # a two-digit year needs a birth word, unless slashed
        "delivered 12/03/24",
        "promo valid until 23 November my date of birth is not given",
        "valid until 23 November my date of birth is 1944",
        "it was placed on 28 November\nmy date of birth is not on file",
        "was 12/03/24 your order date? your date of birth is on file",
        "ordered 12/03/24 the birthday present",
    ],
)
def test_ignores_other_dates(text: str) -> None:
    assert found(recognizer, text, DATE_OF_BIRTH) == []
