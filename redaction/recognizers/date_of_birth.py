"""DATE_OF_BIRTH: a date, but only where the text ties it to a birth.

Found: ``DOB: 14/03/1987``, ``date of birth is 1987-03-14``, ``born on 14th March 1987``,
``my birthday is March 14``, ``14.03.1987 (d.o.b.)``. Not found: order dates, delivery dates,
timestamps (``2024-03-12 14:32``), or any date with no birth word in the same sentence.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers._support import (
    LABEL_AFTER,
    NO_VALUE_OF_ITS_OWN,
    SupportDeskPatternRecognizer,
    compile_patterns,
    fuzzy,
    pattern_results,
    set_score,
)
from redaction.types import DATE_OF_BIRTH

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
# Four digits, or two ("14 Mar 87") when they are not a count ("March 14, 12 years ago").
_YEAR = (
    r"(?:(?:19|20)\d{2}|'?\d{2}"
    r"(?!\d|\s*(?:years?|yrs?|y/?o|months?|weeks?|days?|hours?|hrs?|min(?:ute)?s?|am|pm|%)))"
)


class DateOfBirthRecognizer(SupportDeskPatternRecognizer):
    """Dates in the usual numeric and written forms, reported when

    - a birth word ("DOB", "d.o.b", "date of birth", "born", "birthday", "birth date") is in the
      same sentence just before the date or just after it (0.9), or
    - the date is a full date at least ``MIN_AGE_YEARS`` old and nothing labels it as another
      kind of date ("ordered", "since", "expired", "issued"...) (0.6): order dates, timestamps
      and promo deadlines in a support chat are recent or in the future, a customer's birth
      date is not.

    Any other date is left alone, so order dates and timestamps survive redaction."""

    ENTITY = DATE_OF_BIRTH

    PATTERNS = [
        Pattern(
            "date (numeric d/m/y or m/d/y)",
            r"(?<![\w./-])(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|[12]\d|3[01])\1(?:\d{4}|\d{2})"
            r"(?![\w/-]|\.\d)",
            0.1,
        ),
        Pattern(
            "date (ISO y-m-d)",
            r"(?<![\w./-])(?:19|20)\d{2}([/.-])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])"
            r"(?![\w/-]|\.\d)",
            0.1,
        ),
        Pattern(
            "date (day month [year])",
            rf"(?<![\w-]){_DAY}(?:\s+of)?[\s-]+{_MONTH}(?:,?[\s-]+{_YEAR})?(?![\w-])",
            0.1,
        ),
        Pattern(
            "date (month day [year])",
            rf"(?<![\w-]){_MONTH}\s+(?:the\s+)?{_DAY}(?:,?\s+{_YEAR})?(?![\w-])",
            0.1,
        ),
    ]

    CONTEXT = ["birth", "birthday", "born", "dob", "birthdate"]
    MIN_AGE_YEARS = 10

    _COMPILED = compile_patterns(PATTERNS)
    # "DOB", "d.o.b.", "date of birth", "birthday", "birth date", "born", "b-day", with typos.
    _BIRTH_WORDS = (
        rf"\bd\.?\s?o\.?\s?b\b\.?|\b{fuzzy('birthday', 'birthdate', 'birth')}\b|"
        r"\bbirth\s+date\b|\bb-?day\b|\bborn\b|\b(?:bron|boorn|borrn|bornn|brn)\b|\bd/o/b\b"
    )
    # The date follows in the same sentence, or in the one after a question ("Can you confirm
    # your date of birth? We have 14/03/1987 on file.").
    _BIRTH_BEFORE_RE = re.compile(
        rf"(?:{_BIRTH_WORDS})(?P<between>[^.!?;\n\d]{{0,30}}(?:\?[^.!?;\n\d]{{0,30}})?)\s*$",
        re.IGNORECASE,
    )
    # Words between the birth word and the date that make it some other date.
    _OTHER_DATE_RE = re.compile(
        r"\b(?:order|ordered|placed|deliver|delivered|dispatched|shipped|paid|payment|refund|"
        r"purchased?|bought|arriv\w*|expir\w*|valid|due|since|until|booked|renew\w*|sale|"
        r"ends?|ending|offer|deal|discount|voucher|promo|coupon|gift|present|party)\b",
        re.IGNORECASE,
    )
    # Labels of old dates that are not births: "customer since", "account opened", "passport
    # issued", "warranty expired", "bought it on".
    _NOT_BIRTH_LABEL_RE = re.compile(
        r"\b(?:order|ordered|placed|deliver|delivered|dispatched|shipped|paid|payment|refund|"
        r"purchased?|bought|expir\w*|valid|due|since|until|booked|renew\w*|opened|joined|"
        r"created|registered|member|customer|installed|manufactured|made|built|released|"
        r"issued|effective|started|moved|married|died|passed|graduated|hired|from|between|"
        r"invoice|invoiced|dated|last|updated|signed)\b[^.!?;\n\d]{0,25}$",
        re.IGNORECASE,
    )
    # The year of a matched date, when it is written out: four digits; two after an apostrophe
    # ("Mar 14 '87"); two from 30 to 99 ending a slashed date ("14/3/87": no version number is
    # written with slashes, and no recent order date ends in 87). "6.19.10" is far more often a
    # version than 19 June 2010, and in "March 14" the two digits are the day.
    _YEAR_RE = re.compile(r"(?:19|20)\d{2}(?!\d)|(?<=')\d{2}$|(?<=/)[3-9]\d$")
    _BIRTH_AFTER_RE = re.compile(
        # "14/03/1987 - my date of birth", and an operator's "is 8/4/04 your date of birth?"
        rf"^(?:{LABEL_AFTER}|[ \t]+(?:your|the)\s+)(?:date\s+of\s+)?"
        # ... unless the birth word introduces a date of its own ("until 23 November my date
        # of birth is 1944-11-05").
        rf"(?:{_BIRTH_WORDS}){NO_VALUE_OF_ITS_OWN}",
        re.IGNORECASE,
    )
    # "valid until", "ordered on", "expires": a date labelled as something else.
    _OTHER_DATE_BEFORE_RE = re.compile(
        r"\b(?:until|valid|ordered|placed|delivered|dispatched|shipped|paid|expir\w*|due|since|"
        r"on\s+sale|ends?|arriv\w*)\b(?:\s+(?:on|by|from|the|at))*\s*$",
        re.IGNORECASE,
    )
    # Without a birth word only a date with an old four-digit year can be reported: look for
    # the year before running the date patterns.
    _YEAR_ANYWHERE_RE = re.compile(r"(?:19|20)\d\d(?!\d)")
    _SLASHED_OLD_YEAR_RE = re.compile(r"\d/\d\d?/[3-9]\d(?!\d)")
    # Birth words, typos included, anywhere in the message.
    _PREFILTER_RE = re.compile(
        rf"{fuzzy('birthday', 'birthdate', 'birth', word_start=True)}|born|b-?day|d\.?\s?o\.?\s?b",
        re.IGNORECASE,
    )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        oldest_recent_year = datetime.now(UTC).year - self.MIN_AGE_YEARS
        if not (
            self._PREFILTER_RE.search(text)
            or self._has_old_year(text, oldest_recent_year)
            or self._SLASHED_OLD_YEAR_RE.search(text)
        ):
            return []
        kept = []
        for result in pattern_results(self, text, self._COMPILED):
            before = text[max(0, result.start - 70) : result.start]
            after = text[result.end : result.end + 60]
            birth_before = self._BIRTH_BEFORE_RE.search(before)
            if birth_before and self._OTHER_DATE_RE.search(birth_before.group("between")):
                birth_before = None
            birth_after = self._BIRTH_AFTER_RE.search(after)
            if birth_after and self._OTHER_DATE_BEFORE_RE.search(before):
                birth_after = None
            if birth_before or birth_after:
                set_score(result, 0.9)
                kept.append(result)
            elif self._year(text[result.start : result.end]) <= oldest_recent_year and not (
                self._NOT_BIRTH_LABEL_RE.search(before)
            ):
                set_score(result, 0.6)
                kept.append(result)
        return kept

    def _has_old_year(self, text: str, oldest_recent_year: int) -> bool:
        for match in self._YEAR_ANYWHERE_RE.finditer(text):
            start = match.start()
            if (start == 0 or not text[start - 1].isdigit()) and int(
                match.group()
            ) <= oldest_recent_year:
                return True
        return False

    def _year(self, value: str) -> int:
        """The date's written-out year ("'87" read as the most recent such year), or 9999."""
        match = self._YEAR_RE.search(value)
        if match is None:
            return 9999
        year = int(match.group())
        if year >= 100:
            return year
        this_year = datetime.now(UTC).year
        return 2000 + year if 2000 + year <= this_year else 1900 + year

    def validate_result(self, pattern_text: str) -> bool | None:
        parts = re.split(r"[/.-]", pattern_text)
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return None  # written forms: the regex already bounds day and month
        if len(parts[0]) == 4:
            return None  # ISO: bounded by the regex
        first, second = int(parts[0]), int(parts[1])
        return first <= 12 or second <= 12  # d/m/y or m/d/y: one of them must be a month


RECOGNIZER = DateOfBirthRecognizer
