"""The engine's shortcuts give exactly what the plain way gives: lazy tokens, the known-value
index, the context enhancer's skips, the registry cache."""

from __future__ import annotations

import re

import pytest
from presidio_analyzer import (
    AnalysisExplanation,
    EntityRecognizer,
    LemmaContextAwareEnhancer,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction import engine
from redaction.nlp import BlankSpacyNlpEngine, LazyNlpArtifacts
from redaction.recognizers.known_participants import KnownParticipantsRecognizer
from redaction.recognizers.postcode import PostcodeRecognizer
from redaction.types import RedactionContext


@pytest.fixture(scope="module")
def nlp() -> BlankSpacyNlpEngine:
    nlp_engine = BlankSpacyNlpEngine()
    nlp_engine.load()
    return nlp_engine


@pytest.mark.parametrize(
    "text",
    ["", "My postcode: SW1A 1AA, thanks!", "don't e-mail jane.doe@example.org (DOB 01/02/1990)"],
)
def test_lazy_artifacts_equal_eager_ones(nlp: BlankSpacyNlpEngine, text: str) -> None:
    doc = nlp.pipeline("en")(text)
    lemmas = [token.lower_ for token in doc]
    eager = NlpArtifacts([], doc, [t.idx for t in doc], lemmas, nlp, "en")
    lazy = nlp.process_text(text, "en")
    assert [t.text for t in lazy.tokens] == [t.text for t in eager.tokens]
    assert lazy.tokens_indices == eager.tokens_indices
    assert lazy.lemmas == eager.lemmas
    assert lazy.keywords == eager.keywords


def test_a_message_without_context_to_read_is_never_tokenised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[LazyNlpArtifacts] = []
    original = BlankSpacyNlpEngine.process_text

    def recording(self: BlankSpacyNlpEngine, text: str, language: str) -> NlpArtifacts:
        artifacts = original(self, text, language)
        assert isinstance(artifacts, LazyNlpArtifacts)
        made.append(artifacts)
        return artifacts

    monkeypatch.setattr(BlankSpacyNlpEngine, "process_text", recording)
    engine.analyze("order 12345 shipped with version 2.4.1")  # no result
    engine.analyze("my email: jane.doe@example.org")  # reported whatever its context says
    engine.analyze("it's 10001-1234 as far as I know")  # a ZIP+4 only a context word may report
    assert [artifacts._doc is None for artifacts in made] == [True, True, False]


def _regex_find(values: dict[str, tuple[str, float]], text: str) -> list[tuple[int, int]]:
    """The definition: one alternation of every value, longest first, whole-word."""
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)
    return [m.span() for m in pattern.finditer(text)]


VALUES = {
    v: ("PERSON", 1.0)
    for v in ("jane doe", "jane", "doe", "+44 7700 900123", "o'mara", "jdoe42", "ab_c", "strasse")
}


@pytest.mark.parametrize(
    "text",
    [
        "Jane Doe and JANE, doe-jane; janedoe; jane_doe",
        "call +44 7700 900123 or 44 7700 900123, x+44 7700 900123",
        "Nikora O'Mara / o'maraa / jdoe42x / AB_C ab_c",
        "Straße strasse STRASSE",  # case folding changes the length: the regex path
        "",
    ],
)
def test_known_values_match_the_regex_definition(text: str) -> None:
    found = engine._KnownValues(VALUES).find(text)
    assert [(start, end) for start, end, _, _ in found] == _regex_find(VALUES, text)


def test_the_enhancer_only_decides_whether_a_result_is_reported(
    nlp: BlankSpacyNlpEngine,
) -> None:
    text = "postcode 12345 and postcode SW1A 1AA and postcode W1A 0AX and postcode 12345-6789"
    recognizer = PostcodeRecognizer()

    def result(start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            "POSTCODE",
            start,
            end,
            score,
            analysis_explanation=AnalysisExplanation(recognizer.name, score),
            recognition_metadata={RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id},
        )

    def enhanced(enhancer: LemmaContextAwareEnhancer) -> list[float]:
        raw = [result(9, 14, 0.1), result(28, 36, 1.0), result(50, 57, 0.6), result(71, 81, 0.3)]
        out = enhancer.enhance_using_context(text, raw, nlp.process_text(text, "en"), [recognizer])
        return [r.score for r in out]

    plain = enhanced(LemmaContextAwareEnhancer(context_similarity_factor=0.35))
    ours = enhanced(engine._ContextEnhancer(context_similarity_factor=0.35))
    assert plain[0] < 0.5 and ours[0] < 0.5  # dropped either way
    assert plain[1] == ours[1] == 1.0
    assert plain[2] == pytest.approx(0.95) and ours[2] == 0.6  # reported either way
    assert plain[3] == ours[3] == pytest.approx(0.65)  # the context word decides: both raise it


