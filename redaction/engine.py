"""The redaction engine: Presidio with an offline NLP engine and our recognizers.

    analyze(text, context)          -> entities (offsets into the original text)
    redact(text, *, context)        -> RedactionResult (placeholders + mapping)
    redact_batch(texts, *, context) -> one result per message, placeholders shared (a transcript)
    redact_for_provider(...)        -> redact_batch, failing closed (RedactionFailed) on any error,
                                       on a time-budget overrun, or if a known value survived

The analyzer is built once per process (``get_analyzer``) and reused for every call.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Sequence

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.context_aware_enhancers import (
    lemma_context_aware_enhancer as _lemma_module,
)

from redaction.nlp import BlankSpacyNlpEngine
from redaction.postcode_context import add_contextual_postcodes
from redaction.pseudonymize import Pseudonymizer
from redaction.recognizers import discover
from redaction.recognizers.custom_patterns import CustomPatternsRecognizer
from redaction.recognizers.known_participants import KnownParticipantsRecognizer
from redaction.types import (
    SCORE_THRESHOLD,
    Entity,
    RedactionContext,
    RedactionFailed,
    RedactionResult,
)

logger = logging.getLogger(__name__)

#: Longest text analysed in one call; longer input is refused (the caller splits messages).
MAX_TEXT_CHARS = 20_000
#: Default budget for redact_for_provider: far above the ~ms a transcript takes, so only a
#: pathological input (or a stuck recognizer) trips it.
DEFAULT_BUDGET_S = 2.0


class _FreshResultsCopy:
    """Presidio's context enhancer deep-copies every result list so it may edit scores; the
    engine's results are created fresh for each call, so a shallow list copy is enough and
    saves a quarter of the per-message time (measured with cProfile)."""

    @staticmethod
    def deepcopy(results: list[object]) -> list[object]:
        return list(results)


_lemma_module.copy = _FreshResultsCopy  # type: ignore[assignment]

_lock = threading.Lock()
_analyzer: AnalyzerEngine | None = None
_registry_types: frozenset[str] = frozenset()


def get_analyzer() -> AnalyzerEngine:
    """Build (once per process) and return the analyzer."""
    global _analyzer, _registry_types
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                started = time.perf_counter()
                nlp_engine = BlankSpacyNlpEngine()
                nlp_engine.load()
                registry = RecognizerRegistry(supported_languages=["en"])
                registry.recognizers = [cls() for cls in discover()]
                _registry_types = frozenset(
                    entity for r in registry.recognizers for entity in r.supported_entities
                )
                _analyzer = AnalyzerEngine(
                    registry=registry,
                    nlp_engine=nlp_engine,
                    supported_languages=["en"],
                    context_aware_enhancer=LemmaContextAwareEnhancer(
                        context_similarity_factor=0.35, min_score_with_context_similarity=0.4
                    ),
                )
                logger.info(
                    "redaction engine ready in %.2fs with %d recognizers",
                    time.perf_counter() - started,
                    len(registry.recognizers),
                )
    return _analyzer


def _ad_hoc(context: RedactionContext) -> list[EntityRecognizer]:
    recognizers: list[EntityRecognizer] = []
    known = tuple(k for k in context.known if isinstance(k, str) and k.strip())
    if known:
        recognizers.append(KnownParticipantsRecognizer(known))
    if context.policy.deny_patterns:
        recognizers.append(CustomPatternsRecognizer(tuple(context.policy.deny_patterns)))
    return recognizers


def _allowed_spans(text: str, allow_terms: Sequence[str]) -> list[tuple[int, int]]:
    lowered = text.casefold()
    spans = []
    for term in allow_terms:
        needle = term.strip().casefold()
        if not needle:
            continue
        start = lowered.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = lowered.find(needle, start + 1)
    return spans


def _resolve_overlaps(entities: list[Entity]) -> list[Entity]:
    """Non-overlapping spans covering the union of all detections. Where spans overlap, the
    merged span takes the type of the strongest (then longest) detection."""
    merged: list[tuple[int, int, Entity]] = []
    for entity in sorted(entities, key=lambda e: (e.start, -e.end)):
        if merged and entity.start < merged[-1][1]:
            start, end, best = merged[-1]
            if (entity.score, entity.end - entity.start) > (best.score, best.end - best.start):
                best = entity
            merged[-1] = (start, max(end, entity.end), best)
        else:
            merged.append((entity.start, entity.end, entity))
    return [Entity(start, end, best.type, best.score) for start, end, best in merged]


#: A value found once is personal wherever it appears again (a name given with context and
#: repeated without it, a login quoted twice). Shorter values are too likely to be ordinary words.
PROPAGATE_MIN_CHARS = 4


def _learn(text: str, entities: list[Entity], values: dict[str, tuple[str, float]]) -> None:
    for entity in entities:
        key = text[entity.start : entity.end].casefold()
        if len(key.strip()) >= PROPAGATE_MIN_CHARS and key not in values:
            values[key] = (entity.type, entity.score)


def _values_pattern(values: dict[str, tuple[str, float]]) -> re.Pattern[str] | None:
    """One alternation of every known value, longest first, on word boundaries."""
    if not values:
        return None
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


def _propagate(
    text: str,
    entities: list[Entity],
    values: dict[str, tuple[str, float]],
    pattern: re.Pattern[str] | None = None,
) -> list[Entity]:
    """Add every other occurrence of an already detected value (whole-word, case-insensitive).

    ``values`` learns this text's detections first; ``pattern`` is a prebuilt alternation of
    ``values`` (a transcript builds it once for all its messages)."""
    _learn(text, entities, values)
    if pattern is None:
        pattern = _values_pattern(values)
    if pattern is None:
        return entities
    covered = [(e.start, e.end) for e in entities]
    added: list[Entity] = []
    for match in pattern.finditer(text):
        found = values.get(match.group(0).casefold())
        if found is None:
            continue
        start, end = match.span()
        if not any(a <= start and end <= b for a, b in covered):
            added.append(Entity(start, end, found[0], found[1]))
    return entities + added if added else entities


def _detect(text: str, context: RedactionContext) -> list[Entity]:
    """The recognizers' detections that the workspace policy keeps (may overlap)."""
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text is longer than {MAX_TEXT_CHARS} characters; split it first")
    if not text.strip():
        return []
    analyzer = get_analyzer()
    ad_hoc = _ad_hoc(context)
    # Ask for exactly the types someone can find, so Presidio neither warns nor loads defaults.
    wanted = set(_registry_types)
    for recognizer in ad_hoc:
        wanted.update(recognizer.supported_entities)
    if not wanted:
        return []  # pragma: no cover - the package always ships recognizers
    results = analyzer.analyze(
        text,
        language="en",
        entities=sorted(wanted),
        ad_hoc_recognizers=ad_hoc or None,
        score_threshold=SCORE_THRESHOLD,
    )
    policy = context.policy
    allowed = _allowed_spans(text, policy.allow_terms) if policy.allow_terms else []
    entities = []
    for result in results:
        if not policy.enabled(result.entity_type) or result.end <= result.start:
            continue
        if any(a <= result.start and result.end <= b for a, b in allowed):
            continue
        entities.append(Entity(result.start, result.end, result.entity_type, float(result.score)))
    return add_contextual_postcodes(text, entities)


