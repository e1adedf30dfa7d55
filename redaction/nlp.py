"""An offline NLP engine for Presidio: spaCy's blank English tokenizer, no model download.

Lemmas are the lower-cased tokens, so Presidio's context words ("dob", "postcode", "card")
still raise scores. There is no NER: names are found by redaction/recognizers/person.py.

Tokenising is deferred until something reads the tokens. Our recognizers read only the text;
the one reader is Presidio's context enhancer, and only for a result whose recognizer has
context words and that did not set its own score from context. Most messages have no such
result (a third have no result at all), so most never reach spaCy."""

from __future__ import annotations

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import threading

import spacy
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

_pipeline_lock = threading.Lock()

#: Words whose stop-word / punctuation answers are remembered (a long-running process sees
#: every order number once; the cache starts over rather than grow without bound).
_MAX_CACHED_WORDS = 50_000


class LazyNlpArtifacts(NlpArtifacts):
    """NlpArtifacts whose tokens, indices, lemmas and keywords are computed on first read.
    Same values as building them eagerly."""

    nlp_engine: BlankSpacyNlpEngine

    def __init__(self, text: str, nlp_engine: BlankSpacyNlpEngine, language: str) -> None:
        # NlpArtifacts.__init__ would tokenise now; set what it sets, minus the tokens.
        self._text = text
        self._language = language
        self._doc: Doc | None = None
        self._indices: list[int] = []
        self._lemmas: list[str] = []
        self._keywords: list[str] | None = None
        self.entities = []
        self.nlp_engine = nlp_engine
        self.scores = []

    def _tokenise(self) -> Doc:
        if self._doc is None:
            doc = self.nlp_engine.pipeline(self._language)(self._text)
            # One pass over the tokens: each spaCy Token is a new Python object per iteration.
            for token in doc:
                self._indices.append(token.idx)
                self._lemmas.append(token.lower_)
            self._doc = doc
        return self._doc

    @property
    def tokens(self) -> Doc:  # type: ignore[override]
        return self._tokenise()

    @property
    def tokens_indices(self) -> list[int]:  # type: ignore[override]
        self._tokenise()
        return self._indices

    @property
    def lemmas(self) -> list[str]:  # type: ignore[override]
        self._tokenise()
        return self._lemmas

    @property
    def keywords(self) -> list[str]:  # type: ignore[override]
        if self._keywords is None:
            self._keywords = self.set_keywords(self.nlp_engine, self.lemmas, self._language)
        return self._keywords


class BlankSpacyNlpEngine(SpacyNlpEngine):
    engine_name = "spacy_blank"

    def __init__(self) -> None:
        super().__init__(models=[{"lang_code": "en", "model_name": "blank:en"}])
        # Presidio asks both questions for every lemma of every tokenised message; spaCy answers
        # through a vocabulary lookup each time. The answers never change for a word.
        self._pipelines: dict[str, Language] = {}
        self._stop_words: dict[tuple[str, str], bool] = {}
        self._punct_words: dict[tuple[str, str], bool] = {}

    def is_stopword(self, word: str, language: str) -> bool:
        key = (word, language)
        answer = self._stop_words.get(key)
        if answer is None:
            self.pipeline(language)
            if len(self._stop_words) > _MAX_CACHED_WORDS:
                self._stop_words.clear()
            answer = self._stop_words[key] = super().is_stopword(word, language)
        return answer

    def is_punct(self, word: str, language: str) -> bool:
        key = (word, language)
        answer = self._punct_words.get(key)
        if answer is None:
            self.pipeline(language)
            if len(self._punct_words) > _MAX_CACHED_WORDS:
                self._punct_words.clear()
            answer = self._punct_words[key] = super().is_punct(word, language)
        return answer

    def load(self) -> None:
        # Nothing to load up front: the tokenizer is built by the first message that needs it
        # (see ``pipeline``).
        self._loaded = True

    def is_loaded(self) -> bool:
        return getattr(self, "_loaded", False)

    def pipeline(self, language: str) -> Language:
        """spaCy's blank pipeline for ``language``, built on first use (0.2-0.3 s: the
        tokenizer's exception table). Only Presidio's context enhancer tokenises, for a
        detection that a context word may bring over the threshold (~2% of messages), so the
        engine starts without it."""
        pipeline = self._pipelines.get(language)
        if pipeline is None:
            with _pipeline_lock:
                pipeline = self._pipelines.get(language)
                if pipeline is None:
                    pipeline = self._pipelines[language] = spacy.blank(language)
                    # Presidio's SpacyNlpEngine answers stop-word questions from self.nlp.
                    self.nlp = self._pipelines  # type: ignore[assignment]
        return pipeline

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        return LazyNlpArtifacts(text, self, language)

    def get_supported_entities(self) -> list[str]:
        return []