def test_the_registry_adds_only_ad_hoc_recognizers_for_wanted_types() -> None:
    analyzer = engine.get_analyzer()
    fixed = analyzer.registry.get_recognizers("en", ["POSTCODE"])
    assert [type(r) for r in fixed] == [PostcodeRecognizer]
    known = KnownParticipantsRecognizer(("Jane Doe",))
    assert analyzer.registry.get_recognizers("en", ["POSTCODE"], ad_hoc_recognizers=[known]) == (
        fixed
    )
    with_person = analyzer.registry.get_recognizers(
        "en", ["POSTCODE", "PERSON"], ad_hoc_recognizers=[known]
    )
    assert known in with_person


def test_ad_hoc_recognizers_are_reused_for_the_same_people() -> None:
    first, _ = engine._ad_hoc(RedactionContext(known=("Jane Doe", "jd@example.org")))
    again, _ = engine._ad_hoc(RedactionContext(known=["Jane Doe", "jd@example.org"]))
    assert first is again


class _SelfEnhancing(EntityRecognizer):
    """Finds "zzz" at 0.3 and raises its own results to 0.9 from context."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["ZZZ"], name="SelfEnhancing")

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        start = text.find("zzz")
        return [] if start < 0 else [RecognizerResult("ZZZ", start, start + 3, 0.3)]

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        for result in raw_recognizer_results:
            result.score = 0.9
        return raw_recognizer_results


def test_a_recognizer_that_refines_its_own_results_still_gets_to() -> None:
    analyzer = engine.get_analyzer()
    results = analyzer.analyze(
        "the code is zzz", "en", entities=["ZZZ"], ad_hoc_recognizers=[_SelfEnhancing()]
    )
    assert [(r.entity_type, r.score) for r in results] == [("ZZZ", 0.9)]


def test_the_registry_sees_a_recognizer_added_later() -> None:
    analyzer = engine.get_analyzer()
    registry = analyzer.registry
    with pytest.raises(ValueError, match="No matching recognizers"):
        registry.get_recognizers("en", ["ZZZ"])
    extra = _SelfEnhancing()
    registry.add_recognizer(extra)
    try:
        assert registry.get_recognizers("en", ["ZZZ"]) == [extra]
    finally:
        registry.remove_recognizer("SelfEnhancing")
    with pytest.raises(ValueError, match="No matching recognizers"):
        registry.get_recognizers("en", ["ZZZ"])


@pytest.mark.parametrize("word", ["the", "postcode", ",", "n't", "-", "Me", ""])
def test_remembered_stop_word_and_punctuation_answers(nlp: BlankSpacyNlpEngine, word: str) -> None:
    vocab = nlp.pipeline("en").vocab
    for _ in range(2):  # asked, then remembered
        assert nlp.is_stopword(word, "en") == vocab[word].is_stop
        assert nlp.is_punct(word, "en") == vocab[word].is_punct


def test_lowered_text_and_its_words_are_listed_once_per_text() -> None:
    from redaction.lexicon.heads import lower_keeping_offsets, words

    text = "Hi İsmail, my NAME is Jane"
    lowered = lower_keeping_offsets(text)
    assert len(lowered) == len(text) and lowered is lower_keeping_offsets(text)
    assert [w for w, _ in words(lowered)][-4:] == ["my", "name", "is", "jane"]
    other = "my name is Jane"
    assert lower_keeping_offsets(other) == "my name is jane"
    assert words(lower_keeping_offsets(other)) == [("my", 0), ("name", 3), ("is", 8), ("jane", 11)]


def test_the_tokenizer_is_built_by_the_first_message_that_needs_it() -> None:
    nlp_engine = BlankSpacyNlpEngine()
    nlp_engine.load()
    assert nlp_engine.is_loaded() and nlp_engine._pipelines == {}
    artifacts = nlp_engine.process_text("postcode 10001-1234", "en")
    assert nlp_engine._pipelines == {}  # nothing read yet
    assert artifacts.lemmas == ["postcode", "10001", "-", "1234"]
    assert list(nlp_engine._pipelines) == ["en"]
    assert nlp_engine.pipeline("en") is nlp_engine.pipeline("en")