def analyze(
    text: str,
    context: RedactionContext | None = None,
    *,
    seen: dict[str, tuple[str, float]] | None = None,
) -> list[Entity]:
    """Detected personal data in ``text``: non-overlapping, sorted, offsets into ``text``.

    ``seen`` (value -> (type, score)) carries values detected elsewhere in the same transcript;
    it is updated with this text's detections."""
    entities = _detect(text, context or RedactionContext())
    return _resolve_overlaps(_propagate(text, entities, seen if seen is not None else {}))


def _apply(text: str, entities: list[Entity], pseudonymizer: Pseudonymizer) -> str:
    pieces: list[str] = []
    cursor = 0
    for entity in entities:
        pieces.append(text[cursor : entity.start])
        pieces.append(pseudonymizer.placeholder(entity.type, text[entity.start : entity.end]))
        cursor = entity.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def redact(
    text: str,
    *,
    context: RedactionContext | None = None,
    pseudonymizer: Pseudonymizer | None = None,
    seen: dict[str, tuple[str, float]] | None = None,
) -> RedactionResult:
    """Replace personal data with typed placeholders (``<PERSON_1>``)."""
    pseudonymizer = pseudonymizer if pseudonymizer is not None else Pseudonymizer()
    entities = analyze(text, context, seen=seen)
    redacted = _apply(text, entities, pseudonymizer)
    return RedactionResult(text=redacted, entities=entities, mapping=dict(pseudonymizer.mapping))


def redact_batch(
    texts: Sequence[str],
    *,
    context: RedactionContext | None = None,
    pseudonymizer: Pseudonymizer | None = None,
) -> list[RedactionResult]:
    """A transcript: the same value gets the same placeholder in every message, and a value
    detected in one message is redacted wherever else it appears (two passes)."""
    pseudonymizer = pseudonymizer if pseudonymizer is not None else Pseudonymizer()
    context = context or RedactionContext()
    detections = [_detect(text, context) for text in texts]
    seen: dict[str, tuple[str, float]] = {}
    for text, entities in zip(texts, detections, strict=True):  # learn the whole transcript
        _learn(text, entities, seen)
    pattern = _values_pattern(seen)
    results = []
    for text, entities in zip(texts, detections, strict=True):
        final = _resolve_overlaps(_propagate(text, entities, seen, pattern))
        redacted = _apply(text, final, pseudonymizer)
        results.append(
            RedactionResult(text=redacted, entities=final, mapping=dict(pseudonymizer.mapping))
        )
    return results


def _known_value_survived(redacted: str, context: RedactionContext) -> str | None:
    lowered = redacted.casefold()
    for value in context.known:
        if (
            isinstance(value, str)
            and len(value.strip()) >= 3
            and value.strip().casefold() in lowered
        ):
            return value
    return None


def redact_for_provider(
    texts: Sequence[str],
    *,
    context: RedactionContext,
    pseudonymizer: Pseudonymizer | None = None,
    budget_s: float = DEFAULT_BUDGET_S,
) -> list[RedactionResult]:
    """The only way text leaves for an AI provider. Fails closed: any error, a run over the
    time budget, or a known participant's value still in clear raises RedactionFailed, and the
    caller sends nothing."""
    started = time.perf_counter()
    try:
        results = redact_batch(texts, context=context, pseudonymizer=pseudonymizer)
    except Exception as exc:
        logger.exception("redaction failed; nothing will be sent")
        raise RedactionFailed(f"redaction failed ({type(exc).__name__}); nothing was sent") from exc
    elapsed = time.perf_counter() - started
    if elapsed > budget_s:
        raise RedactionFailed(
            f"redaction took {elapsed:.2f}s, over its {budget_s:.2f}s budget; nothing was sent"
        )
    for result in results:
        if _known_value_survived(result.text, context):
            raise RedactionFailed("a known participant's data survived redaction; nothing was sent")
    return results
