"""If redaction raises, runs over budget or lets a known value through, nothing is sent."""

from __future__ import annotations

import pytest

from redaction import engine
from redaction.types import Entity, RedactionContext, RedactionFailed


class Provider:
    """Stands in for the provider call that must not happen."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, texts: list[str], context: RedactionContext) -> None:
        results = engine.redact_for_provider(texts, context=context)
        self.sent.extend(r.text for r in results)


def test_an_exception_in_a_recognizer_sends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> list[Entity]:
        raise RuntimeError("recognizer crashed")

    monkeypatch.setattr(engine, "_detect", boom)
    provider = Provider()
    with pytest.raises(RedactionFailed, match="nothing was sent"):
        provider.send(["Hi Zebedee"], RedactionContext(known=("Zebedee",)))
    assert provider.sent == []


def test_running_over_the_budget_sends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([0.0, 10.0])
    monkeypatch.setattr(engine.time, "perf_counter", lambda: next(clock))
    with pytest.raises(RedactionFailed, match="budget"):
        engine.redact_for_provider(["hello"], context=RedactionContext(), budget_s=2.0)


def test_a_known_value_left_in_clear_sends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_detect", lambda text, context: [])
    with pytest.raises(RedactionFailed, match="known participant"):
        engine.redact_for_provider(
            ["Hi Zebedee Quillfeather"], context=RedactionContext(known=("Zebedee Quillfeather",))
        )


def test_a_catastrophic_workspace_pattern_fails_closed() -> None:
    from redaction.types import RedactionPolicy

    policy = RedactionPolicy(deny_patterns=(("evil", r"(a+)+$"),))
    with pytest.raises(RedactionFailed):
        engine.redact_for_provider(["a" * 5000 + "!"], context=RedactionContext(policy=policy))


def test_the_happy_path_returns_redacted_text() -> None:
    results = engine.redact_for_provider(
        ["Hi Zebedee Quillfeather"], context=RedactionContext(known=("Zebedee Quillfeather",))
    )
    assert [r.text for r in results] == ["Hi <PERSON_1>"]
