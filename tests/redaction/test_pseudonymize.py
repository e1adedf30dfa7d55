"""Placeholders round-trip for the people allowed to see them; invented or mangled ones never
resolve to anyone's data."""

from __future__ import annotations

import pytest

from redaction import engine
from redaction.pseudonymize import REDACTED_MARK, Pseudonymizer, rehydrate
from redaction.types import RedactionContext

MAPPING = {"<PERSON_1>": "Jane Doe", "<EMAIL_ADDRESS_1>": "jane@example.com", "<PERSON_2>": "Bob"}


def test_round_trip_restores_the_original() -> None:
    context = RedactionContext(known=("Zebedee Quillfeather", "zq@example.org"))
    text = "Hi Zebedee Quillfeather, we wrote to zq@example.org."
    result = engine.redact(text, context=context)
    assert "Zebedee" not in result.text
    assert rehydrate(result.text, result.mapping) == text


@pytest.mark.parametrize(
    ("model_output", "expected"),
    [
        ("Dear <PERSON_1>, see <EMAIL_ADDRESS_1>", "Dear Jane Doe, see jane@example.com"),
        ("Dear <PERSON_3>", f"Dear {REDACTED_MARK}"),  # invented
        ("Dear <person_1>", f"Dear {REDACTED_MARK}"),  # case mangled
        ("Dear PERSON_1,", f"Dear {REDACTED_MARK},"),  # brackets lost
        ("Dear [PERSON 1]", f"Dear {REDACTED_MARK}"),  # other brackets
        ("Dear <PERSON_1", f"Dear {REDACTED_MARK}"),  # truncated
        ("Dear <PHONE_NUMBER_1>", f"Dear {REDACTED_MARK}"),  # a type never issued
        ("press phone 1 for sales", "press phone 1 for sales"),  # prose stays
    ],
)
def test_rehydration_of_model_output(model_output: str, expected: str) -> None:
    assert rehydrate(model_output, MAPPING) == expected


def test_restored_values_are_not_swept_by_the_mangled_placeholder_filter() -> None:
    mapping = {"<PERSON_1>": "<PERSON_2> lookalike"}
    assert rehydrate("x <PERSON_1> y", mapping) == "x <PERSON_2> lookalike y"


def test_nul_markers_in_model_output_cannot_pull_values() -> None:
    assert rehydrate("\x000\x00 <PERSON_2>", MAPPING) == "0 Bob"


def test_allowed_filter_hides_what_a_viewer_may_not_see() -> None:
    out = rehydrate("<PERSON_1> and <PERSON_2>", MAPPING, allowed=lambda p: p == "<PERSON_2>")
    assert out == f"{REDACTED_MARK} and Bob"


def test_pseudonymizer_continues_numbering_from_a_stored_mapping() -> None:
    p = Pseudonymizer(MAPPING)
    assert p.placeholder("PERSON", "jane  DOE") == "<PERSON_1>"
    assert p.placeholder("PERSON", "Carol") == "<PERSON_3>"
    assert p.placeholder("EMAIL_ADDRESS", "other@example.com") == "<EMAIL_ADDRESS_2>"
