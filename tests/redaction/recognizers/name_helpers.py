"""Run the PERSON / USERNAME / ADDRESS recognizers the way the engine does: blank spaCy
tokenizer, lemmas = lower-cased tokens, spans kept from SCORE_THRESHOLD up."""

from __future__ import annotations

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from functools import cache

import spacy
from presidio_analyzer import EntityRecognizer
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.types import SCORE_THRESHOLD


class _BlankEnglish:
    """The two NlpEngine methods NlpArtifacts calls while it picks keywords."""

    def __init__(self) -> None:
        self.nlp = spacy.blank("en")

    def is_stopword(self, word: str, language: str) -> bool:
        return bool(self.nlp.vocab[word].is_stop)

    def is_punct(self, word: str, language: str) -> bool:
        return bool(self.nlp.vocab[word].is_punct)


@cache
def _blank() -> _BlankEnglish:
    return _BlankEnglish()


def nlp_artifacts(text: str) -> NlpArtifacts:
    engine = _blank()
    doc = engine.nlp(text)
    return NlpArtifacts(
        entities=[],
        tokens=doc,
        tokens_indices=[token.idx for token in doc],
        lemmas=[token.text.lower() for token in doc],
        nlp_engine=engine,
        language="en",
        scores=[],
    )


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
