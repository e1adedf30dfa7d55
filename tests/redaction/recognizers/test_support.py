"""The shared base of the pattern recognizers (redaction/recognizers/_support.py)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers import discover
from redaction.recognizers._support import SupportDeskPatternRecognizer


class OrderRefRecognizer(SupportDeskPatternRecognizer):
    """A test recognizer: ``REF-1234``."""

    ENTITY = "ORDER_REF"
    PATTERNS = [Pattern("ref", r"\bREF-\d{4}\b", 0.6)]
    CONTEXT = ["order"]


def test_a_subclass_is_configured_by_its_constants() -> None:
    recognizer = OrderRefRecognizer()
    assert recognizer.name == "SupportDeskOrderRefRecognizer"
    assert recognizer.supported_entities == ["ORDER_REF"]
    assert [p.regex for p in recognizer.patterns] == [r"\bREF-\d{4}\b"]
    assert recognizer.context == ["order"]
    assert [(r.start, r.end) for r in recognizer.analyze("see REF-1234", ["ORDER_REF"])] == [
        (4, 12)
    ]


def test_instances_do_not_share_the_class_lists() -> None:
    recognizer = OrderRefRecognizer()
    recognizer.context.append("ticket")
    recognizer.patterns.append(Pattern("x", "x", 0.1))
    assert OrderRefRecognizer.CONTEXT == ["order"] and len(OrderRefRecognizer.PATTERNS) == 1


def test_every_pattern_recognizer_names_itself_after_its_class() -> None:
    for cls in discover():
        if issubclass(cls, SupportDeskPatternRecognizer):
            recognizer = cls()
            assert recognizer.name == f"SupportDesk{cls.__name__}"
            assert recognizer.supported_entities == [cls.ENTITY]
