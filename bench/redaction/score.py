"""Scoring predicted redaction spans against the corpus's gold spans. Pure functions, no I/O.

Definitions (whitespace is never counted: only non-space characters matter):

- an entity is **caught** when every one of its characters is covered by some predicted span,
  of any type (one span or several adjacent ones);
- an entity **leaks** when more than ``LEAK_TOLERANCE`` (2) of its characters stay uncovered, so
  one or two stray characters at an edge are neither caught nor leaked;
- **character precision** is measured on messages holding look-alikes: covered characters
  inside gold spans / all covered characters;
- **false-redaction rate**: the fraction of PII-free messages with any covered character;
- **look-alike hit rate**: the fraction of look-alikes with any covered character.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from redaction.types import REQUIRED_TYPES

LEAK_TOLERANCE = 2

Prediction = tuple[str, int, int]  # (type, start, end), end exclusive


class Span(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class ScoredMessage(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def gold(self) -> Sequence[Span]: ...
    @property
    def lookalikes(self) -> Sequence[Span]: ...
    @property
    def has_pii(self) -> bool: ...


def coverage(length: int, predictions: Iterable[Prediction]) -> list[bool]:
    """Which character offsets of a text of ``length`` any prediction covers. Spans are
    clipped to the text; empty or inverted spans cover nothing."""
    covered = [False] * length
    for _type, start, end in predictions:
        for i in range(max(start, 0), min(end, length)):
            covered[i] = True
    return covered


def uncovered_chars(text: str, covered: Sequence[bool], start: int, end: int) -> int:
    """Non-space characters of text[start:end] that no prediction covers."""
    return sum(1 for i in range(start, end) if not covered[i] and not text[i].isspace())


def covered_chars(text: str, covered: Sequence[bool], start: int, end: int) -> int:
    """Non-space characters of text[start:end] that some prediction covers."""
    return sum(1 for i in range(start, end) if covered[i] and not text[i].isspace())


def is_caught(uncovered: int) -> bool:
    return uncovered == 0


def is_leaked(uncovered: int) -> bool:
    return uncovered > LEAK_TOLERANCE


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class TypeScore:
    n: int = 0
    caught: int = 0
    leaked: int = 0

    @property
    def recall(self) -> float | None:
        return _rate(self.caught, self.n)

    @property
    def leak_rate(self) -> float | None:
        return _rate(self.leaked, self.n)

    def add(self, uncovered: int) -> None:
        self.n += 1
        self.caught += is_caught(uncovered)
        self.leaked += is_leaked(uncovered)

    def as_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "caught": self.caught,
            "leaked": self.leaked,
            "recall": self.recall,
            "leak_rate": self.leak_rate,
        }


@dataclass
class KindScore:
    n: int = 0
    hit: int = 0

    @property
    def hit_rate(self) -> float | None:
        return _rate(self.hit, self.n)

    def as_dict(self) -> dict[str, object]:
        return {"n": self.n, "hit": self.hit, "hit_rate": self.hit_rate}


@dataclass(frozen=True)
class Leak:
    message_id: str
    type: str
    start: int
    end: int
    value: str
    uncovered: int


@dataclass(frozen=True)
class LookalikeHit:
    message_id: str
    kind: str
    start: int
    end: int
    value: str
    covered: int


@dataclass
class Report:
    per_type: dict[str, TypeScore] = field(default_factory=dict)
    overall: TypeScore = field(default_factory=TypeScore)
    #: Gold entities of the types no workspace policy can switch off.
    required: TypeScore = field(default_factory=TypeScore)
    #: On messages holding look-alikes: covered non-space characters inside gold, and in all.
    precision_inside: int = 0
    precision_covered: int = 0
    pii_free_messages: int = 0
    pii_free_redacted: int = 0
    per_kind: dict[str, KindScore] = field(default_factory=dict)
    lookalikes: KindScore = field(default_factory=KindScore)
    leaks: list[Leak] = field(default_factory=list)
    lookalike_hits: list[LookalikeHit] = field(default_factory=list)

    @property
    def char_precision(self) -> float | None:
        return _rate(self.precision_inside, self.precision_covered)

    @property
    def false_redaction_rate(self) -> float | None:
        return _rate(self.pii_free_redacted, self.pii_free_messages)

    @property
    def lookalike_hit_rate(self) -> float | None:
        return self.lookalikes.hit_rate

    def as_dict(self) -> dict[str, object]:
        return {
            "per_type": {name: s.as_dict() for name, s in sorted(self.per_type.items())},
            "overall": self.overall.as_dict(),
            "required": self.required.as_dict(),
            "char_precision_lookalike_messages": self.char_precision,
            "precision_chars": {
                "inside_gold": self.precision_inside,
                "covered": self.precision_covered,
            },
            "false_redaction_rate": self.false_redaction_rate,
            "pii_free_messages": self.pii_free_messages,
            "pii_free_redacted": self.pii_free_redacted,
            "lookalike_hit_rate": self.lookalike_hit_rate,
            "lookalikes": self.lookalikes.as_dict(),
            "per_lookalike_kind": {k: s.as_dict() for k, s in sorted(self.per_kind.items())},
        }


def score(
    messages: Iterable[ScoredMessage], predictions: Mapping[str, Sequence[Prediction]]
) -> Report:
    """Score ``predictions`` (message id -> spans; a missing id means no spans) against the
    messages' gold spans and look-alikes. Leaks and look-alike hits are listed in message
    order, for inspection."""
    report = Report()
    for message in messages:
        text = message.text
        covered = coverage(len(text), predictions.get(message.id, ()))

        gold_chars = [False] * len(text)
        for span in message.gold:
            for i in range(span.start, span.end):
                gold_chars[i] = True
            missing = uncovered_chars(text, covered, span.start, span.end)
            report.per_type.setdefault(span.type, TypeScore()).add(missing)
            report.overall.add(missing)
            if span.type in REQUIRED_TYPES:
                report.required.add(missing)
            if is_leaked(missing):
                report.leaks.append(
                    Leak(
                        message.id,
                        span.type,
                        span.start,
                        span.end,
                        text[span.start : span.end],
                        missing,
                    )
                )

        if message.lookalikes:
            for i, char in enumerate(text):
                if covered[i] and not char.isspace():
                    report.precision_covered += 1
                    report.precision_inside += gold_chars[i]

        if not message.has_pii:
            report.pii_free_messages += 1
            report.pii_free_redacted += covered_chars(text, covered, 0, len(text)) > 0

        for span in message.lookalikes:
            hit_chars = covered_chars(text, covered, span.start, span.end)
            kind = report.per_kind.setdefault(span.type, KindScore())
            kind.n += 1
            report.lookalikes.n += 1
            if hit_chars:
                kind.hit += 1
                report.lookalikes.hit += 1
                report.lookalike_hits.append(
                    LookalikeHit(
                        message.id,
                        span.type,
                        span.start,
                        span.end,
                        text[span.start : span.end],
                        hit_chars,
                    )
                )
    return report
