"""An offline NLP engine for Presidio: spaCy's blank English tokenizer, no model download.

Lemmas are the lower-cased tokens, so Presidio's context words ("dob", "postcode", "card")
still raise scores. There is no NER: names are found by redaction/recognizers/person.py."""

from __future__ import annotations

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import spacy
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine


class BlankSpacyNlpEngine(SpacyNlpEngine):
    engine_name = "spacy_blank"

    def __init__(self) -> None:
        super().__init__(models=[{"lang_code": "en", "model_name": "blank:en"}])

    def load(self) -> None:
        self.nlp = {"en": spacy.blank("en")}  # type: ignore[assignment]

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        doc = self.nlp[language](text)  # type: ignore[index]
        # One pass over the tokens: each spaCy Token is a new Python object per iteration.
        indices: list[int] = []
        lemmas: list[str] = []
        for token in doc:
            indices.append(token.idx)
            lemmas.append(token.lower_)
        return NlpArtifacts(
            entities=[],
            tokens=doc,
            tokens_indices=indices,
            lemmas=lemmas,
            nlp_engine=self,
            language=language,
            scores=[],
        )

    def get_supported_entities(self) -> list[str]:
        return []
