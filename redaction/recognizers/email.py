"""EMAIL_ADDRESS: plain addresses and the ways people write them to dodge filters.

Found: ``jane.doe@example.co.uk``, ``john @ example . com``, ``john[at]example[dot]com``,
``john dot smith at gmail dot com``. Not found: ``logo@2x.png`` (a file name), ``find us at
shop.com`` (a website), ``@janedoe`` (a handle: USERNAME's job).
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers._support import SupportDeskPatternRecognizer, make_result
from redaction.types import EMAIL_ADDRESS

# Top-level domains accepted when the address is written with spaces or words ("dot", "at"):
# there an unknown word after "dot" is far more often prose than a TLD.
_COMMON_TLDS = (
    "com|net|org|edu|gov|mil|int|info|biz|io|co|me|ai|app|dev|email|online|shop|store|site|"
    "tech|xyz|live|mail|cloud|uk|us|ca|au|nz|ie|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|pt|"
    "cz|ru|jp|cn|in|br|mx|za|sg|hk|eu"
)
_AT = r"(?:\s*@\s*|\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+)"
_DOT = r"(?:\s*\.\s*|\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# Possessive runs (++, *+): a local part never gives characters back, so a word that is not
# followed by "@"/"at" fails in one step instead of being retried at every shorter length.
_LOCAL = r"(?<![\w.%+'-])[a-z0-9_%+'-]++(?:\.[a-z0-9_%+'-]++)*+"
_DOMAIN = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?![\w-]|\.[a-z0-9])"
# In the local part a spaced "." is more often a sentence end ("Thanks. jane at ...") than an
# obfuscation, so only "." itself and the spelled forms join its words.
_LOCAL_DOT = r"(?:\.|\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)"
_OBFUSCATED_LOCAL = rf"(?<![\w.@-])[a-z0-9_%+'-]++(?:{_LOCAL_DOT}[a-z0-9_%+'-]++)*+"
_OBFUSCATED_DOMAIN = rf"{_LABEL}(?:{_DOT}{_LABEL}){{0,3}}{_DOT}(?:{_COMMON_TLDS})(?![\w@-])"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class EmailRecognizer(SupportDeskPatternRecognizer):
    """Email addresses, including obfuscated spellings.

    A plain ``local@domain.tld`` passes on its own. An obfuscated one ("at", "dot", spaces) must
    end in a common TLD and is checked in ``_keep`` so that prose such as "available at
    amazon.com" is not taken for an address. ``analyze`` matches the two PATTERNS outwards from
    each "@"/"at" rather than scanning the whole message with them.
    """

    ENTITY = EMAIL_ADDRESS

    PATTERNS = [
        Pattern(
            "email (plain)",
            rf"{_LOCAL}@{_DOMAIN}",
            0.95,
        ),
        Pattern(
            "email (obfuscated)",
            rf"{_OBFUSCATED_LOCAL}{_AT}{_OBFUSCATED_DOMAIN}",
            0.8,
        ),
    ]

    CONTEXT = ["email", "e-mail", "mail", "address", "contact", "reach"]

    # Extensions that follow "@2x" in asset names (icon@2x.png) rather than a mail domain.
    FILE_EXTENSIONS = _words(
        """
        png jpg jpeg gif svg webp bmp ico tif tiff pdf js css html htm json xml txt csv
        zip mp3 mp4 mov
        """
    )
    # Free-mail domains: "jane at gmail.com" is an address even without another hint.
    MAIL_PROVIDERS = _words(
        """
        gmail googlemail yahoo ymail hotmail outlook live msn icloud me mac aol proton
        protonmail pm gmx yandex zoho mail btinternet sky virginmedia talktalk ntlworld
        comcast verizon att sbcglobal fastmail hey tutanota qq 163 web t-online orange
        free libero
        """
    )
    # Words that precede " at <site>" in prose: "find us at", "available at", "log in at".
    PROSE_WORDS = _words(
        """
        me us you him her them it we they i is are was were be am here there this that
        available online sold find found visit visiting look looking login log in signed
        sign registered register account site website web page store shop buy bought
        order ordered purchase purchased price priced arrived delivered check checked
        help support details info go went stay stayed work works working job live lives
        based
        """
    )
    # Matching starts from the "@" / "at" and works outwards: scanning every word of every
    # message for a local part costs ~10x more than finding the few anchors.
    _ANCHOR_RE = re.compile(r"@|\sat\s|[\[({<]\s*at\s*[\])}>]", re.IGNORECASE)
    _PLAIN_LOCAL_BEFORE_RE = re.compile(rf"{_LOCAL}$", re.IGNORECASE)
    _PLAIN_DOMAIN_AFTER_RE = re.compile(_DOMAIN, re.IGNORECASE)
    _OBFUSCATED_LOCAL_BEFORE_RE = re.compile(rf"{_OBFUSCATED_LOCAL}\s*$", re.IGNORECASE)
    _OBFUSCATED_DOMAIN_AFTER_RE = re.compile(rf"\s*{_OBFUSCATED_DOMAIN}", re.IGNORECASE)
    _AT_RE = re.compile(_AT, re.IGNORECASE)
    _SPELLED_AT_RE = re.compile(r"\s+at\s+", re.IGNORECASE)
    _SPELLED_DOT_RE = re.compile(r"\s+dot\s+|[\[({<]\s*dot\s*[\])}>]", re.IGNORECASE)
    _EMAIL_WORD_BEFORE_RE = re.compile(r"\b(?:e-?mail|mail|address)\b[^.!?\n]{0,25}$", re.I)
    _MAX_LOCAL = 64

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        spans: dict[tuple[int, int], int] = {}
        for anchor in self._ANCHOR_RE.finditer(text):
            found = self._around(text, anchor.start(), anchor.end(), plain=anchor.group() == "@")
            if found is not None:
                spans.setdefault(found[:2], found[2])
        results = []
        for (start, end), index in spans.items():
            pattern = self.PATTERNS[index]
            result = make_result(self, pattern, start, end, pattern.score)
            if self._keep(text, result):
                results.append(result)
        return EntityRecognizer.remove_duplicates(results)

    def _around(
        self, text: str, at_start: int, at_end: int, *, plain: bool
    ) -> tuple[int, int, int] | None:
        """(start, end, pattern index) of the address around the "@"/"at" at ``at_start``."""
        # The domain first: it is anchored, so prose ("at 5pm") fails it in a step or two.
        window = max(0, at_start - self._MAX_LOCAL)
        if plain and (domain := self._PLAIN_DOMAIN_AFTER_RE.match(text, at_end)):
            local = self._PLAIN_LOCAL_BEFORE_RE.search(text, window, at_start)
            if local:
                return local.start(), domain.end(), 0
        # Obfuscated: "john dot smith at gmail dot com", "john @ example . com", "j[at]x[dot]com"
        if domain := self._OBFUSCATED_DOMAIN_AFTER_RE.match(text, at_end):
            local = self._OBFUSCATED_LOCAL_BEFORE_RE.search(text, window, at_start)
            if local:
                return local.start(), domain.end(), 1
        return None

    def _keep(self, text: str, result: RecognizerResult) -> bool:
        value = text[result.start : result.end]
        tld = value.rsplit(".", 1)[-1].strip().lower()
        if tld in self.FILE_EXTENSIONS and "@" in value and " " not in value:
            return False
        at = self._AT_RE.search(value)
        if at is None:
            return False
        if not self._SPELLED_AT_RE.fullmatch(at.group(0)):
            return True
        # Written "<local> at <domain>": an address only with a sign that it is one.
        local, domain = value[: at.start()], value[at.end() :]
        if local.lower() in self.PROSE_WORDS:
            return False
        first_label = re.split(r"\s*[.\[({<]|\s+dot\s+", domain, maxsplit=1, flags=re.I)[0]
        return bool(
            self._SPELLED_DOT_RE.search(value)
            or first_label.lower() in self.MAIL_PROVIDERS
            or re.search(r"[._\d]|\bdot\b", local, re.I)
            or self._EMAIL_WORD_BEFORE_RE.search(text, max(0, result.start - 40), result.start)
        )


RECOGNIZER = EmailRecognizer
