"""The redaction engine's vocabulary: entity types, spans, context, policy and results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

PERSON = "PERSON"
USERNAME = "USERNAME"
EMAIL_ADDRESS = "EMAIL_ADDRESS"
PHONE_NUMBER = "PHONE_NUMBER"
CREDIT_CARD = "CREDIT_CARD"
ADDRESS = "ADDRESS"
POSTCODE = "POSTCODE"
US_SSN = "US_SSN"
UK_NINO = "UK_NINO"
IP_ADDRESS = "IP_ADDRESS"
IBAN_CODE = "IBAN_CODE"
DATE_OF_BIRTH = "DATE_OF_BIRTH"
PASSPORT_NUMBER = "PASSPORT_NUMBER"
URL = "URL"  # only URLs that carry personal data (a profile URL with a name in it)
CUSTOM = "CUSTOM"  # a workspace's own deny-pattern (e.g. its account-number format)

#: Always redacted: a workspace policy cannot switch these off.
REQUIRED_TYPES: frozenset[str] = frozenset(
    {
        PERSON,
        USERNAME,
        EMAIL_ADDRESS,
        PHONE_NUMBER,
        CREDIT_CARD,
        ADDRESS,
        POSTCODE,
        US_SSN,
        UK_NINO,
        IP_ADDRESS,
        IBAN_CODE,
        DATE_OF_BIRTH,
        PASSPORT_NUMBER,
        URL,
    }
)
ALL_TYPES: frozenset[str] = REQUIRED_TYPES | {CUSTOM}

#: Spans below this score are not redacted.
SCORE_THRESHOLD = 0.5


@dataclass(frozen=True, order=True)
class Entity:
    """A detected span, with offsets into the original text (end exclusive)."""

    start: int
    end: int
    type: str
    score: float

    def as_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 2),
        }


@dataclass(frozen=True)
class RedactionPolicy:
    """A workspace's choices. Required types stay on whatever ``disabled_types`` says."""

    disabled_types: frozenset[str] = frozenset()
    #: (name, regex) pairs: the workspace's own formats, redacted as CUSTOM.
    deny_patterns: tuple[tuple[str, str], ...] = ()
    #: Terms never to redact (their own brand, product names), matched case-insensitively.
    allow_terms: tuple[str, ...] = ()

    def enabled(self, entity_type: str) -> bool:
        return entity_type in REQUIRED_TYPES or entity_type not in self.disabled_types


@dataclass(frozen=True)
class RedactionContext:
    """What the conversation knows: its participants' names, emails and usernames are always
    redacted, even where no pattern would catch them."""

    known: Sequence[str] = ()
    policy: RedactionPolicy = field(default_factory=RedactionPolicy)
    language: str = "en"


@dataclass
class RedactionResult:
    text: str
    entities: list[Entity]
    #: placeholder -> original value, e.g. {"<PERSON_1>": "Jane Doe"}
    mapping: dict[str, str]


class RedactionFailed(RuntimeError):
    """Redaction raised or ran out of time: nothing may be sent to any provider (fail closed)."""
