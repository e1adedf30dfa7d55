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
from functools import lru_cache

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import (
    ContextAwareEnhancer,
    LemmaContextAwareEnhancer,
)
from presidio_analyzer.context_aware_enhancers import (
    lemma_context_aware_enhancer as _lemma_module,
)
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.neighbours import add_found_by_neighbours
from redaction.nlp import BlankSpacyNlpEngine
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


class _ContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer, only where a context word decides whether a
    detection is reported: a result already at or above the threshold is reported anyway (a
    context word would only raise its displayed score, e.g. an email from 0.95 to 1.0), and one
    that stays under it even with a context word is dropped either way. Reading a result's
    context is what makes the NLP engine tokenise the message (redaction/nlp.py): with this,
    about 2% of messages are tokenised instead of a quarter. Measured on dev/holdout seeds 7
    and 11 (6,000 messages): the same spans, types and redacted texts; 46 messages report a
    lower score for a span (0.95 instead of 1.0)."""

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        for result in raw_results:
            # The enhancer's own formula for a result with a supporting context word.
            boosted = min(
                max(
                    result.score + self.context_similarity_factor,
                    self.min_score_with_context_similarity,
                ),
                ContextAwareEnhancer.MAX_SCORE,
            )
            if result.score >= SCORE_THRESHOLD or boosted < SCORE_THRESHOLD:
                metadata = result.recognition_metadata
                metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
        return super().enhance_using_context(text, raw_results, nlp_artifacts, recognizers, context)


class _Analyzer(AnalyzerEngine):
    """Presidio's analyzer without a pass that does nothing here: before the lemma enhancer,
    Presidio splits the results by recognizer for each recognizer's own
    ``enhance_using_context`` (a list scan per recognizer per message). None of ours overrides
    it, and the results already come grouped in recognizer order, so that pass returns its
    input unchanged. With a recognizer that overrides it, Presidio's pass runs as before."""

    def _enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        if any(_refines_own_results(type(r)) for r in recognizers):
            return super()._enhance_using_context(
                text, raw_results, nlp_artifacts, recognizers, context
            )
        return self.context_aware_enhancer.enhance_using_context(
            text=text,
            raw_results=raw_results,
            nlp_artifacts=nlp_artifacts,
            recognizers=recognizers,
            context=context,
        )


def _refines_own_results(recognizer_class: type[EntityRecognizer]) -> bool:
    return recognizer_class.enhance_using_context is not EntityRecognizer.enhance_using_context


class _FixedRegistry(RecognizerRegistry):
    """The registry's recognizers never change after the engine is built, so the answer to
    "which recognizers serve these entities" is computed once per question instead of by
    Presidio's scan of every recognizer for every entity on every call (and it comes back in
    registry order rather than a set's). Ad-hoc recognizers are filtered per call. Same
    selection and errors as Presidio's, without its warning for an entity nobody serves."""

    _cached: dict[tuple[str, tuple[str, ...] | None, bool], list[EntityRecognizer]]

    def get_recognizers(
        self,
        language: str,
        entities: list[str] | None = None,
        all_fields: bool = False,
        ad_hoc_recognizers: list[EntityRecognizer] | None = None,
    ) -> list[EntityRecognizer]:
        if language is None:
            raise ValueError("No language provided")
        if entities is None and not all_fields:
            raise ValueError("No entities provided")
        if not hasattr(self, "_cached"):
            self._cached = {}
        key = (language, tuple(entities) if entities is not None else None, all_fields)
        fixed = self._cached.get(key)
        if fixed is None:
            fixed = [r for r in self.recognizers if self._serves(r, language, entities, all_fields)]
            self._cached[key] = fixed
        found = fixed + [
            r for r in ad_hoc_recognizers or () if self._serves(r, language, entities, all_fields)
        ]
        if not found:
            raise ValueError("No matching recognizers were found to serve the request.")
        return found

    def add_recognizer(self, recognizer: EntityRecognizer) -> None:
        self._cached = {}
        super().add_recognizer(recognizer)

    def remove_recognizer(self, recognizer_name: str, language: str | None = None) -> None:
        self._cached = {}
        super().remove_recognizer(recognizer_name, language)

    @staticmethod
    def _serves(
        recognizer: EntityRecognizer,
        language: str,
        entities: list[str] | None,
        all_fields: bool,
    ) -> bool:
        if recognizer.supported_language != language:
            return False
        return all_fields or any(e in recognizer.supported_entities for e in entities or ())


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
                registry = _FixedRegistry(supported_languages=["en"])
                registry.recognizers = [cls() for cls in discover()]
                _registry_types = frozenset(
                    entity for r in registry.recognizers for entity in r.supported_entities
                )
                _analyzer = _Analyzer(
                    registry=registry,
                    nlp_engine=nlp_engine,
                    supported_languages=["en"],
                    context_aware_enhancer=_ContextEnhancer(
                        context_similarity_factor=0.35, min_score_with_context_similarity=0.4
                    ),
                )
                logger.info(
                    "redaction engine ready in %.2fs with %d recognizers",
                    time.perf_counter() - started,
                    len(registry.recognizers),
                )
    return _analyzer


