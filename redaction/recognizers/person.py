"""PERSON without an NER model: name contexts, capitalisation and a first-name lexicon.

How people write names in support chat, and what each rule looks for:

- a strong context says outright that a name follows: "my name is …", "call me …", form
  labels ("Full name: …", "Customer: …", "Cardholder: …"), "in the name of …", titles
  ("Mr Patel", "dr okafor"). Any name-shaped token that is not an ordinary word counts.
- a medium context usually precedes a name: greetings ("Hi Sarah,", "hey sarah"), thanks and
  sign-offs ("Thanks, Tom", "Cheers\\nPriya", "- Jo"), introductions ("I'm …", "this is … from"),
  people around the writer ("speak to …", "ask for …", "my husband …", "send it to … at").
  A known first name counts; an unknown word counts when it is capitalised (or the message is
  all lower case) and the name is followed by punctuation, a line end or a word like "from".
- no context: a capitalised first name from the lexicon followed by a capitalised surname
  ("Sarah Okonkwo"), or a popular first name on its own ("Sarah said she'd call").

First names that are also ordinary words ("will", "may", "grace", "mark") need a context, and
person-like brands ("Paul Smith", "Ted Baker") are dropped unless a strong context names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.lexicon.brands import PAYMENT_WORDS, PERSON_LIKE_SINGLE_WORDS, overlaps_brand
from redaction.lexicon.heads import lower_keeping_offsets
from redaction.lexicon.heads import words as words_of
from redaction.lexicon.name_contexts import (
    CONTEXTS_BY_FIRST_WORD,
    SCANNING_CONTEXTS,
    LabelAfter,
    Strength,
    Trigger,
)
from redaction.lexicon.names import POPULAR_NAME_MIN, NameLexicon, fold, name_lexicon
from redaction.lexicon.words import (
    CALENDAR_WORDS,
    COLOUR_WORDS,
    GREETING_ADDRESSEES,
    NAME_STOP_WORDS,
    PARTICLES,
    PLACE_PREFIXES,
    PLACE_WORDS,
    PRODUCT_WORDS,
    SENTENCE_STARTERS,
    TITLES,
    WORD_SUFFIXES,
    WORD_SURNAMES,
    WORDY_TITLES,
    typo_pattern,
)
from redaction.types import PERSON

_I = re.IGNORECASE

#: A word of a name: letters with inner apostrophes or hyphens (O'Brien, Mary-Jane).
_WORD = r"[^\W\d_](?:[^\W\d_]|['\u2019](?![sS]\b)(?=[^\W\d_])|-(?=[^\W\d_]))*+"
_TOKEN = re.compile(r"[ \t]*(?:[\"'\u2018\u201c(\[*]+[ \t]*)?(" + _WORD + r")(?![\d_@]|\.[^\W\d_])")
_NAME_END = re.compile(r"[ \t]*(?:$|[,.!?;:\n])")
_NEXT_TOKEN = re.compile(r"[ \t]*(" + _WORD + r")(?![\d_@]|\.[^\W\d_])")
_GAP = re.compile(r"[ \t]+")
_INITIAL = re.compile(r"[ \t]+([A-Z])\.?(?=[ \t]+[A-Z])")
_INITIALS = re.compile(r"[ \t]*((?:[A-Z](?:\.[ \t]*|[ \t]+)){1,3})(?=[A-Z][^\W\d_])")
_TITLE_DOT = re.compile(r"\.?[ \t]*")
#: What may follow a name: punctuation, a line end, or a word that ends an introduction.
_AFTER_NAME = re.compile(
    r"[ \t]*(?:$|[\n,.!?;:)(\-\u2013\u2014/]|x+\b|(?:from|here|at|with|calling|speaking|and|"
    r"again|on|in|of|who|for|please|pls|thanks|thank|i|im|i'm|my|your|about|regarding|re|"
    r"yesterday|today|tonight|earlier|tomorrow|last|this|before|after|when|but|so|because|"
    r"as|if|over|by|has|had|is|was|will|said|says|[^\W\d_]{2,}ed)\b|['\u2019]s\b)",
    _I,
)
_AFTER_INTRODUCTION = re.compile(
    r"[ \t]*(?:,|[-\u2013\u2014]|(?:from|h+e+r+e+|calling|speaking|at|with|and\s+i)\b)", _I
)

#: A slip of "team" or "there" after a greeting: "Hey tam,", "hey tem," are typos.
_GREETING_SLIP = re.compile("|".join(typo_pattern(word) for word in sorted(GREETING_ADDRESSEES)))

#: An ambiguous name in lower case ("hey mark,") needs at least this popularity.
_POPULAR_LOWER_AMBIGUOUS = 6
#: A lone popular first name without context scores just above the threshold.
LONE_NAME_SCORE = 0.6


#: The context of a name found by position rather than by a pattern ("Sarah here", a last line).
_HERE_TRIGGER = Trigger(re.compile(""), Strength.MEDIUM, introduces=True)
#: "Sarah here," at the start of a message or line.
_HERE_WORD = re.compile(r"(?<![^\W\d_])h+e+r+e+\b")
#: Where a context that starts with a line break or a dash can start.
_NEEDS = {
    trigger: re.compile("[" + re.escape(trigger.needs) + "]")
    for trigger in SCANNING_CONTEXTS
    if trigger.needs
}
#: The one or two words before "here": "Sarah here,", "priya patel here".
_WORDS_BEFORE_HERE = re.compile(r"(?:(" + _WORD + r")[ \t]+)?(" + _WORD + r")[ \t]+\Z")
#: A first name opening a sentence and set off by a comma: "Evan, I can see the payment".
_VOCATIVE = re.compile(r"(?<![\w'\u2019-])([A-Z][^\W\d_]+)[ \t]*,")
#: A name alone on the last line of the message (a bare sign-off).
_LAST_LINE = re.compile(r"\n[ \t]*(?=" + _WORD + r"(?:[ \t]+" + _WORD + r"){0,2}[ \t.!]*\Z)")


_WORDS_BEFORE = re.compile(r"(" + _WORD + r"(?:[ \t]+" + _WORD + r"){0,3})\Z")
#: A line holding only a name: "Wiremu Tane" between a greeting and an address.
_NAME_LINE = re.compile(
    r"^[ \t]*(?:[-*\u2022>][ \t]*)?([A-Z][^\W\d_]+(?:['\u2019\-][^\W\d_]+)?"
    r"(?:[ \t]+[A-Z][^\W\d_]+(?:['\u2019\-][^\W\d_]+)?){1,2})[ \t]*,?$",
    re.MULTILINE,
)
#: A signature line under a name: "Northwind Customer Care", "Brightwell Support".
_COMPANY_LINE = re.compile(
    r"\n[ \t]*[^\n]{0,40}\b(?:support|customer\s+(?:care|service|services)|team|ltd|limited)"
    r"[ \t]*(?:\n|\Z)",
    _I,
)
#: Two or three capitalised words in quotes: '"Hemi Walker" is who it should go to'.
_QUOTED_NAME = re.compile(
    r"[\"\u201c\u2018']([A-Z][^\W\d_]+(?:['\u2019\-][^\W\d_]+)?"
    r"(?:[ \t]+[A-Z][^\W\d_]+(?:['\u2019\-][^\W\d_]+)?){1,2})[\"\u201d\u2019']"
)
#: A name opening a quoted delivery label: '"Yatan Herlihy, 18a Orchard Grove, …"'.
_QUOTED_LABEL_NAME = re.compile(
    r"[\"\u201c]([^\W\d_]+(?:['\u2019\-][^\W\d_]+)?(?:[ \t]+[^\W\d_]+(?:['\u2019\-][^\W\d_]+)?)"
    r"{1,2})[ \t]*,[ \t]*(?=\d|#|(?:flat|apartment|apt|unit|suite|ste)\b)",
    _I,
)
#: Capitalised words that could start a name anywhere in the text.
_CAPITALISED = re.compile(
    r"(?<![\w@./#&+'\u2019-])[A-Z][^\W\d_]+(?:(?:['\u2019](?![sS]\b)|-)[^\W\d_]+)*"
    r"(?![\w@&]|\.[a-z])"
)


@dataclass(frozen=True)
class _Name:
    start: int
    end: int
    score: float
    strength: Strength
    names_brands: bool


class PersonRecognizer(EntityRecognizer):
    """People's names from context, capitalisation and a first-name lexicon (no NER)."""

    name: str  # set by EntityRecognizer.__init__

    def __init__(self) -> None:
        self._lexicon: NameLexicon | None = None
        super().__init__(supported_entities=[PERSON], name="PersonRecognizer")

    def load(self) -> None:
        self._lexicon = name_lexicon()

    @property
    def lexicon(self) -> NameLexicon:
        if self._lexicon is None:
            self._lexicon = name_lexicon()
        return self._lexicon

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and PERSON not in entities:
            return []
        found: list[_Name] = []
        lowered = lower_keeping_offsets(text)
        for word, word_start in words_of(lowered):
            for entry in CONTEXTS_BY_FIRST_WORD.get(word, ()):
                match = entry.pattern.match(lowered, word_start)
                if not match:
                    continue
                if isinstance(entry, LabelAfter):
                    name = self._read_labelled(text, lowered, match.start(), entry)
                else:
                    name = self._read_triggered(text, lowered, match, entry)
                if name:
                    found.append(name)
        for trigger in SCANNING_CONTEXTS:
            # These start at a line break or a dash: try them there (and at the start).
            if trigger.needs:
                starts = [0, *(m.start() for m in _NEEDS[trigger].finditer(lowered))]
                matches = [trigger.pattern.match(lowered, start) for start in starts]
            else:
                matches = list(trigger.pattern.finditer(lowered))
            for match in matches:
                if match and (name := self._read_triggered(text, lowered, match, trigger)):
                    found.append(name)
        for here in _HERE_WORD.finditer(lowered):
            before = _WORDS_BEFORE_HERE.search(text, max(0, here.start() - 60), here.start())
            if not before:
                continue
            if before.group(1) and (name := self._read_two_before_here(before)):
                found.append(name)
                continue
            for group in (1, 2):
                if before.group(group) and (
                    name := self._read_name(text, before.start(group), _HERE_TRIGGER)
                ):
                    found.append(name)
                    break
        if "," in text:
            for match in _VOCATIVE.finditer(text):
                if name := self._read_vocative(text, match):
                    found.append(name)
        if "\n" in text:
            for match in _LAST_LINE.finditer(text):
                name = self._read_name(text, match.end(), _HERE_TRIGGER)
                first = _TOKEN.match(text, match.end())
                if (
                    name
                    and first
                    and fold(first.group(1)) in self.lexicon.first_names
                    and not any(
                        self.lexicon.is_slip_of_common_word(fold(word))
                        for word in text[first.end(1) : name.end].split()
                    )
                ):
                    found.append(name)  # a bare sign-off: "…\nHazel Clark", not "…\nAcme Suport"
            for match in _NAME_LINE.finditer(text):
                if name := self._read_name_line(match) or self._read_signature(text, match):
                    found.append(name)
        if '"' in text or "\u201c" in text or "'" in text or "\u2018" in text:
            for match in _QUOTED_NAME.finditer(text):
                if name := self._read_name_line(match):
                    found.append(name)
            for match in _QUOTED_LABEL_NAME.finditer(text):
                if name := self._read_label_name(match):
                    found.append(name)
        first_names = self.lexicon.first_names
        for match in _CAPITALISED.finditer(text):
            if fold(match.group()) in first_names and (name := self._read_uncued(text, match)):
                found.append(name)
        return [self._result(name) for name in _without_brands(lowered, _merge(found))]

    def _read_triggered(
        self, text: str, lowered: str, match: re.Match[str], trigger: Trigger
    ) -> _Name | None:
        if trigger.capitalised_only and not text[match.end() : match.end() + 1].isupper():
            return None
        start = match.start()
        if trigger.not_after and trigger.not_after.search(lowered, start - 40, start):
            return None
        name = self._read_name(text, match.end(), trigger)
        if name and trigger.ends_line and not _ends_line(text, name.end):
            return None
        return name

    def _read_labelled(
        self, text: str, lowered: str, label_start: int, label: LabelAfter
    ) -> _Name | None:
        joint = label.joint.search(lowered, max(0, label_start - 40), label_start)
        if not joint:
            return None
        return self._read_name_before(text, joint.start(), any_case=label.any_case)

    def _read_name(self, text: str, pos: int, trigger: Trigger) -> _Name | None:
        """The name starting at ``pos`` (after ``trigger``), or None when none is there."""
        strength = trigger.strength
        initials = _INITIALS.match(text, pos) if strength else None
        token = _TOKEN.match(text, initials.end() if initials else pos)
        if not token:
            return None
        word = token.group(1)
        titled = False
        if fold(word) in TITLES and (word[0].isupper() or fold(word) not in WORDY_TITLES):
            after_title = _TITLE_DOT.match(text, token.end())
            title_end = after_title.end() if after_title else token.end()
            title_initials = _INITIALS.match(text, title_end)
            next_token = _TOKEN.match(text, title_initials.end() if title_initials else title_end)
            if next_token and self._is_titled_name(next_token.group(1)):
                token, word, titled = next_token, next_token.group(1), True
                initials = title_initials
                strength = max(strength, Strength.STRONG)
        lexicon = self.lexicon
        folded = fold(word)
        lower = word.islower()
        if trigger.greets and lower and len(folded) > 2 and _GREETING_SLIP.fullmatch(folded):
            return None  # "Hey tam, item … arrived": a slip of "team"
        if (
            not titled
            and not self._is_name_word(
                word,
                strength,
                trigger.points_at_person
                or trigger.ends_line
                or (trigger.introduces and bool(_AFTER_INTRODUCTION.match(text, token.end(1)))),
            )
            and not (
                (strength is Strength.STRONG or trigger.points_at_person)
                and self._starts_full_name(text, token, trigger.points_at_person)
            )
        ):
            return None
        start = initials.start(1) if initials else token.start(1)
        end = token.end(1)
        words = 2 if initials else 1
        known = lexicon.is_first_name(folded)
        ambiguous = folded in lexicon.ambiguous
        # After a word the lexicon does not know, only a surname that is no common word
        # continues the name ("named Everest Pro" is a product).
        in_lexicon = folded in lexicon.first_names
        surname_strength = strength if in_lexicon or strength is Strength.STRONG else Strength.NONE
        while words < 4:
            extended = self._read_surname(text, end, lower, surname_strength)
            if extended is None:
                break
            end = extended
            words += 1
        follows_well = bool(_AFTER_NAME.match(text, end))
        if (
            trigger.introduces
            and (lower or ambiguous)
            and not known
            and not _AFTER_INTRODUCTION.match(text, end)
        ):
            return None  # "im livid", "It's Tuesday and still nothing"
        if (
            ambiguous
            and lower
            and words == 1
            and strength is not Strength.STRONG
            and not (trigger.points_at_person and follows_well)
            and not (
                (trigger.ends_line or (trigger.introduces and _AFTER_INTRODUCTION.match(text, end)))
                and lexicon.first_names.get(folded, 0) >= 3
            )
            and lexicon.first_names.get(folded, 0) < _POPULAR_LOWER_AMBIGUOUS
        ):
            return None  # "its fine, no worries"; still a name: "hey mark,", "my son ray,"
        if strength is Strength.STRONG:
            score = 0.85 if not lower or known else 0.7
        elif strength is Strength.MEDIUM:
            if known and not ambiguous:
                score = 0.85
            elif (
                not follows_well
                and (words == 1 or lower)
                and not (trigger.points_at_person and not lower and folded not in SENTENCE_STARTERS)
            ):
                return None
            elif ambiguous:
                score = 0.7 if words > 1 or not lower else 0.6
            else:
                score = 0.75 if not lower else 0.6
        else:
            if not known and not (ambiguous and words > 1 and not lower):
                return None
            score = 0.85
        return _Name(start, end, score, strength, trigger.names_brands)

    def _read_name_before(
        self, text: str, label_start: int, *, any_case: bool = False
    ) -> _Name | None:
        """The name that ends where a person label starts ("Aroha Ngata (account holder)");
        ``any_case`` after a label that can only follow a name ("… is my name")."""
        words = _WORDS_BEFORE.search(text, max(0, label_start - 60), label_start)
        if not words:
            return None
        tokens = list(re.finditer(_WORD, words.group(1)))
        # Walk back over capitalised name-words ("… for Aroha Ngata, account holder").
        picked: list[re.Match[str]] = []
        for token in reversed(tokens):
            word = token.group()
            folded = fold(word)
            if folded in NAME_STOP_WORDS or folded in SENTENCE_STARTERS:
                break
            if not word[0].isupper() and not (any_case and word.islower()):
                break
            if self.lexicon.is_common_word(folded) and not (
                folded in WORD_SURNAMES or self.lexicon.is_first_name(folded)
            ):
                break
            picked.append(token)
        if not picked:
            return None
        offset = words.start(1)
        start, end = offset + picked[-1].start(), offset + picked[0].end()
        return _Name(start, end, 0.75, Strength.MEDIUM, False)

    def _read_vocative(self, text: str, match: re.Match[str]) -> _Name | None:
        """A first name (or a name-word that is no month or day) before a comma, opening a
        sentence: "Evan, I can see…", "Holly, your refund…"."""
        word = match.group(1)
        folded = fold(word)
        lexicon = self.lexicon
        if folded not in lexicon.first_names and folded not in lexicon.ambiguous:
            return None
        before = text[max(0, match.start() - 3) : match.start()].rstrip(" \t")
        if (
            before
            and before[-1] not in "\n.!?"
            and (before[-1] != "," or not lexicon.is_first_name(folded))
        ):
            return None  # after a comma only a plain first name: "Hi there, Lindsey, I…"
        if folded in SENTENCE_STARTERS or folded in CALENDAR_WORDS or word.isupper():
            return None
        if folded in PERSON_LIKE_SINGLE_WORDS and lexicon.first_names.get(folded, 0) < 5:
            return None
        return _Name(match.start(1), match.end(1), 0.7, Strength.MEDIUM, False)

    def _read_name_line(self, match: re.Match[str]) -> _Name | None:
        """A line of two or three capitalised words that read as a name ("Wiremu Tane",
        "Hazel Clark" above a company line): no ordinary word, no place, no brand."""
        words = [fold(word) for word in match.group(1).split()]
        lexicon = self.lexicon
        if any(w in PERSON_LIKE_SINGLE_WORDS or w in PLACE_WORDS for w in words):
            return None
        if match.group(1).isupper():
            return None
        first, rest = words[0], words[1:]
        if any(word in PRODUCT_WORDS for word in rest):
            return None  # "Summer Sale"
        if any(lexicon.is_slip_of_common_word(word) for word in rest):
            return None  # "Brightwell Spport": a typo of a word, not a surname
        plain_rest = not any(
            word in NAME_STOP_WORDS or word in SENTENCE_STARTERS or word in COLOUR_WORDS
            for word in rest
        )
        if lexicon.is_first_name(first) and plain_rest:
            # A known first name and a capitalised word, alone on a line: "Francisco Gay".
            return _Name(match.start(1), match.end(1), 0.7, Strength.MEDIUM, False)
        if (
            first in lexicon.ambiguous
            and lexicon.first_names.get(first, 0) >= 2
            and plain_rest
            and not any(word in lexicon.very_common_words for word in rest)
        ):
            return _Name(match.start(1), match.end(1), 0.65, Strength.MEDIUM, False)  # "Jade Huff"
        if lexicon.is_common_word(first) and first not in lexicon.ambiguous:
            return None
        if first in lexicon.ambiguous and any(word in COLOUR_WORDS for word in rest):
            return None  # "Rose Gold", "Amber Black"
        for word in rest:
            if lexicon.is_common_word(word) and not (
                word in WORD_SURNAMES or lexicon.is_first_name(word)
            ):
                return None
        return _Name(match.start(1), match.end(1), 0.65, Strength.MEDIUM, False)

    def _read_uncued(self, text: str, token: re.Match[str]) -> _Name | None:
        """A capitalised first name with no context: with a surname, or popular alone."""
        pos = token.start()
        folded = fold(token.group())
        if folded in PAYMENT_WORDS:
            return None  # "Visa Debit"
        lexicon = self.lexicon
        end = token.end()
        words = 1
        while words < 4:
            extended = self._read_surname(text, end, False, Strength.NONE)
            if extended is None:
                break
            end = extended
            words += 1
        if words > 1:
            if folded not in lexicon.ambiguous:
                return _Name(pos, end, 0.85, Strength.NONE, False)
            # "Will Jones" is a person, "Rose Gold" and "Summer Sale" are not.
            surname = fold(text[pos:end].split()[-1])
            if not lexicon.is_common_word(surname) and surname not in WORD_SURNAMES:
                return _Name(pos, end, 0.65, Strength.NONE, False)
            return None
        if token.group().isupper():
            return None  # a shouted word: "PLEASE CALL JOHN" is caught in context, not alone
        if lexicon.is_popular_first_name(folded) and folded not in PERSON_LIKE_SINGLE_WORDS:
            return _Name(pos, end, LONE_NAME_SCORE, Strength.NONE, False)
        return None

    def _read_signature(self, text: str, match: re.Match[str]) -> _Name | None:
        """A first name and a surname-word alone on a line above a company line: "Don Brown"
        over "Northwind Customer Care" (a colour or word surname counts here)."""
        if not _COMPANY_LINE.match(text, match.end()):
            return None
        words = [fold(word) for word in match.group(1).split()]
        if len(words) != 2 or self.lexicon.first_names.get(words[0], 0) < 2:
            return None
        if words[1] not in WORD_SURNAMES or words[0] in PERSON_LIKE_SINGLE_WORDS:
            return None
        return _Name(match.start(1), match.end(1), 0.7, Strength.MEDIUM, False)

    def _read_label_name(self, match: re.Match[str]) -> _Name | None:
        """The name heading a quoted delivery label, before the address: capitalised words
        that read as a name, or a known first name and a surname in lower case."""
        if not match.group(1).islower():
            return self._read_name_line(match)
        words = [fold(word) for word in match.group(1).split()]
        lexicon = self.lexicon
        if not lexicon.is_first_name(words[0]) or words[0] in lexicon.ambiguous:
            return None
        if any(word in lexicon.very_common_words or word in NAME_STOP_WORDS for word in words[1:]):
            return None
        return _Name(match.start(1), match.end(1), 0.7, Strength.MEDIUM, False)

    def _read_two_before_here(self, before: re.Match[str]) -> _Name | None:
        """Two capitalised words before "here" ("Zehaan Hook here,"), the first a name-word
        and the second no stop word: a full name even when the surname is also a word."""
        first, surname = before.group(1), before.group(2)
        if not (first[0].isupper() and surname[0].isupper()):
            return None
        if first.isupper() or surname.isupper():
            return None
        folded = fold(surname)
        if folded in NAME_STOP_WORDS or folded in SENTENCE_STARTERS or folded in TITLES:
            return None
        if fold(first) in SENTENCE_STARTERS or not self._is_name_word(first, Strength.MEDIUM):
            return None
        return _Name(before.start(1), before.end(2), 0.75, Strength.MEDIUM, False)

    def _starts_full_name(self, text: str, token: re.Match[str], at_person: bool = False) -> bool:
        """A capitalised word that is also a common word, followed by a capitalised word that
        is no common word: "someone called Mere Kingi"; after a context that points at
        someone, a place or brand name too: "my partner Kingston MacNally"."""
        word = token.group(1)
        folded = fold(word)
        if not word[0].isupper() or word.isupper() or folded in NAME_STOP_WORDS:
            return False
        if folded in SENTENCE_STARTERS or folded in PAYMENT_WORDS:
            return False
        if folded in PERSON_LIKE_SINGLE_WORDS and not at_person:
            return False
        if folded in PLACE_PREFIXES:
            return False  # "Northern Ireland", "New Zealand"
        following = _NEXT_TOKEN.match(text, token.end())
        if not following or not _GAP.match(text, token.end()):
            return False
        surname = following.group(1)
        return (
            surname[0].isupper()
            and not surname.isupper()
            and not self.lexicon.is_common_word(fold(surname))
        )

    def _is_titled_name(self, word: str) -> bool:
        """After "Mr", "Dr", "Mrs": a capitalised word counts unless it is a very common one
        ("Mr Hood", "Dr Small"; not "Dr appointment")."""
        if self._is_name_word(word, Strength.STRONG):
            return True
        folded = fold(word)
        return (
            word[0].isupper()
            and not word.isupper()
            and folded not in self.lexicon.very_common_words
            and folded not in PERSON_LIKE_SINGLE_WORDS
        )

    def _is_name_word(self, word: str, strength: Strength, at_person: bool = False) -> bool:
        """Could ``word`` be the first word of a name, in a context of ``strength``?
        ``at_person``: the context points at someone ("my son …", "spoke to …")."""
        folded = fold(word)
        lexicon = self.lexicon
        if len(folded) < 2 or folded in TITLES:
            return False
        if folded in PAYMENT_WORDS and strength is not Strength.STRONG:
            return False  # "paid by Visa", "pay with Klarna"
        if (
            folded in PERSON_LIKE_SINGLE_WORDS
            and lexicon.first_names.get(folded, 0) < POPULAR_NAME_MIN
            and not ((at_person or strength is Strength.STRONG) and folded in lexicon.first_names)
        ):
            return False  # "it's Visa debit", "hi Alexa"; "Hi Victoria," still counts
        if lexicon.is_first_name(folded):
            return True
        if folded in lexicon.ambiguous:
            return strength is not Strength.NONE
        if folded in PERSON_LIKE_SINGLE_WORDS:
            return False
        if strength is Strength.STRONG and word[0].isupper() and folded in WORD_SURNAMES:
            return True  # "Name: Smith"
        if lexicon.is_common_word(folded) or lexicon.is_slip_of_common_word(folded):
            return False  # "Customer: Existing", "Hi therre,"
        if word.isupper() and len(word) > 1 and strength is not Strength.STRONG:
            return False  # acronyms: "Hi DPD", "thanks HMRC"
        return not (word.islower() and folded.endswith(WORD_SUFFIXES))

    def _read_surname(self, text: str, pos: int, lower: bool, strength: Strength) -> int | None:
        """End of the next word of the name after ``pos``, or None when the name ends there."""
        gap = _GAP.match(text, pos)
        if not gap:
            return None
        if not lower and (initial := _INITIAL.match(text, pos)):
            return initial.end()  # a middle initial: "Sarah J. Jones"
        token = _NEXT_TOKEN.match(text, gap.end())
        if not token:
            return None
        word = token.group(1)
        folded = fold(word)
        if folded in PARTICLES and not lower:
            following = _NEXT_TOKEN.match(text, token.end())
            if following and following.group(1)[0].isupper():
                return following.end(1)
            return None
        if lower != word.islower() or (not lower and not word[0].isupper()):
            return None
        lexicon = self.lexicon
        if len(folded) < 2:
            return None
        if folded in WORD_SURNAMES and (not lower or _NAME_END.match(text, token.end(1))):
            return token.end(1)  # "Luis Love", "Sheena Lord", "it's monique may, i…"
        if (
            strength is Strength.STRONG
            and not lower
            and folded not in NAME_STOP_WORDS
            and _NAME_END.match(text, token.end(1))
        ):
            return token.end(1)  # "placed under the name Julian Hope, is that right?"
        if folded in NAME_STOP_WORDS or folded in SENTENCE_STARTERS or folded in TITLES:
            return None
        if _HERE_WORD.fullmatch(folded):
            return None  # "malik herre, i emailed…"
        if folded in WORD_SURNAMES or lexicon.is_first_name(folded):
            return token.end(1)
        if folded in PLACE_WORDS and strength is not Strength.STRONG:
            return None  # "Victoria Station"; but "my name is Omar House"
        if word.isupper() and not text[pos - 1 : pos].isupper():
            return None
        if lower:
            if strength is Strength.STRONG:
                # "my name is gareth smart": only the commonest words end the name here.
                return None if folded in lexicon.top_words else token.end(1)
            if lexicon.is_common_word(folded) or folded.endswith(WORD_SUFFIXES):
                # "im sarah emailing about…" ends at "sarah"; "it's howard fry, i ordered…"
                # and "i'm darin ewing, order…" do not: a surname right before a comma or the
                # end of the sentence.
                if (
                    strength is Strength.MEDIUM
                    and folded not in lexicon.top_words
                    and _NAME_END.match(text, token.end(1))
                ):
                    return token.end(1)
                return None
            return token.end(1)
        if strength is Strength.NONE and folded in lexicon.very_common_words:
            return None  # "Jordan Shoes", "Grace Period"
        # A capitalised word after a first name, mid-sentence: "Leah Hood", "Gavin Sparks".
        return token.end(1)

    def _result(self, name: _Name) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=name.score,
            textual_explanation=f"person name ({name.strength.name.lower()} context)",
        )
        return RecognizerResult(
            entity_type=PERSON,
            start=name.start,
            end=name.end,
            score=name.score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
            },
        )


