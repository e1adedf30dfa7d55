"""CUSTOM: a workspace's own deny-patterns (e.g. its account-number format). Built per policy.

Patterns come from workspace admins, so they run on the `regex` engine with a timeout: a
catastrophic pattern raises TimeoutError, and the engine then fails closed."""

from __future__ import annotations

from functools import lru_cache

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.types import CUSTOM

#: Per pattern, per message.
MATCH_TIMEOUT_S = 0.05


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern, regex.IGNORECASE | regex.VERSION1)


class CustomPatternsRecognizer(EntityRecognizer):
    def __init__(self, patterns: tuple[tuple[str, str], ...]) -> None:
        self.patterns = patterns
        super().__init__(
            supported_entities=[CUSTOM], name="CustomPatternsRecognizer", supported_language="en"
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for _name, pattern in self.patterns:
            for match in compile_pattern(pattern).finditer(text, timeout=MATCH_TIMEOUT_S):
                if match.end() > match.start():
                    results.append(RecognizerResult(CUSTOM, match.start(), match.end(), 1.0))
        return results