def _ad_hoc(context: RedactionContext) -> tuple[list[EntityRecognizer], list[str]]:
    """The conversation's own recognizers and every entity type to ask the analyzer for."""
    known = tuple(k for k in context.known if isinstance(k, str) and k.strip())
    return _ad_hoc_for(known, tuple(context.policy.deny_patterns))


@lru_cache(maxsize=256)
def _ad_hoc_for(
    known: tuple[str, ...], deny_patterns: tuple[tuple[str, str], ...]
) -> tuple[list[EntityRecognizer], list[str]]:
    # Cached: a transcript (and every line of `manage.py redact` about the same people) asks
    # for the same recognizers; they hold no per-call state.
    get_analyzer()  # sets _registry_types
    recognizers: list[EntityRecognizer] = []
    if known:
        recognizers.append(KnownParticipantsRecognizer(known))
    if deny_patterns:
        recognizers.append(CustomPatternsRecognizer(deny_patterns))
    # Ask for exactly the types someone can find, so Presidio neither warns nor loads defaults.
    wanted = set(_registry_types)
    for recognizer in recognizers:
        wanted.update(recognizer.supported_entities)
    return recognizers, sorted(wanted)


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


#: A run of letters and digits: a known value can only start where such a run starts.
_ALNUM_RUN = re.compile(r"[^\W_]+")


class _KnownValues:
    """Every value detected so far in a transcript, found again in other text: whole-word
    (no letter or digit either side), case-insensitive, leftmost and then longest first, never
    overlapping (the semantics of one regex alternation of all values, longest first).

    A regex alternation of a few hundred values costs a pass per value over every message;
    here each value is filed under its first run of letters and digits, one scan of the
    message lists the runs it contains, and only values filed under those are looked for."""

    def __init__(self, values: dict[str, tuple[str, float]]) -> None:
        self.values = values
        self._by_head: dict[str, list[tuple[str, int]]] = {}
        for value in sorted(values, key=len, reverse=True):
            head = _ALNUM_RUN.search(value)
            if head is not None:  # a value with no letter or digit cannot be whole-word
                self._by_head.setdefault(head.group(0), []).append((value, head.start()))

    def find(self, text: str) -> list[tuple[int, int, str, float]]:
        if not self._by_head:
            return []
        lowered = text.casefold()
        if len(lowered) != len(text):  # rare: case folding changed lengths (ß -> ss)
            return self._find_with_regex(text)
        present = self._by_head.keys() & set(_ALNUM_RUN.findall(lowered))
        candidates: list[tuple[int, int]] = []
        for head in present:
            # Every place the run ``head`` stands whole (the runs of the message are maximal).
            at = lowered.find(head)
            while at != -1:
                head_end = at + len(head)
                if (at == 0 or not _is_alnum(lowered[at - 1])) and (
                    head_end == len(lowered) or not _is_alnum(lowered[head_end])
                ):
                    for value, offset in self._by_head[head]:
                        start = at - offset
                        end = start + len(value)
                        if (
                            start >= 0
                            and lowered.startswith(value, start)
                            and (start == 0 or not _is_alnum(lowered[start - 1]))
                            and (end == len(lowered) or not _is_alnum(lowered[end]))
                        ):
                            candidates.append((start, -end))
                at = lowered.find(head, at + 1)
        found = []
        last_end = 0
        for start, negative_end in sorted(candidates):
            if start >= last_end:
                last_end = -negative_end
                entity_type, score = self.values[lowered[start:last_end]]
                found.append((start, last_end, entity_type, score))
        return found

    def _find_with_regex(self, text: str) -> list[tuple[int, int, str, float]]:
        alternatives = "|".join(re.escape(v) for v in sorted(self.values, key=len, reverse=True))
        pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)
        found = []
        for match in pattern.finditer(text):
            known = self.values.get(match.group(0).casefold())
            if known is not None:
                found.append((match.start(), match.end(), known[0], known[1]))
        return found


def _is_alnum(char: str) -> bool:
    return char.isalnum() and char != "_"


def _propagate(
    text: str,
    entities: list[Entity],
    values: dict[str, tuple[str, float]],
    known_values: _KnownValues | None = None,
) -> list[Entity]:
    """Add every other occurrence of an already detected value (whole-word, case-insensitive).

    ``values`` learns this text's detections first; ``known_values`` is a prebuilt index of
    ``values`` (a transcript builds it once for all its messages)."""
    _learn(text, entities, values)
    if known_values is None:
        known_values = _KnownValues(values)
    covered = [(e.start, e.end) for e in entities]
    added: list[Entity] = []
    for start, end, entity_type, score in known_values.find(text):
        if not any(a <= start and end <= b for a, b in covered):
            added.append(Entity(start, end, entity_type, score))
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
    ad_hoc, wanted = _ad_hoc(context)
    if not wanted:
        return []  # pragma: no cover - the package always ships recognizers
    results = analyzer.analyze(
        text,
        language="en",
        entities=wanted,
        ad_hoc_recognizers=list(ad_hoc) or None,
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
    return add_found_by_neighbours(text, entities)


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
    known_values = _KnownValues(seen)
    results = []
    for text, entities in zip(texts, detections, strict=True):
        final = _resolve_overlaps(_propagate(text, entities, seen, known_values))
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
