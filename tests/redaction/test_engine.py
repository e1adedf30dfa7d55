"""The engine around the recognizers: known participants, workspace policy, overlaps, batches."""

from __future__ import annotations

import pytest

from redaction import engine
from redaction.types import CUSTOM, PERSON, Entity, RedactionContext, RedactionPolicy


def ctx(**kwargs: object) -> RedactionContext:
    return RedactionContext(**kwargs)  # type: ignore[arg-type]


def test_known_participants_are_caught_without_any_pattern() -> None:
    context = ctx(known=("Zebedee Quillfeather", "zq_77", "zebedee.q@example.org"))
    text = "zebedee here, login zq_77, write to zebedee.q@example.org — Quillfeather"
    result = engine.redact(text, context=context)
    for value in ("zebedee", "zq_77", "zebedee.q@example.org", "Quillfeather"):
        assert value.casefold() not in result.text.casefold()
    assert "<USERNAME_1>" in result.text and "<EMAIL_ADDRESS_1>" in result.text


def test_known_email_spelled_out_is_caught() -> None:
    context = ctx(known=("zebedee.q@example.org",))
    result = engine.redact("it's zebedee dot q at example dot org", context=context)
    assert result.text == "it's <EMAIL_ADDRESS_1>"


def test_same_value_gets_the_same_placeholder_across_a_transcript() -> None:
    context = ctx(known=("Zebedee Quillfeather",))
    results = engine.redact_batch(
        ["Hi Zebedee Quillfeather", "thanks ZEBEDEE  QUILLFEATHER", "bye Zebedee"], context=context
    )
    assert [r.text for r in results] == [
        "Hi <PERSON_1>",
        "thanks <PERSON_1>",
        "bye <PERSON_2>",
    ]
    assert results[-1].mapping == {"<PERSON_1>": "Zebedee Quillfeather", "<PERSON_2>": "Zebedee"}


def test_workspace_deny_pattern_redacts_as_custom() -> None:
    policy = RedactionPolicy(deny_patterns=(("account", r"ACC-\d{6}"),))
    result = engine.redact("my account is acc-123456 ok", context=ctx(policy=policy))
    assert result.text == "my account is <CUSTOM_1> ok"
    assert result.entities[0].type == CUSTOM


def test_allow_list_keeps_brand_terms_but_not_known_people_outside_them() -> None:
    policy = RedactionPolicy(allow_terms=("Quillfeather Outdoors",))
    context = ctx(known=("Ann Quillfeather",), policy=policy)
    result = engine.redact("Quillfeather Outdoors jackets, asked Ann Quillfeather", context=context)
    assert result.text == "Quillfeather Outdoors jackets, asked <PERSON_1>"


def test_disabled_types_only_switch_off_optional_types() -> None:
    policy = RedactionPolicy(
        disabled_types=frozenset({CUSTOM, PERSON}), deny_patterns=(("x", r"ACC-\d{6}"),)
    )
    context = ctx(known=("Zebedee Quillfeather",), policy=policy)
    result = engine.redact("Zebedee Quillfeather, ACC-123456", context=context)
    assert result.text == "<PERSON_1>, ACC-123456"


def test_overlapping_detections_merge_into_one_placeholder() -> None:
    merged = engine._resolve_overlaps(
        [
            Entity(0, 10, "PERSON", 0.6),
            Entity(5, 20, "EMAIL_ADDRESS", 0.9),
            Entity(30, 35, "PERSON", 0.7),
            Entity(30, 35, "USERNAME", 0.7),
        ]
    )
    assert merged == [Entity(0, 20, "EMAIL_ADDRESS", 0.9), Entity(30, 35, "PERSON", 0.7)]


def test_offsets_point_into_the_original_text() -> None:
    text = "héllo 👋 Zebedee Quillfeather!"
    entities = engine.analyze(text, ctx(known=("Zebedee Quillfeather",)))
    assert [text[e.start : e.end] for e in entities] == ["Zebedee Quillfeather"]


@pytest.mark.parametrize("bad", [None, 42, b"bytes"])
def test_non_text_is_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        engine.analyze(bad)  # type: ignore[arg-type]


def test_oversized_text_is_refused() -> None:
    with pytest.raises(ValueError, match="longer than"):
        engine.analyze("x" * (engine.MAX_TEXT_CHARS + 1))


def test_empty_and_blank_text() -> None:
    assert engine.redact("", context=ctx()).text == ""
    assert engine.analyze("   \n ") == []


def test_engine_is_built_once_per_process() -> None:
    assert engine.get_analyzer() is engine.get_analyzer()


def test_a_value_found_once_is_redacted_wherever_it_appears_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "login zquill99 -- I said 'ZQUILL99' twice, not zquill999"
    # Only the first mention is detected (it had context); propagation finds the repeat,
    # case-insensitively and on word boundaries only.
    monkeypatch.setattr(engine, "_detect", lambda t, c: [Entity(6, 14, "USERNAME", 0.8)])
    result = engine.redact(text, context=ctx())
    assert result.text == "login <USERNAME_1> -- I said '<USERNAME_1>' twice, not zquill999"


def test_transcript_propagation_reaches_earlier_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    def detect(text: str, context: object) -> list[Entity]:
        start = text.find("Zebedee Quillfeather")
        return [Entity(start, start + 20, "PERSON", 0.9)] if "I am" in text else []

    monkeypatch.setattr(engine, "_detect", detect)
    results = engine.redact_batch(["zebedee quillfeather here", "I am Zebedee Quillfeather"])
    assert [r.text for r in results] == ["<PERSON_1> here", "I am <PERSON_1>"]


def test_propagation_repeats_a_detected_value_in_the_same_message() -> None:
    policy = RedactionPolicy(deny_patterns=(("acct", r"ACC-\d{6}"),))
    context = ctx(policy=policy)
    entities = engine.analyze("acc-123456 then ACC-123456", context)
    assert [(e.start, e.end) for e in entities] == [(0, 10), (16, 26)]


def test_usernames_derived_from_a_known_name_are_caught() -> None:
    context = ctx(known=("Ira Carville",))
    for login in ("iracarville", "IraCarville36", "i.carville", "xX_ira_carville_Xx"):
        result = engine.redact(f"my login is {login} ok", context=context)
        assert result.text == "my login is <USERNAME_1> ok", login


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("me: Zebedee Quillfeather, zq@example.org, 57288", "57288"),
        ("Zebedee Quillfeather | zq@example.org | 88522-0358", "88522-0358"),
        ("zebedee quillfeather, zq@example.org, bd151sl", "bd151sl"),
    ],
)
def test_postcode_items_in_a_details_line(text: str, postcode: str) -> None:
    context = ctx(known=("Zebedee Quillfeather", "zq@example.org"))
    found = [(e.type, text[e.start : e.end]) for e in engine.analyze(text, context)]
    assert ("POSTCODE", postcode) in found


@pytest.mark.parametrize(
    "text",
    [
        "Order 12345, 2 items, 45.99",  # no personal data on the line
        "Zebedee Quillfeather, order 12345",  # one detected item only, and not a bare item
        "Zebedee Quillfeather, zq@example.org\n12345",  # another line
    ],
)
def test_numbers_outside_a_details_line_stay(text: str) -> None:
    context = ctx(known=("Zebedee Quillfeather", "zq@example.org"))
    found = [text[e.start : e.end] for e in engine.analyze(text, context)]
    assert "12345" not in found
