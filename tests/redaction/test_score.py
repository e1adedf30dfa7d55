"""The benchmark scorer on hand-built messages: every expected figure is computed by hand."""

from __future__ import annotations

import json

import pytest

from bench.redaction.corpus import GoldSpan, Message
from bench.redaction.score import coverage, score, uncovered_chars
from redaction.types import CUSTOM, EMAIL_ADDRESS, PERSON, PHONE_NUMBER


def make(msg_id: str, text: str, gold=(), lookalikes=()) -> Message:
    """Spans given as (type, value): offsets found here, in a hand-written test text."""

    def spans(items):
        out = []
        for kind, value in items:
            start = text.index(value)
            out.append(GoldSpan(kind, start, start + len(value)))
        return out

    gold_spans = spans(gold)
    return Message(
        id=msg_id,
        text=text,
        speaker="visitor",
        known=[],
        gold=gold_spans,
        lookalikes=spans(lookalikes),
        has_pii=bool(gold_spans),
    )


def at(text: str, value: str, kind: str = "X") -> tuple[str, int, int]:
    start = text.index(value)
    return (kind, start, start + len(value))


PHONE_TEXT = "call me on 07700 900123 please"


@pytest.mark.parametrize(
    ("predicted", "caught", "leaked"),
    [
        pytest.param(["07700 900123"], 1, 0, id="exact"),
        pytest.param(["me on 07700 900123 pl"], 1, 0, id="wider"),
        pytest.param(["07700", "900123"], 1, 0, id="two-spans-gap-is-a-space"),
        pytest.param(["07700 9", "00123"], 1, 0, id="adjacent-spans"),
        pytest.param(["07700 90012"], 0, 0, id="one-char-uncovered"),
        pytest.param(["700 900123"], 0, 0, id="two-chars-uncovered"),
        pytest.param(["00 900123"], 0, 1, id="three-chars-uncovered"),
        pytest.param([], 0, 1, id="nothing"),
    ],
)
def test_recall_and_leak_per_entity(predicted, caught, leaked):
    message = make("m1", PHONE_TEXT, gold=[(PHONE_NUMBER, "07700 900123")])
    predictions = {"m1": [at(PHONE_TEXT, value) for value in predicted]}

    report = score([message], predictions)

    phone = report.per_type[PHONE_NUMBER]
    assert (phone.n, phone.caught, phone.leaked) == (1, caught, leaked)
    assert len(report.leaks) == leaked


def test_adjacent_spans_of_other_types_catch_an_entity():
    text = "I am Mary Ann Smith."
    message = make("m1", text, gold=[(PERSON, "Mary Ann Smith")])
    predictions = {"m1": [at(text, "Mary", "CUSTOM"), at(text, "Ann Smith", EMAIL_ADDRESS)]}

    report = score([message], predictions)

    assert report.per_type[PERSON].recall == 1.0
    assert report.per_type[PERSON].leak_rate == 0.0


def test_whitespace_inside_an_entity_is_ignored():
    text = "Address:\nFlat 2, Oak Lodge\n  12 Mill Lane\nok"
    value = "Flat 2, Oak Lodge\n  12 Mill Lane"
    message = make("m1", text, gold=[("ADDRESS", value)])
    lines = [at(text, "Flat 2, Oak Lodge"), at(text, "12 Mill Lane")]

    report = score([message], {"m1": lines})

    assert report.per_type["ADDRESS"].caught == 1


def test_predictions_are_clipped_and_empty_ones_cover_nothing():
    text = "mail jo@example.com"
    message = make("m1", text, gold=[(EMAIL_ADDRESS, "jo@example.com")])
    start = text.index("jo@")
    predictions = {"m1": [("X", start, 10_000), ("X", -5, 2), ("X", 3, 3), ("X", 4, 1)]}

    report = score([message], predictions)

    assert report.per_type[EMAIL_ADDRESS].caught == 1
    assert coverage(4, [("X", 3, 3), ("X", 4, 1)]) == [False] * 4
    assert coverage(4, [("X", -2, 1), ("X", 3, 99)]) == [True, False, False, True]


