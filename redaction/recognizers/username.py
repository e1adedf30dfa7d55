"""USERNAME: account handles named as such ("username: jdoe42", "logged in as sam_k") and
@mentions.

A handle is one token of letters, digits, underscores, dots or hyphens. After a label that
says a username follows ("username is", "signed in as", "my handle is") a plain word counts
unless it is an ordinary English word ("my username is wrong"). After a weaker label
("account", "login", "profile") the token must look like a handle: a digit, an underscore or
a dot inside it ("account jdoe42", not "account settings"). Codes are never handles: order
ids, SKUs, promo codes (SUMMER20), error codes, versions, tracking numbers.
"""

from __future__ import annotations

import re

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.lexicon.heads import by_first_word, lower_keeping_offsets, word_starts
from redaction.lexicon.names import fold, name_lexicon
from redaction.lexicon.words import typo_pattern
from redaction.types import USERNAME

#: One handle: starts with a letter, digit or underscore; no trailing dot or hyphen.
_HANDLE = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,38}[A-Za-z0-9_])?(?:#\d{4}(?!\d))?"
_END = r"(?![\w@]|[.\-][A-Za-z0-9])"

#: Labels after which the next token is a username even if it is a plain word.
STRONG_LABEL = re.compile(
    r"\b(?:user\s*-?\s*name|"
    + typo_pattern("username")
    + r"|user\s*id|userid|login\s+(?:name|id)|log-?in\s+(?:name|id)|"
    r"handle|gamer\s*tag|screen\s*name|display\s+name|nick\s*name|account\s+name|"
    r"account\s+username|profile\s+name|member\s+name|member\s+id|sign-?in\s+name|"
    r"(?:insta(?:gram)?|twitter|tiktok|github|discord|reddit|steam|xbox|psn|twitch|"
    r"telegram|snapchat|skype|slack)(?:\s+(?:handle|name|username|user|id|tag))?)"
    r"(?:\s+(?:is|was|should\s+be|=|of)|\s*['\u2019]s)?\s*[:=\-]?\s*['\"\u2018\u201c]?"
    r"|\b(?:logged|logging|log|signed|signing|sign)\s+(?:in|on)\s+(?:as|with|under)\s+"
    r"['\"\u2018\u201c]?"
    r"|\bgo(?:es)?\s+by\s+@?|\bi\s*['\u2019]?m\s+@(?=\w)|\b(?:username|user|login)\s+(?=\w*\d)",
)
#: Labels after which only a handle-shaped token counts.
WEAK_LABEL = re.compile(
    r"\b(?:"
    + typo_pattern("account")
    + "|"
    + typo_pattern("login")
    + r"|log-?in|profile|user|member|id|acct|a/c|handle|alias|tag)"
    r"(?:\s+(?:is|was|=|name|under|called|named|for|of|as|with))?\s*[:=#\-]?\s*"
    r"['\"\u2018\u201c]?",
)
_LABELS = by_first_word(STRONG_LABEL, WEAK_LABEL)
#: A label after the handle: "'jdoe42' is my login", "sam_k was my old username".
LABEL_AFTER = re.compile(
    r"['\"\u2019\u201d]?[ \t]+(?:is|was)[ \t]+(?:my|our|his|her|their)[ \t]+(?:\w+[ \t]+)?"
    r"(?:user\s*-?\s*name|"
    + typo_pattern("username")
    + "|"
    + typo_pattern("login")
    + r"|log-?in|user\s*id|handle|gamer\s*tag|screen\s*name|display\s+name)\b"
    # "... is my login page / login problem": the label names something else.
    r"(?![ \t]+(?:page|screen|button|link|form|problem|issue|error|details|info|email|"
    r"password|code|attempt|method|history|settings)\b)",
    re.IGNORECASE,
)
#: The handle just before such a label (searched in the few characters before it).
_HANDLE_BEFORE = re.compile(r"(?<![\w@.\-])@?(" + _HANDLE + r")$")
_HANDLE_BEFORE_CHARS = 48
_TOKEN = re.compile(r"@?(" + _HANDLE + r")" + _END)
#: "@jane_doe" not inside an email address or a URL path.
MENTION = re.compile(r"(?<![\w.@/:+-])@(" + _HANDLE + r")" + _END)

#: Shapes that are codes, not handles.
_CODE = re.compile(
    r"""
    \d[\d.\-/:]*                           # numbers, dates, versions, times
    | [vV]?\d+(?:\.\d+)+[a-z0-9\-]*         # versions: 2.4.1, v3.2-beta
    | [A-Z0-9]+(?:[\-_][A-Z0-9]+)+         # ORD-1234, SKU-32858-L, INV_2024_01
    | [A-Z]{2,}\d+[A-Z0-9]*                # SUMMER20, ERR404, UK12345678
    | [A-Z]?\d+[A-Z]+\d*                   # 1ZXVZ01603, 4B
    | (?i:(?:ord|order|inv|invoice|sku|ref|ticket|case|tkt|err|error|promo|code|e|v|x|0x)
      [\-_\#]?[0-9a-f]*\d[0-9a-f]*)         # ord12345, err_404, E3951, 0x273bd158
    | (?i:\d{1,2}(?:[:.]\d\d)?[ap]m)          # times: 5pm, 10:30am
    | [a-z]+\d{1,2}                        # summer20, extra25 (promo-code shaped)
    """,
    re.VERBOSE,
)
_PROMO_LIKE = re.compile(r"[a-z]+\d{1,2}", re.IGNORECASE)
#: Letters with a digit, an underscore or a dot somewhere: "jdoe42", "sam_k", "sam-k-1990".
_HANDLE_SHAPED = re.compile(
    r"(?=[\w.\-]*[A-Za-z])(?=[\w.\-]*[0-9_.])[A-Za-z0-9_.\-]+|[A-Za-z][\w.\-]*#\d{4}", re.ASCII
)
#: Words that end a sentence rather than name a handle ("log in as admin" is a role).
NOT_HANDLES: frozenset[str] = frozenset(
    {
        *("admin", "administrator", "guest", "root", "user", "me", "myself", "them", "him"),
        *("her", "everyone", "here", "channel", "all", "team", "support", "help", "home"),
    }
)


class UsernameRecognizer(EntityRecognizer):
    """Usernames after a label that names them, and @mentions."""

    name: str  # set by EntityRecognizer.__init__

    STRONG_SCORE = 0.85
    WEAK_SCORE = 0.7
    MENTION_SCORE = 0.75

    def __init__(self) -> None:
        super().__init__(supported_entities=[USERNAME], name="UsernameRecognizer")

    def load(self) -> None:
        name_lexicon()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and USERNAME not in entities:
            return []
        spans: dict[tuple[int, int], float] = {}
        lowered = lower_keeping_offsets(text)
        labels = word_starts(lowered, _LABELS)
        for match in labels:
            if match.re is not STRONG_LABEL:
                continue
            token = _TOKEN.match(text, match.end())
            if token and self._is_handle(token.group(1), strong=True):
                spans[token.span(1)] = self.STRONG_SCORE
        for match in labels:
            if match.re is not WEAK_LABEL:
                continue
            token = _TOKEN.match(text, match.end())
            if not token or token.span(1) in spans:
                continue
            labelled = ":" in match.group() or "=" in match.group()  # "login: sarahjones"
            if self._is_handle(token.group(1), strong=labelled):
                spans[token.span(1)] = self.WEAK_SCORE
        if " is " in lowered or " was " in lowered:
            for match in LABEL_AFTER.finditer(text):
                window_start = max(0, match.start() - _HANDLE_BEFORE_CHARS)
                before = _HANDLE_BEFORE.search(text, window_start, match.start())
                if before and self._is_handle(before.group(1), strong=True):
                    spans.setdefault(before.span(1), self.STRONG_SCORE)
        if "@" in text:
            for match in MENTION.finditer(text):
                handle = match.group(1)
                if match.span(1) in spans or self._is_code_mention(handle):
                    continue
                if handle.lower() not in NOT_HANDLES:
                    spans[match.span(1)] = self.MENTION_SCORE
        return [self._result(start, end, score) for (start, end), score in sorted(spans.items())]

    @staticmethod
    def _is_code_mention(handle: str) -> bool:
        """ "@ERR404" is a code; "@jaxonuniacke38" is a handle although shaped like a promo code
        ("summer20"): nobody writes a promo code after an "@"."""
        if not _CODE.fullmatch(handle):
            return False
        return not (_PROMO_LIKE.fullmatch(handle) and not handle.isupper())

    def _is_handle(self, token: str, strong: bool) -> bool:
        folded = fold(token)
        if len(token) < 3 or folded in NOT_HANDLES:
            return False
        if _CODE.fullmatch(token):
            # "jdoe42" and "summer20" share a shape; a label says which one it is.
            return bool(_PROMO_LIKE.fullmatch(token)) and not token.isupper()
        if _HANDLE_SHAPED.fullmatch(token):
            return True
        if not token.isalpha() or name_lexicon().is_common_word(folded):
            return False
        # A plain word: after "username is" it is the handle; after "login for" only when it
        # is lower case and no ordinary word ("login for summersn", not "login for Tuesday").
        return strong or (token.islower() and len(token) >= 4)

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            entity_type=USERNAME,
            start=start,
            end=end,
            score=score,
            analysis_explanation=AnalysisExplanation(
                recognizer=self.name, original_score=score, textual_explanation="username"
            ),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
            },
        )


RECOGNIZER = UsernameRecognizer
