"""The conversation's own people: names, emails (also spelled out), logins derived from names."""

from __future__ import annotations

import pytest

from redaction.recognizers.known_participants import KnownParticipantsRecognizer, classify

KNOWN = ("Ira Carville", "ira.c@example.org", "opal_ops", "Seamus")


def found(text: str, known: tuple[str, ...] = KNOWN) -> list[tuple[str, str]]:
    results = KnownParticipantsRecognizer(known).analyze(
        text, ["PERSON", "EMAIL_ADDRESS", "USERNAME"]
    )
    return sorted({(r.entity_type, text[r.start : r.end]) for r in results})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi IRA   carville!", ("PERSON", "IRA   carville")),
        ("thanks, Carville", ("PERSON", "Carville")),
        ("mail ira.c@example.org please", ("EMAIL_ADDRESS", "ira.c@example.org")),
        ("it's ira.c at example dot org", ("EMAIL_ADDRESS", "ira.c at example dot org")),
        ("ira.c (at) example (dot) org", ("EMAIL_ADDRESS", "ira.c (at) example (dot) org")),
        ("ira.c @ example . org", ("EMAIL_ADDRESS", "ira.c @ example . org")),
        ("login @opal_ops", ("USERNAME", "@opal_ops")),
        ("my login is iracarville", ("USERNAME", "iracarville")),
        ("IraCarville36 here", ("USERNAME", "IraCarville36")),
        ("i.carville", ("USERNAME", "i.carville")),
        ("carville_ira", ("USERNAME", "carville_ira")),
        ("xX_seamus_Xx on the forum", ("USERNAME", "xX_seamus_Xx")),
        ("seamus1987", ("USERNAME", "seamus1987")),
    ],
)
def test_valid(text: str, expected: tuple[str, str]) -> None:
    assert expected in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Irakli Carvillez ordered",  # longer words are other people
        "user@ira.c@example.org.uk",  # not on boundaries
        "the iraqi carvery",
        "seamusic",  # a plain name inside a word
        "order XIRA-5521",
    ],
)
def test_invalid(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "known", "name"),
    [
        (
            "\u2022 Mitesh Kapoor\n\u2022 +1.858.517.5074",
            ("Mitesh", "mitesh.kapoor38@x.fm"),
            "Mitesh Kapoor",
        ),
        ("hiya, kingston monahan here", ("Kingston", "kmonahan@fastmail.fm"), "kingston monahan"),
        ("Bets,\nNikora O'Mara", ("Nikora", "nomara@rediffmail.com"), "Nikora O'Mara"),
        ("\u2022 wikitoria mccarney", ("Wikitoria", "WikitoriaMccarney48"), "wikitoria mccarney"),
        ("Regards, Matiu Story", ("Matiu", "mstory@xtra.co.nz"), "Matiu Story"),
    ],
)
def test_a_surname_spelled_by_the_participants_login(
    text: str, known: tuple[str, ...], name: str
) -> None:
    assert ("PERSON", name) in found(text, known)


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("Mitesh Thanks for that", ("Mitesh", "mitesh.kapoor38@x.fm")),  # not in the login
        ("Mitesh Kapoor", ("Mitesh",)),  # no login to say so
        ("Mitesh\nKapoor", ("Mitesh", "mitesh.kapoor38@x.fm")),  # another line
        ("Kingston Monahan", ("Kingston", "zmonahan@x.fm")),  # another initial
        ("Mitesh in our team", ("Mitesh", "miteshin@x.fm")),  # a two-letter word
    ],
)
def test_no_surname_without_the_login(text: str, known: tuple[str, ...]) -> None:
    assert ("PERSON", text.split()[0]) in found(text, known)
    assert all(" " not in value and "\n" not in value for _, value in found(text, known))


def test_plain_single_name_is_a_person_not_a_login() -> None:
    assert found("Seamus said hi") == [("PERSON", "Seamus")]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("jane@example.com", "EMAIL_ADDRESS"),
        ("jdoe42", "USERNAME"),
        ("@jane", "USERNAME"),
        ("jane_doe", "USERNAME"),
        ("Jane Doe", "PERSON"),
        ("Jane", "PERSON"),
    ],
)
def test_classify(value: str, kind: str) -> None:
    assert classify(value) == kind
