"""What the corpus is made of: messages with gold spans, look-alike kinds, template pieces, and
the two per-family descriptions (a ``_Style`` of value formats, a ``_Family`` of templates)."""

from __future__ import annotations

from dataclasses import dataclass

FAMILIES = ("dev", "holdout")

# Look-alike kinds: non-personal values that must survive redaction.
ORDER_NUMBER = "ORDER_NUMBER"
TRACKING_NUMBER = "TRACKING_NUMBER"
INVOICE_ID = "INVOICE_ID"
TICKET_ID = "TICKET_ID"
SKU = "SKU"
PRICE = "PRICE"
PROMO_CODE = "PROMO_CODE"
VERSION = "VERSION"
ERROR_CODE = "ERROR_CODE"
TIMESTAMP = "TIMESTAMP"
ORDER_DATE = "ORDER_DATE"
BRAND = "BRAND"
CARD_LAST4 = "CARD_LAST4"
LOOKALIKE_KINDS = (
    ORDER_NUMBER,
    TRACKING_NUMBER,
    INVOICE_ID,
    TICKET_ID,
    SKU,
    PRICE,
    PROMO_CODE,
    VERSION,
    ERROR_CODE,
    TIMESTAMP,
    ORDER_DATE,
    BRAND,
    CARD_LAST4,
)


@dataclass(frozen=True, order=True)
class GoldSpan:
    """``type`` is an entity type (gold) or a look-alike kind; ``end`` is exclusive."""

    type: str
    start: int
    end: int


@dataclass
class Message:
    id: str
    text: str
    speaker: str  # "visitor" | "operator"
    #: The conversation's participants as the engine would know them: the visitor's pre-chat
    #: name and email, the operator's name, sometimes the visitor's username.
    known: list[str]
    gold: list[GoldSpan]
    lookalikes: list[GoldSpan]
    has_pii: bool
    family: str = ""
    #: Ids of the greeting, clause and sign-off templates the message was built from.
    templates: tuple[str, ...] = ()


# --------------------------------------------------------------------------- pieces


@dataclass(frozen=True)
class _Piece:
    text: str
    gold: str | None = None  # entity type
    lookalike: str | None = None  # look-alike kind


def _lit(text: str) -> _Piece:
    return _Piece(text)


@dataclass
class _Persona:
    first: str
    last: str
    email: str
    username: str
    op_first: str
    op_last: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class _Style:
    """Everything about values and wording that differs between the families."""

    name_locales: tuple[str, ...]
    email_domains: tuple[str, ...]
    phone_plans: tuple[str, ...]
    phone_formats: tuple[str, ...]
    card_schemes: tuple[str, ...]
    card_layouts: tuple[str, ...]
    iban_countries: tuple[str, ...]
    iban_layouts: tuple[str, ...]
    dob_formats: tuple[str, ...]
    order_date_formats: tuple[str, ...]
    passport_formats: tuple[str, ...]
    nino_formats: tuple[str, ...]
    ssn_formats: tuple[str, ...]
    email_spellings: tuple[tuple[str, str], ...]
    username_forms: tuple[str, ...]
    profile_sites: tuple[str, ...]
    ipv6_forms: tuple[str, ...]
    uk_towns: tuple[str, ...]
    uk_street_stems: tuple[str, ...]
    uk_street_suffixes: tuple[str, ...]
    uk_buildings: tuple[str, ...]
    uk_address_forms: tuple[str, ...]
    us_places: tuple[tuple[str, str], ...]
    us_street_stems: tuple[str, ...]
    us_street_suffixes: tuple[str, ...]
    us_units: tuple[str, ...]
    us_address_forms: tuple[str, ...]
    postcode_forms: tuple[str, ...]
    brands: tuple[str, ...]
    promo_forms: tuple[str, ...]
    order_forms: tuple[str, ...]
    tracking_forms: tuple[str, ...]
    invoice_forms: tuple[str, ...]
    ticket_forms: tuple[str, ...]
    sku_forms: tuple[str, ...]
    price_forms: tuple[str, ...]
    version_forms: tuple[str, ...]
    error_forms: tuple[str, ...]
    timestamp_forms: tuple[str, ...]
    masked_card_forms: tuple[str, ...]


# --------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class _Family:
    greet_visitor_pii: tuple[str, ...]
    greet_visitor_plain: tuple[str, ...]
    greet_operator_pii: tuple[str, ...]
    greet_operator_plain: tuple[str, ...]
    sign_visitor_pii: tuple[str, ...]
    sign_visitor_plain: tuple[str, ...]
    sign_operator_pii: tuple[str, ...]
    sign_operator_plain: tuple[str, ...]
    visitor_pii: tuple[str, ...]
    visitor_plain: tuple[str, ...]
    operator_pii: tuple[str, ...]
    operator_plain: tuple[str, ...]
    joiners: tuple[str, ...]
    lowercase_rate: float
    typo_rate: float

    def pools(self) -> dict[str, tuple[str, ...]]:
        return {name: value for name, value in vars(self).items() if isinstance(value, tuple)}


#: Person-like brands both families mention.
_BRANDS_BOTH = ("Paul Smith", "John Lewis", "Ted Baker", "Marks & Spencer", "Tommy Hilfiger")