def test_a_message_missing_from_predictions_has_no_spans():
    message = make("m1", PHONE_TEXT, gold=[(PHONE_NUMBER, "07700 900123")])

    report = score([message], {})

    assert report.leaks[0].value == "07700 900123"
    assert report.leaks[0].uncovered == 11  # 12 characters, one of them a space


def test_uncovered_chars_counts_non_space_only():
    text = "a b  c"
    assert uncovered_chars(text, [False] * 6, 0, 6) == 3
    assert uncovered_chars(text, [True, False, False, False, False, False], 0, 6) == 2


def test_char_precision_counts_only_messages_with_lookalikes():
    with_lookalike = "Hi Anna, order ORD-123456 is late"
    without = "Hi Bea, thanks"
    messages = [
        make("m1", with_lookalike, gold=[(PERSON, "Anna")], lookalikes=[("ORDER", "ORD-123456")]),
        make("m2", without, gold=[(PERSON, "Bea")]),
    ]
    predictions = {
        # 4 chars inside gold + "order ORD" = 8 non-space chars outside gold.
        "m1": [at(with_lookalike, "Anna"), at(with_lookalike, "order ORD")],
        "m2": [at(without, "Bea, thanks")],  # outside gold, but no look-alike: not counted
    }

    report = score(messages, predictions)

    assert (report.precision_inside, report.precision_covered) == (4, 12)
    assert report.char_precision == pytest.approx(4 / 12)
    assert report.lookalikes.hit == 1
    assert report.lookalike_hits[0].covered == 3


def test_false_redaction_rate_on_pii_free_messages():
    texts = ["order ORD-1 late", "order ORD-2 late", "price £4  ok", "nothing here"]
    messages = [make(f"m{i}", t, lookalikes=[("X", t.split()[1])]) for i, t in enumerate(texts)]
    predictions = {
        "m0": [at(texts[0], "ORD-1")],  # a real character: counted
        "m1": [],
        "m2": [("X", 8, 10)],  # two spaces only: not counted
        "m3": [at(texts[3], "here")],
    }

    report = score(messages, predictions)

    assert report.pii_free_messages == 4
    assert report.pii_free_redacted == 2
    assert report.false_redaction_rate == 0.5


def test_lookalike_hit_needs_a_covered_character_and_end_is_exclusive():
    text = "card ending 4242 was charged"
    message = make("m1", text, lookalikes=[("CARD_LAST4", "4242")])
    start = text.index("4242")

    missed = score([message], {"m1": [("X", 0, start), ("X", start + 4, start + 8)]})
    touched = score([message], {"m1": [("X", start + 3, start + 8)]})

    assert missed.lookalike_hit_rate == 0.0
    assert touched.lookalike_hit_rate == 1.0
    assert touched.per_kind["CARD_LAST4"].hit == 1


def test_overall_and_required_totals():
    text = "Jo Bloggs, ACCT-77, 07700 900123"
    message = make(
        "m1",
        text,
        gold=[(PERSON, "Jo Bloggs"), (CUSTOM, "ACCT-77"), (PHONE_NUMBER, "07700 900123")],
    )

    report = score([message], {"m1": [at(text, "Jo Bloggs"), at(text, "ACCT-77")]})

    assert (report.overall.n, report.overall.caught, report.overall.leaked) == (3, 2, 1)
    assert (report.required.n, report.required.caught, report.required.leaked) == (2, 1, 1)
    assert report.required.recall == 0.5


def test_empty_input_gives_undefined_rates_and_serialises():
    report = score([], {})

    assert report.char_precision is None
    assert report.false_redaction_rate is None
    assert report.lookalike_hit_rate is None
    assert report.required.recall is None
    assert json.loads(json.dumps(report.as_dict()))["overall"]["n"] == 0
