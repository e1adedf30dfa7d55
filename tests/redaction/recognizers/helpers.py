"""Run one recognizer the way the engine does: blank spaCy tokenizer, lemmas = lower-cased
tokens, then Presidio's LemmaContextAwareEnhancer over the results."""

from __future__ import annotations

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from functools import cache

from presidio_analyzer import (
    EntityRecognizer,
    LemmaContextAwareEnhancer,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.nlp import BlankSpacyNlpEngine
from redaction.types import SCORE_THRESHOLD


@cache
def _engine() -> BlankSpacyNlpEngine:
    engine = BlankSpacyNlpEngine()
    engine.load()
    return engine


def nlp_artifacts(text: str) -> NlpArtifacts:
    """Exactly what the engine's NLP step produces for ``text``."""
    return _engine().process_text(text, "en")


def analyze(recognizer: EntityRecognizer, text: str, entity: str) -> list[RecognizerResult]:
    """All results of ``recognizer`` for ``entity`` after context enhancement, any score."""
    artifacts = nlp_artifacts(text)
    raw = recognizer.analyze(text, [entity], nlp_artifacts=artifacts)
    enhanced = LemmaContextAwareEnhancer().enhance_using_context(text, raw, artifacts, [recognizer])
    return [r for r in enhanced if r.entity_type == entity]


def found(recognizer: EntityRecognizer, text: str, entity: str) -> list[tuple[int, int]]:
    """Spans that would be redacted (score at or above the engine's threshold)."""
    return sorted(
        (r.start, r.end) for r in analyze(recognizer, text, entity) if r.score >= SCORE_THRESHOLD
    )


def span_of(text: str, value: str) -> tuple[int, int]:
    start = text.index(value)
    return start, start + len(value)
