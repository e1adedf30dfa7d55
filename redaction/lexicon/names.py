"""First-name lexicon and English word frequencies, loaded once and cached.

Sources, both read offline from the installed wheels:

- ``gender-guesser``: ``nam_dict.txt`` (Jörg Michael's name dictionary), ≈46,000 first names
  from 54 countries with a popularity digit per country (1 = rare … 13 = very common).
- ``pyspellchecker``: ``en.json.gz``, word -> frequency in English film subtitles (≈160,000
  words, lower case). A name whose word sense is frequent ("will", "may", "can") is ambiguous;
  a word above ``COMMON_WORD_MIN_FREQUENCY`` that is not a name is an ordinary word.

Building takes ≈0.4 s (a sixth of the engine's start); ``name_lexicon()`` keeps the result for
the process and also stores it in a cache file (JSON, ≈50 ms to read back) keyed by a
hash of everything it is built from: both packages' versions and data files' sizes, the word
lists and thresholds below. A changed input is a new key, so a stale file is never read; a
missing, unreadable or unwritable cache only means building again. The cache directory is
``$SUPPORTDESK_CACHE_DIR``, else ``$XDG_CACHE_HOME/supportdesk``, else ``~/.cache/supportdesk``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, fields
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path

from redaction.lexicon.words import CHAT_WORDS, NAME_LIKE_WORDS, NAME_STOP_WORDS, NAMES_NOT_WORDS

#: A word seen at least this often in the subtitles corpus is an ordinary English word
#: (≈20,000 words: "gutted" and "refund" are in, "jones" and "patel" are out).
COMMON_WORD_MIN_FREQUENCY = 1000
#: A first name whose word sense is at least this frequent needs a name context ("will").
AMBIGUOUS_NAME_MIN_FREQUENCY = 8000
#: A word at least this frequent is never a surname, even in a form ("Name: Jane Doe").
VERY_COMMON_WORD_MIN_FREQUENCY = 20000
#: The commonest words ("please", "order", "help"): not a surname even in a name context.
TOP_WORD_MIN_FREQUENCY = 250000
#: Popularity (max over countries) from which a first name counts without any context.
POPULAR_NAME_MIN = 5

_PARTS = re.compile(r"[+\- ]")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NameLexicon:
    #: Every first name, folded (lower case, accents removed) -> popularity 1..13.
    first_names: dict[str, int]
    #: First names that are also ordinary words: only a name context makes them a person.
    ambiguous: frozenset[str]
    #: Ordinary English words (ambiguous names included, unambiguous names excluded).
    common_words: frozenset[str]
    #: The most frequent of ``common_words`` ("thanks", "order", "station").
    very_common_words: frozenset[str]
    #: The most frequent of those ("please", "order", "help"; "smart" and "rush" are not).
    top_words: frozenset[str]
    #: Very common words of five letters or more with one letter missing ("thre", "ordr").
    one_letter_short: frozenset[str]

    def is_first_name(self, folded: str) -> bool:
        return folded in self.first_names and folded not in self.ambiguous

    def is_popular_first_name(self, folded: str) -> bool:
        return self.first_names.get(folded, 0) >= POPULAR_NAME_MIN and folded not in self.ambiguous

    def is_common_word(self, folded: str) -> bool:
        return folded in self.common_words

    def is_slip_of_common_word(self, folded: str) -> bool:
        """Is ``folded`` one slip away from a very common word ("therre", "thre", "tehre",
        "Ordder", "Youur")? Chat typos after "hi" are not names. Words under four letters
        are left alone: "Tom" is not a slip of "to"."""
        if len(folded) < 4 or not folded.isalpha():
            return False
        common = self.very_common_words
        if folded in self.one_letter_short:
            return True  # "thre" for "there"
        for i in range(len(folded)):
            doubled = i and folded[i] == folded[i - 1]
            shorter = folded[:i] + folded[i + 1 :]
            if doubled and len(shorter) >= 4 and shorter in common:
                return True  # "therre", "ordder"; but "Kingi" is not a slip of "king"
            if i < len(folded) - 1:
                swapped = folded[:i] + folded[i + 1] + folded[i] + folded[i + 2 :]
                if swapped != folded and swapped in common:
                    return True  # "tehre"
        return False


def fold(token: str) -> str:
    """Lower-case ``token`` and strip accents, the form the lexicon is keyed by."""
    token = token.lower().replace("\u2019", "'")
    if token.isascii():
        return token
    return unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode("ascii")


def _read_first_names() -> dict[str, int]:
    text = (files("gender_guesser") / "data" / "nam_dict.txt").read_text(encoding="utf-8")
    popularity: dict[str, int] = {}
    for line in text.splitlines():
        if not line or line[0] in "#=":
            continue
        name = line[3:29].rstrip()
        score = max(line[30:-1].replace(" ", ""), default="1")
        score_value = int(score, 16)
        if name.isascii() and name.isalpha():
            variants: tuple[str, ...] = (name.lower(),)
        else:
            # "Anne+Marie" is written "Annemarie", "Anne-Marie" or as two names.
            folded = fold(name)
            variants = (folded.replace("+", ""), folded.replace("+", "-"), *_PARTS.split(folded))
        for key in variants:
            if len(key) > 1 and popularity.get(key, 0) < score_value:
                popularity[key] = score_value
    return popularity


def _read_word_frequencies() -> dict[str, int]:
    raw = (files("spellchecker") / "resources" / "en.json.gz").read_bytes()
    frequencies: dict[str, int] = json.loads(gzip.decompress(raw))
    return frequencies


@functools.cache
def name_lexicon() -> NameLexicon:
    """The lexicon, built once per process, from the cache file when it holds these inputs."""
    path = _cache_path()
    cached = _read_cache(path) if path is not None else None
    if cached is not None:
        return cached
    lexicon = build_name_lexicon()
    if path is not None:
        _write_cache(path, lexicon)
    return lexicon


def build_name_lexicon() -> NameLexicon:
    first_names = _read_first_names()
    for word in NAME_STOP_WORDS | CHAT_WORDS:
        first_names.pop(word, None)
    frequencies = _read_word_frequencies()
    ambiguous = {
        name
        for name in first_names
        if frequencies.get(name, 0) >= AMBIGUOUS_NAME_MIN_FREQUENCY and name not in NAMES_NOT_WORDS
    }
    ambiguous |= NAME_LIKE_WORDS
    common = {
        word
        for word, count in frequencies.items()
        if count >= COMMON_WORD_MIN_FREQUENCY and (word not in first_names or word in ambiguous)
    }
    common |= ambiguous | NAME_STOP_WORDS | CHAT_WORDS
    very_common = {
        word
        for word in common
        if frequencies.get(word, 0) >= VERY_COMMON_WORD_MIN_FREQUENCY or word in NAME_STOP_WORDS
    }
    return NameLexicon(
        first_names=first_names,
        ambiguous=frozenset(ambiguous),
        common_words=frozenset(common),
        very_common_words=frozenset(very_common),
        top_words=frozenset(
            word
            for word in very_common
            if frequencies.get(word, 0) >= TOP_WORD_MIN_FREQUENCY or word in NAME_STOP_WORDS
        ),
        one_letter_short=frozenset(
            word[:i] + word[i + 1 :]
            for word in very_common
            if len(word) >= 5 and word.isalpha()
            for i in range(len(word))
        )
        - frozenset(first_names),
    )


#: Bump when build_name_lexicon changes in a way its inputs do not show.
_CACHE_FORMAT = 1


def _cache_key() -> str:
    """A hash of every input of build_name_lexicon."""
    digest = hashlib.sha256()
    for package in ("gender-guesser", "pyspellchecker"):
        try:
            digest.update(f"{package}=={version(package)};".encode())
        except PackageNotFoundError:  # pragma: no cover - both are dependencies
            digest.update(f"{package}?;".encode())
    for data in (
        files("gender_guesser") / "data" / "nam_dict.txt",
        files("spellchecker") / "resources" / "en.json.gz",
    ):
        digest.update(f"{data}:{Path(str(data)).stat().st_size};".encode())
    for words in (NAME_STOP_WORDS, CHAT_WORDS, NAME_LIKE_WORDS, NAMES_NOT_WORDS):
        digest.update(("|".join(sorted(words)) + ";").encode())
    thresholds = (
        _CACHE_FORMAT,
        COMMON_WORD_MIN_FREQUENCY,
        AMBIGUOUS_NAME_MIN_FREQUENCY,
        VERY_COMMON_WORD_MIN_FREQUENCY,
        TOP_WORD_MIN_FREQUENCY,
    )
    digest.update(repr(thresholds).encode())
    return digest.hexdigest()[:32]


def _cache_dir() -> Path:
    explicit = os.environ.get("SUPPORTDESK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "supportdesk"


def _cache_path() -> Path | None:
    try:
        return _cache_dir() / f"name-lexicon-{_cache_key()}.json"
    except OSError:  # pragma: no cover - a data file of a dependency is missing
        return None


def _read_cache(path: Path) -> NameLexicon | None:
    try:
        stored = json.loads(path.read_bytes())
        lexicon = NameLexicon(
            first_names={str(k): int(v) for k, v in stored["first_names"].items()},
            **{
                f.name: frozenset(str(word) for word in stored[f.name])
                for f in fields(NameLexicon)
                if f.name != "first_names"
            },
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        logger.warning("name lexicon cache %s unreadable (%s); rebuilding", path, exc)
        return None
    return lexicon


def _write_cache(path: Path, lexicon: NameLexicon) -> None:
    """Best effort, atomic: a reader sees the whole file or none of it."""
    stored = {
        f.name: (
            lexicon.first_names if f.name == "first_names" else sorted(getattr(lexicon, f.name))
        )
        for f in fields(NameLexicon)
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            handle.write(json.dumps(stored, separators=(",", ":")).encode())
        os.replace(handle.name, path)
    except OSError as exc:
        logger.info("name lexicon not cached (%s)", exc)
