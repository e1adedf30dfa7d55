"""How people write names: the contexts in front of (and behind) a name in support chat.

Each context says how strongly it announces a name (``Strength``) and what it needs around
it. The PERSON recognizer (recognizers/person.py) tries a context only where one of its first
words starts (see heads.py), so the list can grow without slowing every message down.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from redaction.lexicon.heads import NotWordStarting, first_words
from redaction.lexicon.words import typo_pattern


class Strength(IntEnum):
    NONE = 0
    MEDIUM = 1
    STRONG = 2


@dataclass(frozen=True)
class Trigger:
    pattern: re.Pattern[str]
    strength: Strength
    #: The context does not count right after these words ("product name: …").
    not_after: re.Pattern[str] | None = None
    #: A brand named here is a person ("my name is Paul Smith").
    names_brands: bool = False
    #: The name must end the line or message ("Cheers\nPriya", "- Jo").
    ends_line: bool = False
    #: A self-introduction: an unknown lower-case word counts only before "from", "here", a
    #: comma… ("im chinedu from leeds"), since "im livid" is far more common.
    introduces: bool = False
    #: Points at someone ("my colleague …", "spoke to …"): a capitalised name-word counts
    #: even when it is also a word ("my colleague Dale will call", "spoke to Crystal").
    points_at_person: bool = False
    #: Only when the name is capitalised ("tell Sarah", not "tell them").
    capitalised_only: bool = False
    #: A greeting ("Hey …,"): a slip of "team" or "there" after it is a typo ("Hey tam,").
    greets: bool = False
    #: A context that starts with a line break or a dash is searched for in the whole text
    #: (see lexicon/heads.py), and only when the text holds one of these characters.
    needs: str = ""


_NAME = typo_pattern("name")
#: Labels typed in a hurry before a name: "reciipient", "account hlder".
_RECIPIENT = typo_pattern("recipient")
_HOLDER = typo_pattern("holder")
_SHOULD = typo_pattern("should")
_M = re.MULTILINE


def _trigger(
    pattern: str, strength: Strength, not_after: str | None = None, **options: Any
) -> Trigger:
    return Trigger(
        re.compile(pattern, _M),
        strength,
        re.compile(not_after + r"\s*\Z") if not_after else None,
        **options,
    )


#: Labels that name a thing, not a person ("Product name: Tommy Hilfiger jacket").
_THING_LABEL = (
    r"\b(?:product|item|file|user|brand|company|business|store|shop|model|device|network|"
    r"wi-?fi|team|display|screen|pet|dog|cat|domain|host|server|app|game|project|folder|"
    r"street|road|town|city|ship|band|song|book|course|plan|package|event|venue|restaurant|"
    r"hotel|trading|bank|printer|computer|router|colou?r|size|style|variant|campaign|"
    r"group|channel|field|column|tab|sheet|list|page|site|website|card|tag|label|login)"
)
_SIGN_OFF = (
    r"(?:kind(?:est)?\s+regards|best\s+regards|warm(?:est)?\s+regards|regards|many\s+thanks|"
    r"thanks(?:\s+again)?|thank\s+you|thx|ta|"
    + typo_pattern("cheers")
    + "|"
    + typo_pattern("thanks")
    + "|"
    + typo_pattern("regards")
    + r"|best(?:\s+wishes)?|all\s+the\s+best|"
    r"sincerely|yours(?:\s+(?:sincerely|faithfully|truly))?|love|take\s+care|speak\s+soon|"
    r"talk\s+soon|many\s+thanks\s+in\s+advance|thanks\s+in\s+advance|with\s+thanks|"
    r"thanking\s+you|much\s+appreciated|warm\s+wishes|best\s+wishes|rgds|br|tks|"
    r"ng[aā]\s+mihi(?:\s+nui)?|sl[aá]n|go\s+raibh\s+maith\s+agat|le\s+meas|n[aā]|"
    r"ka\s+kite(?:\s+an[oō])?|m[aā]\s+te\s+w[aā]|noho\s+ora\s+mai|dhanyavaad|shukriya|"
    r"chur|xo+|x+)"
)
_LONG_RELATIONS = "colleague manager supervisor neighbour neighbor husband daughter partner"
_RELATION = (
    r"(?:"
    + "|".join(typo_pattern(word) for word in _LONG_RELATIONS.split())
    + r"|colleague|co-?worker|manager|supervisor|agent|advisor|adviser|rep|representative|"
    r"operator|engineer|technician|driver|courier|assistant|boss|neighbou?r|wife|husband|"
    r"partner|son|daughter|mum|mom|mother|dad|father|brother|sister|friend|fianc[eé]e?|"
    r"girlfriend|boyfriend|grandma|grandmother|grandad|granddad|grandpa|grandfather|nan|nana|"
    r"aunt|auntie|uncle|cousin|niece|nephew|flatmate|roommate|housemate|carer|accountant|"
    r"solicitor|lawyer|landlord|landlady|tenant|teacher|nurse|dentist|team-?mate|step(?:son|"
    r"daughter|mum|mom|dad|father|mother)|child|kid|baby|pa|secretary|employee|contractor|"
    r"plumber|electrician|installer|fitter|caller|customer|client|gentleman|lady|guy|man|"
    r"woman|person|someone|somebody|chap|fella|bloke)"
)

TRIGGERS: tuple[Trigger, ...] = (
    _trigger(
        r"\b(?:my|the|his|her|their|our)\s+(?:full\s+|first\s+|last\s+|real\s+|legal\s+|"
        r"maiden\s+|middle\s+|given\s+|family\s+|sur)?" + _NAME + r"s?(?:\s+is|\s*['\u2019]s)?\s*"
        r"[:=\-\u2013]?\s*",
        Strength.STRONG,
        names_brands=True,
    ),
    _trigger(
        r"\b(?:call\s+me|mera\s+naam|i\s+go\s+by|known\s+as|goes\s+by|in\s+the\s+name\s+of|under\s+the\s+"
        r"name(?:\s+of)?|(?:booked|registered|reserved|ordered|listed|booking)\s+under(?:\s+the"
        r"\s+name)?|i\s*['\u2019]?m\s+called|i\s+am\s+called)[ \t]*:?",
        Strength.STRONG,
        names_brands=True,
    ),
    _trigger(
        r"\b(?:full\s+|first\s+|given\s+|last\s+|family\s+|middle\s+|"
        r"legal\s+|customer\s+|contact\s+|billing\s+|account\s+|recipient['\u2019]?s?\s+|"
        r"card\s*holder['\u2019]?s?\s+|shipping\s+|delivery\s+|your\s+)?(?:name|surname|forename|"
        r"customer|account\s+"
        + _HOLDER
        + r"|card\s*holder|name\s+on\s+(?:the\s+)?(?:card|account)|"
        + _RECIPIENT
        + r"|contact|beneficiary|payee|addressee|client|passenger|guest|patient|member|"
        r"applicant|employee|policy\s*holder|tenant|attendee|owner|requested\s+by|submitted\s+"
        r"by|authori[sz]ed\s+by|signed\s+by|deliver\s+to|ship\s+to|attn|attention|fao|c/o|care"
        r"\s+of|"
        + typo_pattern("details")
        + r"|contact\s+details|personal\s+details|who|person|spoke\s+to|agent\s+name|"
        r"from|to|sender|agent|caller|visitor|me)\s*(?:[:=]|->|[-\u2013\u2014](?=\s))\s*",
        Strength.STRONG,
        not_after=_THING_LABEL,
        names_brands=True,
    ),
    _trigger(
        r"\b"
        + _NAME
        + r"s?(?:\s+(?:on|for)\s+(?:the|my|this|your|our)\s+\w+)?\s+(?:is|was|"
        + _SHOULD
        + r"\s+be|"
        r"reads|says|will\s+be|must\s+be|needs\s+to\s+be|to\s+be|as|(?:changed\s+)?to|"
        r"from)\s*:?\s*",
        Strength.STRONG,
        not_after=_THING_LABEL,
        names_brands=True,
    ),
    _trigger(
        r"\b(?:in|under)\s+(?:my|his|her|their|the|our)\s+[^\W\d_]+['\u2019]s?\s+"
        + _NAME
        + r"\s*[,:\-]?\s*",
        Strength.STRONG,
        names_brands=True,
    ),
    _trigger(
        r"\b(?=(?:mr|mrs|ms|mx|dr|prof|professor|rev|revd|cllr|miss|sir|lady|lord|dame)\b\.?"
        r"[ \t]+[^\W\d_])",
        Strength.STRONG,
    ),
    _trigger(
        r"\b(?:named|called|nicknamed)[ \t]+",
        Strength.STRONG,
        not_after=r"\b(?:shop|store|app|company|business|firm|website|site|product|brand|film|"
        r"movie|book|song|game|show|band|place|restaurant|cafe|pub|hotel|town|village|street|"
        r"road|thing|item|feature|setting|option|file|folder|plan|tariff|bundle|service|"
        r"package|card|account|model|range|colou?r|style|scent|flavou?r|product\s+line|"
        r"jacket|coat|shoe|shoes|boot|boots|dress|bag|phone|laptop|tv|device|version|edition|"
        r"perfume|fragrance|shade|size|cake|dish|drink|wine|beer|game|toy|doll|brand|course|"
        r"class|room|suite|"
        r"is|it|that|this|what|be|was|were|are|it['\u2019]s|its|that['\u2019]s|thats)",
    ),
    _trigger(
        r"\b(?:card\s*holder|account\s*" + _HOLDER + r"|policy\s*holder|bill\s*payer|"
        r"for\s+the\s+attention\s+of|fao|attn|c/o|care\s+of|" + _RECIPIENT + r"|addressee)"
        r"(?:['\u2019]s)?(?:\s+name)?"
        r"(?:\s+is|\s+was)?\s+",
        Strength.MEDIUM,
        points_at_person=True,
    ),
    _trigger(
        r"\b(?:(?:hi|hey|"
        + typo_pattern("hello")
        + r"|hiya|heya|howdy|hallo|hullo)(?:\s+(?:there|again))?|dear|"
        r"morning|afternoon|evening|good\s+(?:morning|afternoon|evening|day)|greetings|yo|"
        r"(?:"
        + typo_pattern("thanks")
        + r"|thank\s+you)(?:\s+(?:heaps|so\s+much|a\s+lot|a\s+million|again|very\s+"
        r"much|loads|a\s+bunch|muchly|kindly|for\s+(?:waiting|your\s+(?:patience|help|time)|"
        r"getting\s+back(?:\s+to\s+me)?|the\s+(?:quick\s+)?(?:reply|response|update))))?|"
        r"sorry\s+(?:for|about)\s+the\s+wait|thx|ty|"
        + typo_pattern("cheers")
        + r"|ta|bye|goodbye|sorry|kia\s+ora|"
        r"namaste|namaskar|g['\u2019]?day|dia\s+(?:duit|dhuit)|salaam|salam|hola|bonjour|ciao|"
        r"aloha|shalom|m[oō]rena|t[eē]n[aā]\s+(?:koe|koutou|kourua)|howya|vanakkam|"
        r"sat\s+sri\s+akal|as-?salaa?mu?\s+alaikum|assalamu?alaikum)\b[ \t,]*",
        Strength.MEDIUM,
        points_at_person=True,
        greets=True,
    ),
    _trigger(
        r"\b(?:ok|okay|great|perfect|lovely|brilliant|cool|ah|oh|right|sure|welcome|apologies|"
        r"congrats|congratulations|no\s+problem|no\s+worries|of\s+course)[ \t]*,[ \t]*",
        Strength.MEDIUM,
    ),
    _trigger(
        r"\b(?:i\s*['\u2019]?\s*m|i\s+am|this\s+is|it\s*['\u2019]\s*s|its|it\s+is|is\s+mise|"
        r"me\s+again\s*[,-]?)\s+",
        Strength.MEDIUM,
        names_brands=True,
        introduces=True,
    ),
    _trigger(
        r"\b(?:"
        + typo_pattern("speak")
        + "|"
        + typo_pattern("spoke")
        + r"|talk|spoken|speaking|talking|talked|chat|chatted|chatting|dealt|"
        r"dealing|deal)\s+(?:to|with)\s+|\bask(?:ed|ing)?\s+(?:for|after)\s+|"
        r"\b(?:send|sent|deliver|delivered|post|posted|address|addressed|forward|forwarded|"
        r"pass|passed|give|gave|hand|handed|refund|transfer|pay|paid|email|emailed|text|"
        r"texted|mail|mailed|ship|shipped|gift|gifted|leave|left)\s+(?:it|this|that|them|"
        r"(?:the|my|a)\s+[a-z]+)?\s*to\s+",
        Strength.MEDIUM,
        points_at_person=True,
    ),
    _trigger(
        r"\b(?:ordered|placed|bought|paid|signed|collected|received|booked|made|submitted|"
        r"returned|requested|authori[sz]ed|cancell?ed|raised|opened|written|sent)\s+(?:for|by)"
        r"\s+",
        Strength.MEDIUM,
        points_at_person=True,
    ),
    _trigger(
        r"\b(?:cc|cc['\u2019]?d|copy(?:ing)?\s+in|loop(?:ing)?\s+in|tell|told|thank|contact|"
        r"contacted|phone|phoned|call|ring|rang|email|emailed|message|messaged|ask|"
        r"asked|remind|reminded|let)\s+",
        Strength.MEDIUM,
        points_at_person=True,
        capitalised_only=True,
    ),
    _trigger(
        r"\b(?:my|your|our|his|her|their|the|a|one\s+of\s+your|another)\s+"
        + _RELATION
        + r"(?:\s*,|\s+(?:is|was|named|called|who\s+is))?\s+",
        Strength.MEDIUM,
        points_at_person=True,
    ),
    _trigger(
        r"(?:^|\n)[ \t]*" + _SIGN_OFF + r"[ \t]*[,.!]*[ \t]*(?:x+)?[ \t]*\n\s*",
        Strength.MEDIUM,
        ends_line=True,
        needs="\n",
    ),
    _trigger(
        r"(?:^|(?<=\s))[-\u2013\u2014~]+[ \t]*",
        Strength.MEDIUM,
        ends_line=True,
        needs="-\u2013\u2014~",
    ),
    _trigger(r"\b" + _SIGN_OFF + r"[ \t]*[,\-\u2013\u2014][ \t]*", Strength.MEDIUM, ends_line=True),
)


@dataclass(frozen=True)
class LabelAfter:
    """A label that follows a name: "Aroha Ngata (account holder)", "… is my name"."""

    #: The label, tried where its first word starts.
    pattern: re.Pattern[str]
    #: What joins the name to the label, matched backwards from the label (ends with \\Z).
    joint: re.Pattern[str]
    #: The label can only follow a name, so lower-case words count too.
    any_case: bool = False


LABELS_AFTER: tuple[LabelAfter, ...] = (
    LabelAfter(
        re.compile(
            r"\b(?:account\s*holder|card\s*holder|policy\s*holder|bill\s*payer|name\s+on\s+the\s+"
            r"\w+|recipient|customer|lead\s+passenger|next\s+of\s+kin|beneficiary|payee|main\s+"
            r"contact|contact\s+person|primary\s+contact|tenant|landlord|" + _RELATION + r")\b"
        ),
        re.compile(
            r"[ \t]*(?:[(\[,\-\u2013\u2014:][ \t]*|\s+(?:is|was|will\s+be|should\s+be|as)\s+)"
            r"(?:(?:the|my|our|your|a)\s+)?\Z"
        ),
    ),
    LabelAfter(
        re.compile(r"\b" + _NAME + r"\b"),
        re.compile(
            r"[ \t]*(?:,[ \t]*)?(?:is|['\u2019]s)\s+(?:my|the|our|his|her)\s+"
            r"(?:(?:full|real)\s+)?\Z"
        ),
        any_case=True,
    ),
    LabelAfter(
        # "Fainche in our billing team will pick this up", "Neel from the returns team".
        re.compile(r"\b(?:in|from|on|of)\s+(?:our|the)\s+(?:[^\W\d_]+\s+){0,2}team\b"),
        re.compile(r"[ \t]+\Z"),
    ),
)
_Indexed = Trigger | LabelAfter


def _index(
    entries: Iterable[_Indexed],
) -> tuple[dict[str, tuple[_Indexed, ...]], list[Trigger]]:
    """Contexts by the words they can start with, and those that start with a non-letter."""
    index: dict[str, list[_Indexed]] = {}
    scanning: list[Trigger] = []
    for entry in entries:
        try:
            heads = first_words(entry.pattern)
        except NotWordStarting:
            # A line break or a dash comes first: the recognizer searches the text for it.
            if not isinstance(entry, Trigger):
                raise
            scanning.append(entry)
            continue
        for head in heads:
            index.setdefault(head, []).append(entry)
    return {head: tuple(found) for head, found in index.items()}, scanning


#: Contexts by the words they can start with, and those that start with a line break or dash.
CONTEXTS_BY_FIRST_WORD, SCANNING_CONTEXTS = _index([*TRIGGERS, *LABELS_AFTER])
