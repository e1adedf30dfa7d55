"""KNOWN PARTICIPANTS: the conversation's own people are always caught, even when no pattern
would: the visitor's pre-chat name and email, operators' names, usernames. Built per context
(no module-level RECOGNIZER), so the engine passes it as an ad-hoc recognizer."""

from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.types import EMAIL_ADDRESS, PERSON, USERNAME

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HANDLE = re.compile(r"^@?[A-Za-z0-9._-]{3,64}$")
#: Name parts too short or too common to redact alone (they still count inside the full name).
_MIN_PART = 3
_STOP_PARTS = frozenset({"the", "and", "van", "von", "der", "den", "del", "mrs", "miss"})


def classify(value: str) -> str:
    value = value.strip()
    if _EMAIL.match(value):
        return EMAIL_ADDRESS
    if (
        " " not in value
        and _HANDLE.match(value)
        and (
            value.startswith("@")
            or any(ch.isdigit() or ch in "._-" for ch in value)
            or value.islower()
        )
    ):
        return USERNAME
    return PERSON


def _variants(value: str) -> list[tuple[str, str, float]]:
    """(pattern, type, score) alternatives for one known value."""
    kind = classify(value)
    value = value.strip()
    out: list[tuple[str, str, float]] = []
    if kind == EMAIL_ADDRESS:
        local, _, domain = value.partition("@")
        out.append((re.escape(value), EMAIL_ADDRESS, 1.0))
        # spelled out: "jane dot doe at example dot com"
        spelled = r"\s*(?:\bat\b|\(at\)|\[at\])\s*".join(
            [
                r"\s*(?:\.|\bdot\b|\(dot\)|\[dot\])\s*".join(re.escape(p) for p in part.split("."))
                for part in (local, domain)
            ]
        )
        out.append((spelled, EMAIL_ADDRESS, 1.0))
        if len(local) >= 4 and any(ch.isdigit() or ch in "._" for ch in local):
            out.append((re.escape(local), USERNAME, 0.9))
    elif kind == USERNAME:
        handle = value.lstrip("@")
        out.append((r"@?" + re.escape(handle), USERNAME, 1.0))
    else:
        parts = [p for p in re.split(r"\s+", value) if p]
        out.append((r"\s+".join(re.escape(p) for p in parts), PERSON, 1.0))
        for part in parts:
            bare = part.strip(".,")
            if len(bare) >= _MIN_PART and bare.lower() not in _STOP_PARTS:
                out.append((re.escape(bare), PERSON, 0.95))
        out.extend(_handles_from_name(parts))
    return out


def _handles_from_name(parts: list[str]) -> list[tuple[str, str, float]]:
    """Logins people derive from their names: iracarville, ira.carville, icarville, carville_ira,
    IraCarville36, xX_ira_Xx ... (case-insensitive, optional digits)."""
    names = [re.sub(r"[^a-z]", "", p.casefold()) for p in parts]
    names = [n for n in names if n]
    out: list[tuple[str, str, float]] = []
    for name in names:
        if len(name) >= 4:
            # a lone name dressed up as a handle: xX_omkaar_Xx, omkaar_99, omkaar1987
            out.append(
                (rf"[a-z]{{1,3}}_{name}(?:_[a-z]{{1,3}})?|{name}[._-]?\d{{2,4}}", USERNAME, 0.9)
            )
    if len(names) < 2:
        return out
    first, last = names[0], names[-1]
    sep = r"[._-]?"
    shapes = [
        f"{first}{sep}{last}",
        f"{last}{sep}{first}",
        f"{first[0]}{sep}{last}",
        f"{first}{sep}{last[0]}",
    ]
    if len(first) >= 4:
        shapes.append(f"{first}{sep}{last[:3]}")
    handle = "(?:" + "|".join(shapes) + r")\d{0,4}"
    # decorated forms: xX_name_Xx, name_123
    out.append((rf"(?:[a-z]{{1,3}}_)?{handle}(?:_[a-z]{{1,3}})?", USERNAME, 0.9))
    return out


@lru_cache(maxsize=512)
def _compiled(known: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], str, float], ...]:
    compiled = []
    for value in known:
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            continue
        for pattern, kind, score in _variants(value):
            compiled.append(
                (re.compile(rf"(?<![\w@.]){pattern}(?![\w@])", re.IGNORECASE), kind, score)
            )
    return tuple(compiled)


class KnownParticipantsRecognizer(EntityRecognizer):
    def __init__(self, known: tuple[str, ...]) -> None:
        self.known = tuple(sorted({k for k in known if isinstance(k, str)}))
        super().__init__(
            supported_entities=[PERSON, EMAIL_ADDRESS, USERNAME],
            name="KnownParticipantsRecognizer",
            supported_language="en",
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for pattern, kind, score in _compiled(self.known):
            if kind not in entities:
                continue
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    results.append(RecognizerResult(kind, match.start(), match.end(), score))
        return results
