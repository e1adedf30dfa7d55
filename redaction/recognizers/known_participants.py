"""KNOWN PARTICIPANTS: the conversation's own people are always caught, even when no pattern
would: the visitor's pre-chat name and email, operators' names, usernames, and the logins people
derive from their names (iracarville, IraCarville36, xX_ira_Xx), and the surname after a known
first name when their login or email spells the two together ("Mitesh Kapoor" with
mitesh.kapoor38@…). Built per context (no
module-level RECOGNIZER), so the engine passes it as an ad-hoc recognizer.

Every line of `manage.py redact` and every conversation brings new values, so nothing here
compiles a regex per value: names and emails are found with plain string search on a
case-folded (and, for spelled-out emails, normalised) copy of the text, and logins with one
precompiled token pattern plus set lookups."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.types import EMAIL_ADDRESS, PERSON, USERNAME

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HANDLE = re.compile(r"^@?[A-Za-z0-9._-]{3,64}$")
#: Name parts too short or too common to redact alone (they still count inside the full name).
_MIN_PART = 3
_STOP_PARTS = frozenset({"the", "and", "van", "von", "der", "den", "del", "mrs", "miss"})
#: Login-like tokens: letters, digits and ._- (optionally after @).
_TOKEN = re.compile(r"(?<![\w@.])@?[A-Za-z0-9][A-Za-z0-9._-]{1,62}[A-Za-z0-9](?![\w@])")
_DECORATION = re.compile(r"^[a-z]{1,3}_(?=[a-z])|(?<=[a-z0-9])_[a-z]{1,3}$")
_SEPARATORS = re.compile(r"[._-]")
#: Spelled-out email pieces: " at ", "(at)", "[at]", " @ " and " dot ", "(dot)", " . ".
_SPELLED = re.compile(
    r"(?P<at>\s*(?:\(\s*at\s*\)|\[\s*at\s*\]|\bat\b|@)\s*)"
    r"|(?P<dot>\s*(?:\(\s*dot\s*\)|\[\s*dot\s*\]|\bdot\b)\s*|\s+\.\s*|\s*\.\s+)",
    re.IGNORECASE,
)


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


def _letters(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.casefold())


@dataclass(frozen=True)
class _Plan:
    """What to look for, derived once per known-tuple."""

    names: tuple[tuple[str, ...], ...] = ()  # full names as case-folded parts
    parts: frozenset[str] = frozenset()  # single name parts
    emails: tuple[str, ...] = ()
    #: each email's text up to its first "." or "@": a spelled-out email contains it as is
    email_heads: tuple[str, ...] = ()
    handles: frozenset[str] = frozenset()  # exact logins, case-folded, without "@"
    #: letters-only keys of logins derived from names; "decorated" keys need digits/decoration
    derived: frozenset[str] = frozenset()
    decorated: frozenset[str] = field(default_factory=frozenset)
    #: every derived or decorated key contains one of these (a first or last name)
    key_parts: tuple[str, ...] = ()
    #: known names of one word ("Mitesh"), case-folded, that a surname may follow
    single_names: tuple[str, ...] = ()
    #: letters-only logins and email local parts ("miteshkapoor", "kmonahan")
    login_letters: tuple[str, ...] = ()


@lru_cache(maxsize=2048)
def _plan(known: tuple[str, ...]) -> _Plan:
    names: list[tuple[str, ...]] = []
    parts: set[str] = set()
    emails: list[str] = []
    handles: set[str] = set()
    derived: set[str] = set()
    decorated: set[str] = set()
    single_names: set[str] = set()
    login_letters: set[str] = set()
    key_parts: set[str] = set()
    for raw in known:
        if not isinstance(raw, str) or not raw.strip() or len(raw) > 200:
            continue
        value = raw.strip()
        kind = classify(value)
        if kind == EMAIL_ADDRESS:
            emails.append(value.casefold())
            local = value.split("@", 1)[0].casefold()
            login_letters.add(_letters(local))
            if len(local) >= 4 and any(ch.isdigit() or ch in "._" for ch in local):
                handles.add(local)
        elif kind == USERNAME:
            handles.add(value.lstrip("@").casefold())
            login_letters.add(_letters(value))
        else:
            words = tuple(w.casefold() for w in value.split())
            names.append(words)
            if len(words) == 1 and len(_letters(words[0])) >= _MIN_PART:
                single_names.add(words[0])
            for word in words:
                bare = word.strip(".,")
                if len(bare) >= _MIN_PART and bare not in _STOP_PARTS:
                    parts.add(bare)
            letters = [_letters(w) for w in words if _letters(w)]
            for name in letters:
                if len(name) >= 4:
                    decorated.add(name)
                    key_parts.add(name)
            if len(letters) >= 2:
                first, last = letters[0], letters[-1]
                key_parts.update((first, last))
                derived.update({first + last, last + first, first[0] + last, first + last[0]})
                if len(first) >= 4:
                    derived.add(first + last[:3])
    return _Plan(
        names=tuple(names),
        parts=frozenset(parts),
        emails=tuple(emails),
        email_heads=tuple(re.split(r"[.@]", email, maxsplit=1)[0] for email in emails),
        handles=frozenset(handles),
        derived=frozenset(derived),
        decorated=frozenset(decorated),
        key_parts=tuple(sorted(key_parts)),
        single_names=tuple(sorted(single_names)),
        login_letters=tuple(sorted(k for k in login_letters if k)),
    )


#: The word after a known first name, on the same line: "Mitesh Kapoor", "nikora o'mara".
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_](?:[^\W\d_]|['\u2019\-](?=[^\W\d_]))*)(?![\w@])")


def _surname_after(lowered: str, end: int, first: str, plan: _Plan) -> int | None:
    """The end of the surname following a known one-word name, when a known login or email
    of the conversation spells that name with it ("mitesh.kapoor38@…", "kmonahan@…",
    "WikitoriaMccarney48"); otherwise None. The login is the evidence: a capitalised word
    after a first name may be anything ("Mitesh Thanks")."""
    match = _NEXT_WORD.match(lowered, end)
    if not match:
        return None
    surname = _letters(match.group(1))
    if len(surname) < _MIN_PART:
        return None
    first_letters = _letters(first)
    for login in plan.login_letters:
        if (
            first_letters + surname in login
            or surname + first_letters in login
            or login.startswith(first_letters[0] + surname)
        ):
            return match.end(1)
    return None


def _bounded(lowered: str, start: int, end: int) -> bool:
    before = lowered[start - 1] if start > 0 else " "
    after = lowered[end] if end < len(lowered) else " "
    return not (before.isalnum() or before in "_@.") and not (after.isalnum() or after in "_@")


def _find_all(lowered: str, needle: str) -> list[int]:
    found = []
    start = lowered.find(needle)
    while start != -1:
        if _bounded(lowered, start, start + len(needle)):
            found.append(start)
        start = lowered.find(needle, start + 1)
    return found


def _find_name(lowered: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """A full name with any run of whitespace between its words."""
    spans = []
    for start in _find_all_unbounded(lowered, words[0]):
        cursor = start + len(words[0])
        for word in words[1:]:
            gap = cursor
            while gap < len(lowered) and lowered[gap].isspace():
                gap += 1
            if gap == cursor or not lowered.startswith(word, gap):
                break
            cursor = gap + len(word)
        else:
            if _bounded(lowered, start, cursor):
                spans.append((start, cursor))
    return spans


def _find_all_unbounded(lowered: str, needle: str) -> list[int]:
    found = []
    start = lowered.find(needle)
    while start != -1:
        found.append(start)
        start = lowered.find(needle, start + 1)
    return found


def _spelled_out(text: str) -> tuple[str, list[int]]:
    """``text`` case-folded with spelled-out @ and . collapsed, and each char's original index."""
    out: list[str] = []
    index: list[int] = []
    cursor = 0
    for match in _SPELLED.finditer(text):
        out.append(text[cursor : match.start()])
        index.extend(range(cursor, match.start()))
        out.append("@" if match.group("at") else ".")
        index.append(match.start())
        cursor = match.end()
    out.append(text[cursor:])
    index.extend(range(cursor, len(text)))
    return "".join(out).casefold(), index


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
        plan = _plan(self.known)
        lowered = text.casefold()
        folded = len(lowered) == len(text)
        if not folded:  # rare: case folding changed lengths (ß -> ss)
            lowered = text.lower()
        results: list[RecognizerResult] = []
        if PERSON in entities:
            for words in plan.names:
                for start, end in _find_name(lowered, words):
                    results.append(RecognizerResult(PERSON, start, end, 1.0))
            for part in plan.parts:
                for start in _find_all(lowered, part):
                    results.append(RecognizerResult(PERSON, start, start + len(part), 0.95))
            if plan.login_letters:
                for first in plan.single_names:
                    for start in _find_all(lowered, first):
                        surname_end = _surname_after(lowered, start + len(first), first, plan)
                        if surname_end is not None:
                            results.append(RecognizerResult(PERSON, start, surname_end, 1.0))
        if EMAIL_ADDRESS in entities and plan.emails:
            for email in plan.emails:
                for start in _find_all(lowered, email):
                    results.append(RecognizerResult(EMAIL_ADDRESS, start, start + len(email), 1.0))
            # Spelling out only replaces the separators, so an email's head ("jane" of
            # jane.doe@x.org) is in the text as is wherever the email is, spelled or not.
            spelled_possible = not folded or any(
                not head or head in lowered for head in plan.email_heads
            )
            normalised, index = _spelled_out(text) if spelled_possible else ("", [])
            for email in plan.emails:
                for start in _find_all_unbounded(normalised, email):
                    end = start + len(email)
                    original_start, original_end = index[start], index[end - 1] + 1
                    if _bounded(lowered, original_start, original_end):
                        results.append(
                            RecognizerResult(EMAIL_ADDRESS, original_start, original_end, 1.0)
                        )
        if USERNAME in entities and (plan.handles or plan.derived or plan.decorated):
            for match in _TOKEN.finditer(text):
                token = match.group(0).casefold().lstrip("@")
                if token in plan.handles:
                    results.append(RecognizerResult(USERNAME, match.start(), match.end(), 1.0))
                    continue
                # A derived login holds a first or last name once its separators are gone;
                # most tokens hold none, and need no further work.
                compact = token.replace(".", "").replace("_", "").replace("-", "")
                if not any(part in compact for part in plan.key_parts):
                    continue
                undecorated = _DECORATION.sub("", token)
                stripped = undecorated.rstrip("0123456789")
                key = _SEPARATORS.sub("", stripped)
                if key in plan.derived or (
                    key in plan.decorated and (undecorated != token or stripped != undecorated)
                ):
                    results.append(RecognizerResult(USERNAME, match.start(), match.end(), 0.9))
        return results
