"""Run the PERSON / USERNAME / ADDRESS recognizers the way the engine does: blank spaCy
tokenizer, lemmas = lower-cased tokens, spans kept from SCORE_THRESHOLD up."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from redaction.types import SCORE_THRESHOLD
from tests.redaction.recognizers.helpers import nlp_artifacts


def spans(recognizer: EntityRecognizer, text: str, entity: str) -> list[tuple[int, int]]:
    """(start, end) of every ``entity`` span at or above the engine's threshold, sorted."""
    results = recognizer.analyze(text, entities=[entity], nlp_artifacts=nlp_artifacts(text))
    return sorted(
        (result.start, result.end)
        for result in results
        if result.entity_type == entity and result.score >= SCORE_THRESHOLD
    )


def span_of(text: str, value: str) -> tuple[int, int]:
    """Where ``value`` sits in ``text`` (its first occurrence): the expected span."""
    start = text.index(value)
    return start, start + len(value)