def _ends_line(text: str, pos: int) -> bool:
    rest = text[pos : pos + 12]
    # A sign-off line may go on with the company: "Ladli Meaghan | Brightwell Support".
    return bool(re.match(r"[ \t.!,x]*(?:\n|$|\|)", rest))


def _merge(found: list[_Name]) -> list[_Name]:
    """One result per span: overlapping names keep the longest, then the best scored."""
    merged: list[_Name] = []
    for name in sorted(found, key=lambda n: (n.start, -(n.end - n.start), -n.score)):
        if merged and name.start < merged[-1].end:
            last = merged[-1]
            if name.end <= last.end:
                if name.strength > last.strength or name.score > last.score:
                    merged[-1] = _Name(
                        last.start,
                        last.end,
                        max(last.score, name.score),
                        max(last.strength, name.strength),
                        last.names_brands or name.names_brands,
                    )
                continue
            merged[-1] = _Name(
                last.start,
                name.end,
                max(last.score, name.score),
                max(last.strength, name.strength),
                last.names_brands or name.names_brands,
            )
            continue
        merged.append(name)
    return merged


def _without_brands(lowered: str, names: list[_Name]) -> list[_Name]:
    """Drop names inside a person-like brand ("Ted Baker"), unless a strong context named
    them ("my name is Ted Baker")."""
    return [
        name
        for name in names
        if name.names_brands or not overlaps_brand(lowered, name.start, name.end)
    ]


RECOGNIZER = PersonRecognizer
