"""Value generators shared by both families: checksummed card numbers, IBANs, NINOs, postcodes,
phone numbers, names and the rest, in the formats a family's ``_Style`` asks for."""

from __future__ import annotations

import functools
import importlib
import ipaddress
import random
import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date

import phonenumbers

from bench.redaction.corpus.dev import DEV_STYLE
from bench.redaction.corpus.holdout import HOLDOUT_STYLE
from bench.redaction.corpus.model import (
    BRAND,
    CARD_LAST4,
    ERROR_CODE,
    INVOICE_ID,
    ORDER_DATE,
    ORDER_NUMBER,
    PRICE,
    PROMO_CODE,
    SKU,
    TICKET_ID,
    TIMESTAMP,
    TRACKING_NUMBER,
    VERSION,
    _lit,
    _Persona,
    _Piece,
)
from redaction.types import (
    ADDRESS,
    CREDIT_CARD,
    DATE_OF_BIRTH,
    EMAIL_ADDRESS,
    IBAN_CODE,
    IP_ADDRESS,
    PASSPORT_NUMBER,
    PERSON,
    PHONE_NUMBER,
    POSTCODE,
    UK_NINO,
    URL,
    US_SSN,
    USERNAME,
)

# --------------------------------------------------------------------------- checksums


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return bool(digits) and total % 10 == 0


def _luhn_complete(body: str) -> str:
    """``body`` plus the check digit that makes it Luhn-valid."""
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable: one check digit always fits")


def _mod97(alnum: str) -> int:
    return int("".join(str(int(c, 36)) for c in alnum)) % 97


def iban_valid(iban: str) -> bool:
    compact = re.sub(r"\s", "", iban).upper()
    return bool(re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", compact)) and (
        _mod97(compact[4:] + compact[:4]) == 1
    )


NINO_FIRST_LETTERS = "ABCEGHJKLMNOPRSTWXYZ"  # never D F I Q U V
NINO_SECOND_LETTERS = "ABCEGHJKLMNPRSTWXYZ"  # never D F I O Q U V
NINO_BANNED_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})

UK_POSTCODE_RE = re.compile(
    r"(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2}"
)


def _ean13_complete(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


# --------------------------------------------------------------------------- value pools

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


_DATE_FORMATS: dict[str, Callable[[date], str]] = {
    "dmy_slash": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "d_month_y": lambda d: f"{d.day} {_MONTHS[d.month - 1]} {d.year}",
    "iso": lambda d: d.isoformat(),
    "month_dth_y": lambda d: f"{_MONTHS[d.month - 1]} {_ordinal(d.day)}, {d.year}",
    "dmy_dots": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "mdy_slash": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "d_mon_y": lambda d: f"{d.day:02d}-{_MONTHS[d.month - 1][:3]}-{d.year}",
    "dth_of_month_y": lambda d: f"{_ordinal(d.day)} of {_MONTHS[d.month - 1]} {d.year}",
    "dmy_short": lambda d: f"{d.day}/{d.month}/{d.year % 100:02d}",
    # Order dates only: no year.
    "d_month": lambda d: f"{d.day} {_MONTHS[d.month - 1]}",
    "month_dth": lambda d: f"{_MONTHS[d.month - 1]} {_ordinal(d.day)}",
}

_US_AREA_CODES = "206 212 213 214 303 305 312 404 415 503 512 602 617 646 702 718 773 858 919 972"
_US_AREA_CODE_LIST = _US_AREA_CODES.split()

# (region, leading digits of the national significant number, its length)
_PHONE_PLANS: dict[str, tuple[str, tuple[str, ...], int]] = {
    "gb_mobile": ("GB", ("73", "74", "75", "77", "78", "79"), 10),
    "gb_london": ("GB", ("207", "208"), 10),
    "gb_geo": ("GB", ("113", "114", "116", "117", "121", "131", "141", "161", "191"), 10),
    "us": ("US", (), 10),
    "fr": ("FR", ("6", "7"), 9),
    "de": ("DE", ("151", "152", "160", "170", "176"), 11),
    "ie": ("IE", ("83", "85", "86", "87", "89"), 9),
    "au": ("AU", ("4",), 9),
    "nl": ("NL", ("6",), 9),
    "in": ("IN", ("70", "90", "97", "98", "99"), 10),
    "es": ("ES", ("6",), 9),
}

# (prefixes, length, grouping)
_CARD_SCHEMES: dict[str, tuple[tuple[str, ...], int, tuple[int, ...]]] = {
    "visa16": (("4",), 16, (4, 4, 4, 4)),
    "visa13": (("4",), 13, (4, 4, 5)),
    "mastercard": (("51", "52", "53", "54", "55"), 16, (4, 4, 4, 4)),
    "mastercard2": (("2221", "2300", "2411", "2598", "2720"), 16, (4, 4, 4, 4)),
    "amex": (("34", "37"), 15, (4, 6, 5)),
    "discover": (("6011", "65"), 16, (4, 4, 4, 4)),
    "diners": (("36", "38"), 14, (4, 6, 4)),
    "jcb": (("3528", "3589"), 16, (4, 4, 4, 4)),
    "maestro18": (("6759", "6761"), 18, (4, 4, 4, 6)),
    "unionpay17": (("62",), 17, (4, 4, 4, 5)),
    "unionpay19": (("62",), 19, (4, 4, 4, 4, 3)),
}

# BBAN layouts: a = upper-case letter, n = digit, c = letter or digit.
_IBAN_LAYOUTS: dict[str, str] = {
    "GB": "4a14n",
    "DE": "18n",
    "FR": "23n",
    "ES": "20n",
    "NL": "4a10n",
    "IE": "4a14n",
    "IT": "1a22n",
    "BE": "12n",
    "PL": "24n",
    "CH": "17n",
}
_IBAN_BANKS = {
    "GB": ("NWBK", "BARC", "LOYD", "HBUK", "MIDL", "MONZ"),
    "NL": ("ABNA", "RABO", "INGB", "TRIO"),
    "IE": ("AIBK", "BOFI", "IPBS"),
}

_UK_AREAS_1 = "BEGLMNSW"
_UK_AREA_CODES = (
    "AB BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY EH "
    "EN EX FK FY GL GU HA HD HG HP HR HU HX IG IP IV KA KT KW KY LA LD LE LL LN LS LU ME MK ML "
    "NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM SA SE SG SK SL SM SN SO SP SR SS ST SW "
    "SY TA TD TF TN TQ TR TS TW UB WA WC WD WF WN WR WS WV YO ZE "
)
_UK_AREAS_2 = _UK_AREA_CODES.split()
_UK_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_NAME_RE = re.compile(r"[A-Z][A-Za-z'\-]{2,}")


STYLES = {"dev": DEV_STYLE, "holdout": HOLDOUT_STYLE}


@functools.cache
def _name_pools(family: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """First and last names from Faker's data for the family's locales; the holdout pools
    exclude every name the dev pools hold."""

    def load(locales: Iterable[str]) -> tuple[set[str], set[str]]:
        firsts: set[str] = set()
        lasts: set[str] = set()
        for locale in locales:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
            firsts |= {n for n in provider.first_names if _NAME_RE.fullmatch(n)}
            lasts |= {n for n in provider.last_names if _NAME_RE.fullmatch(n)}
        return firsts, lasts

    dev_first, dev_last = load(DEV_STYLE.name_locales)
    if family == "dev":
        return tuple(sorted(dev_first)), tuple(sorted(dev_last))
    first, last = load(HOLDOUT_STYLE.name_locales)
    return tuple(sorted(first - dev_first)), tuple(sorted(last - dev_last))


def _slug(value: str) -> str:
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_value.lower())


# --------------------------------------------------------------------------- values


class _Values:
    """Generates values in the family's formats; ``slot`` renders one template field."""

    def __init__(self, rng: random.Random, family: str) -> None:
        self.rng = rng
        self.style = STYLES[family]
        self.firsts, self.lasts = _name_pools(family)
        self.persona = self.new_persona()
        self.cache: dict[str, list[_Piece]] = {}

    # ---- helpers
    def pick(self, seq: Sequence[str]) -> str:
        return self.rng.choice(seq)

    def digits(self, count: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(count))

    def letters(self, count: int, alphabet: str = string.ascii_uppercase) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(count))

    def date_between(self, first: date, last: date) -> date:
        return date.fromordinal(self.rng.randint(first.toordinal(), last.toordinal()))

    def group(self, chars: str, sizes: Sequence[int], sep: str) -> str:
        out, pos = [], 0
        for size in sizes:
            out.append(chars[pos : pos + size])
            pos += size
        if pos < len(chars):
            out.append(chars[pos:])
        return sep.join(part for part in out if part)

    def random_sizes(self, length: int, low: int = 2, high: int = 4) -> list[int]:
        sizes: list[int] = []
        while sum(sizes) < length:
            sizes.append(self.rng.randint(low, high))
        return sizes

    # ---- people
    def person_name(self, avoid: Iterable[str] = ()) -> tuple[str, str]:
        avoid = set(avoid)
        while True:
            first, last = self.pick(self.firsts), self.pick(self.lasts)
            if first not in avoid and f"{first} {last}" not in self.style.brands:
                return first, last

    def email_for(self, first: str, last: str) -> str:
        f, la = _slug(first), _slug(last)
        nn = self.rng.randint(1, 99)
        local = self.pick(
            [f"{f}.{la}", f"{f}{la}", f"{f[0]}{la}", f"{f}.{la}{nn}", f"{f}_{la}", f"{f}{nn}"]
        )
        return f"{local}@{self.pick(self.style.email_domains)}"

    def username_for(self, first: str, last: str) -> str:
        f, la = _slug(first), _slug(last)
        nn = self.rng.randint(1, 99)
        return {
            "first_l_nn": f"{f}{la[0]}{nn}",
            "first_underscore_last": f"{f}_{la}",
            "first_dot_last_nn": f"{f}.{la}{nn}",
            "last_f": f"{la}{f[0]}",
            "firstlast": f"{f}{la}",
            "camel_nn": f"{f.capitalize()}{la.capitalize()}{nn}",
            "xx_first_xx": f"xX_{f}_Xx",
            "first_dash_last_yy": f"{f}-{la}-{self.rng.randint(80, 99)}",
            "the_first": f"the_{f}_{la}",
        }[self.pick(self.style.username_forms)]

    def new_persona(self) -> _Persona:
        first, last = self.person_name()
        op_first, op_last = self.person_name(avoid=[first])
        return _Persona(
            first=first,
            last=last,
            email=self.email_for(first, last),
            username=self.username_for(first, last),
            op_first=op_first,
            op_last=op_last,
        )

    def known(self) -> list[str]:
        p = self.persona
        known = [p.name if self.rng.random() < 0.8 else p.first, p.email]
        known.append(f"{p.op_first} {p.op_last}" if self.rng.random() < 0.5 else p.op_first)
        if self.rng.random() < 0.4:
            known.append(p.username)
        return known

    # ---- contact details
    def phone(self, spec: str) -> str:
        plans = self.style.phone_plans
        if spec == "gb":
            plans = tuple(p for p in plans if p.startswith("gb")) or ("gb_mobile",)
        elif spec == "us":
            plans = ("us",)
        plan = self.pick(plans)
        region, leads, length = _PHONE_PLANS[plan]
        number = None
        for _ in range(200):
            if plan == "us":
                nsn = self.pick(_US_AREA_CODE_LIST) + str(self.rng.randint(2, 9)) + self.digits(6)
            else:
                lead = self.pick(leads)
                nsn = lead + self.digits(length - len(lead))
            candidate = phonenumbers.PhoneNumber(
                country_code=phonenumbers.country_code_for_region(region),
                national_number=int(nsn),
            )
            if phonenumbers.is_valid_number(candidate):
                number = candidate
                break
        if number is None:  # pragma: no cover - every plan above yields valid numbers quickly
            raise RuntimeError(f"no valid phone number for plan {plan}")
        return self.format_phone(number, region)

    def format_phone(self, number: phonenumbers.PhoneNumber, region: str) -> str:
        fmt = phonenumbers.PhoneNumberFormat
        national = phonenumbers.format_number(number, fmt.NATIONAL)
        international = phonenumbers.format_number(number, fmt.INTERNATIONAL)
        national_digits = re.sub(r"\D", "", national)
        style = self.pick(self.style.phone_formats)
        if style == "us_dashes" and region == "US":
            return f"{national_digits[:3]}-{national_digits[3:6]}-{national_digits[6:]}"
        if style == "us_dots_intl" and region == "US":
            return f"+1.{national_digits[:3]}.{national_digits[3:6]}.{national_digits[6:]}"
        if style == "plus0" and region == "GB":
            code, _, rest = international.partition(" ")
            return f"{code} (0){rest}"
        if style == "brackets" and region == "GB":
            head, _, rest = national.partition(" ")
            return f"({head}) {rest}"
        if style == "compact":
            return national_digits
        if style == "split":
            if region == "US":
                return self.group(national_digits, (3, 3, 4), " ")
            sizes = self.random_sizes(len(national_digits), 3, 4)
            return self.group(national_digits, sizes, " ")
        if style == "pairs":
            return self.group(national_digits, [2] * 8, " ")
        if style == "dots":  # the national grouping, dotted: 0161.496.0123, 415.555.0132
            return ".".join(re.findall(r"\d+", national))
        if style == "e164":
            return phonenumbers.format_number(number, fmt.E164)
        if style == "double_zero":
            return "00" + international[1:]
        if style == "intl" or region not in ("GB", "US"):
            return international
        return national

    def card(self) -> str:
        prefixes, length, sizes = _CARD_SCHEMES[self.pick(self.style.card_schemes)]
        prefix = self.pick(prefixes)
        number = _luhn_complete(prefix + self.digits(length - len(prefix) - 1))
        layout = self.pick(self.style.card_layouts)
        if layout == "plain":
            return number
        if layout == "dashes":
            return self.group(number, sizes, "-")
        if layout == "double_spaces":
            return self.group(number, sizes, "  ")
        if layout == "irregular":
            return self.group(number, self.random_sizes(length, 3, 8), " ")
        return self.group(number, sizes, " ")

    def iban(self) -> str:
        country = self.pick(self.style.iban_countries)
        bban = ""
        for count, kind in re.findall(r"(\d+)([anc])", _IBAN_LAYOUTS[country]):
            count = int(count)
            if kind == "a" and country in _IBAN_BANKS and not bban:
                bban += self.pick(_IBAN_BANKS[country])
            elif kind == "a":
                bban += self.letters(count)
            elif kind == "n":
                bban += self.digits(count)
            else:
                bban += self.letters(count, string.ascii_uppercase + string.digits)
        check = 98 - _mod97(bban + country + "00")
        iban = f"{country}{check:02d}{bban}"
        layout = self.pick(self.style.iban_layouts)
        if layout == "compact":
            return iban
        if layout == "compact_lower":
            return iban.lower()
        grouped = self.group(iban, [4] * 9, " ")
        return grouped.lower() if layout == "grouped_lower" else grouped

    def email(self, other: bool = False) -> str:
        if not other:
            return self.persona.email
        first, last = self.person_name()
        return self.email_for(first, last)

    def spelled_email(self) -> str:
        at, dot = self.style.email_spellings[self.rng.randrange(len(self.style.email_spellings))]
        local, _, domain = self.persona.email.partition("@")
        return local.replace(".", dot) + at + domain.replace(".", dot)

    def profile_url(self, spec: str) -> str:
        p = self.persona
        f, la = _slug(p.first), _slug(p.last)
        site = spec or self.pick(self.style.profile_sites)
        return {
            "linkedin": f"linkedin.com/in/{f}-{la}-{self.letters(6, '0123456789abcdef')}",
            "facebook": f"https://www.facebook.com/{f}.{la}.{self.rng.randint(1, 99)}",
            "github": f"https://github.com/{f}{la}",
            "instagram": f"instagram.com/{f}.{la}_",
            "x": f"https://x.com/{p.first}{p.last}",
            "linkedin_slash": f"https://www.linkedin.com/in/{f}{la}/",
            "medium": f"https://medium.com/@{f}.{la}",
        }[site]

    # ---- addresses
    def uk_street(self) -> str:
        stem = self.pick(self.style.uk_street_stems)
        return f"{self.rng.randint(1, 240)} {stem} {self.pick(self.style.uk_street_suffixes)}"

    def uk_address(self, spec: str = "") -> str:
        s = self.style
        form = spec or self.pick(s.uk_address_forms)
        town = self.pick(s.uk_towns)
        if form == "number_street":
            return self.uk_street()
        if form == "flat_number_street_town":
            return f"Flat {self.rng.randint(1, 24)}, {self.uk_street()}, {town}"
        if form == "apartment_building_street_town":
            building = self.pick(s.uk_buildings)
            return f"Apartment {self.rng.randint(1, 40)}, {building}, {self.uk_street()}, {town}"
        if form == "number_letter_street_town":
            number, _, rest = self.uk_street().partition(" ")
            return f"{number}{self.pick('ab')} {rest}, {town}"
        if form == "multiline":
            building = self.pick(s.uk_buildings)
            return f"Flat {self.rng.randint(1, 9)}, {building}\n{self.uk_street()}\n{town}"
        return f"{self.uk_street()}, {town}"

    def us_unit(self) -> str:
        return (
            self.pick(self.style.us_units)
            .replace("{nnn}", str(self.rng.randint(100, 2400)))
            .replace("{nn}", str(self.rng.randint(2, 99)))
            .replace("{n}", str(self.rng.randint(1, 30)))
            .replace("{L}", self.pick("ABCDEF"))
        )

    def us_address(self) -> str:
        s = self.style
        city, state = s.us_places[self.rng.randrange(len(s.us_places))]
        street = (
            f"{self.rng.randint(10, 9800)} {self.pick(s.us_street_stems)} "
            f"{self.pick(s.us_street_suffixes)}"
        )
        form = self.pick(s.us_address_forms)
        if form == "number_street_unit_city_state":
            return f"{street}, {self.us_unit()}, {city}, {state}"
        if form == "unit_number_street_city_state":
            return f"{self.us_unit()}, {street}, {city}, {state}"
        if form == "number_street_unit_nocomma":
            return f"{street} {self.us_unit()} {city} {state}"
        return f"{street}, {city}, {state}"

    def uk_postcode(self) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            area = self.pick(_UK_AREAS_1)
            roll = rng.random()
            if roll < 0.15 and area in "ENW":
                outward = f"{area}{rng.randint(1, 9)}{self.pick('ABCDEFGHJKPSTUW')}"
            else:
                outward = f"{area}{rng.randint(1, 99 if roll > 0.5 else 9)}"
        else:
            area = self.pick(_UK_AREAS_2)
            if area in ("EC", "SW", "WC", "SE", "NW") and rng.random() < 0.3:
                outward = f"{area}{rng.randint(1, 9)}{self.pick('ABEHMNPRVWXY')}"
            else:
                outward = f"{area}{rng.randint(1, 29)}"
        inward = f"{rng.randint(0, 9)}{self.letters(2, _UK_INWARD_LETTERS)}"
        form = self.pick(self.style.postcode_forms)
        if form == "compact":
            return outward + inward
        if form == "lower":
            return f"{outward} {inward}".lower()
        return f"{outward} {inward}"

    def us_zip(self) -> str:
        zip5 = f"{self.rng.randint(1001, 99950):05d}"
        return f"{zip5}-{self.digits(4)}" if self.rng.random() < 0.35 else zip5

    def postcode(self, spec: str) -> str:
        country = spec or ("uk" if self.rng.random() < 0.7 else "us")
        return self.uk_postcode() if country == "uk" else self.us_zip()

    def address_full(self, spec: str) -> list[_Piece]:
        country = spec or ("uk" if self.rng.random() < 0.6 else "us")
        if country == "us":
            return [_Piece(self.us_address(), ADDRESS), _lit(" "), _Piece(self.us_zip(), POSTCODE)]
        form = self.pick([f for f in self.style.uk_address_forms if f != "number_street"])
        sep = self.pick([", ", " ", ",\n"])
        return [
            _Piece(self.uk_address(form), ADDRESS),
            _lit(sep),
            _Piece(self.uk_postcode(), POSTCODE),
        ]

    # ---- identifiers
    def ssn(self) -> str:
        area = self.rng.choice([a for a in range(1, 900) if a != 666])
        number = f"{area:03d}{self.rng.randint(1, 99):02d}{self.rng.randint(1, 9999):04d}"
        style = self.pick(self.style.ssn_formats)
        if style == "plain":
            return number
        sep = " " if style == "spaces" else "-"
        return f"{number[:3]}{sep}{number[3:5]}{sep}{number[5:]}"

    def nino(self) -> str:
        while True:
            prefix = self.pick(NINO_FIRST_LETTERS) + self.pick(NINO_SECOND_LETTERS)
            if prefix not in NINO_BANNED_PREFIXES:
                break
        digits, suffix = self.digits(6), self.pick("ABCD")
        style = self.pick(self.style.nino_formats)
        if style == "spaced_pairs":
            return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
        if style == "spaced_middle":
            return f"{prefix} {digits} {suffix}"
        if style == "lower_compact":
            return f"{prefix}{digits}{suffix}".lower()
        return f"{prefix}{digits}{suffix}"

    def ipv4(self) -> str:
        first = self.pick(["5", "31", "62", "78", "81", "86", "92", "109", "151", "176", "185"])
        middle = f"{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}"
        return f"{first}.{middle}.{self.rng.randint(1, 254)}"

    def ipv6(self) -> str:
        form = self.pick(self.style.ipv6_forms)
        if form == "link_local":
            tail = ":".join(f"{self.rng.getrandbits(16):x}" for _ in range(4))
            return f"fe80::{tail}"
        head = self.pick(["2001:db8", "2a00:23c6", "2a02:c7c", "2600:1700", "2a01:4b00"])
        hextets = [self.rng.getrandbits(16) for _ in range(6)]
        if form == "compressed":
            hextets[1:3] = [0, 0]
        address = ipaddress.IPv6Address(head + ":" + ":".join(f"{h:x}" for h in hextets))
        if form == "exploded":
            return address.exploded
        if form == "compressed":
            return address.compressed
        return ":".join(f"{int(h, 16):x}" for h in address.exploded.split(":"))

    def passport(self) -> str:
        style = self.pick(self.style.passport_formats)
        if style == "uk":
            return str(self.rng.randint(1, 9)) + self.digits(8)
        if style == "us_letter":
            return self.pick("ACEFGHJKLMN") + self.digits(8)
        if style == "us_digits":
            return str(self.rng.randint(1, 9)) + self.digits(8)
        if style == "ie":
            return self.pick(["P", "L"]) + self.pick("ABCDEFGHJKLMNPRTVWXY") + self.digits(7)
        if style == "in":
            return self.pick("ABCDEFGHJKLMNPRSTUVWZ") + self.digits(7)
        return "C" + self.letters(8, "CFGHJKLMNPRTVWXYZ0123456789")

    def dob(self) -> str:
        born = self.date_between(date(1940, 1, 1), date(2006, 12, 31))
        return _DATE_FORMATS[self.pick(self.style.dob_formats)](born)

    # ---- look-alikes
    def numeric_not_luhn(self, length: int) -> str:
        while True:
            value = str(self.rng.randint(1, 9)) + self.digits(length - 1)
            if not luhn_valid(value):
                return value

    def order(self) -> str:
        form = self.pick(self.style.order_forms)
        return {
            "ord_dash": lambda: f"ORD-{self.digits(6)}",
            "hash_digits": lambda: f"#{self.rng.randint(1, 9)}{self.digits(7)}",
            "amazon": lambda: f"{self.rng.randint(202, 408)}-{self.digits(7)}-{self.digits(7)}",
            "digits13": lambda: self.numeric_not_luhn(13),
            "so_digits": lambda: f"SO{self.digits(7)}",
            "w_digits": lambda: f"W{self.digits(9)}",
            "digits15": lambda: self.numeric_not_luhn(15),
            "hash_alnum": lambda: f"#{self.letters(2)}{self.digits(6)}",
        }[form]()

    def tracking(self) -> str:
        form = self.pick(self.style.tracking_forms)
        alnum = string.ascii_uppercase + string.digits
        return {
            "ups": lambda: f"1Z{self.letters(6, alnum)}03{self.digits(8)}",
            "royal_mail": lambda: f"{self.letters(2)}{self.digits(9)}GB",
            "dpd14": lambda: "155" + self.digits(11),
            "usps22": lambda: self.group("9400" + self.digits(18), [4] * 5, " "),
            "dhl10": lambda: self.numeric_not_luhn(10),
            "fedex12": lambda: self.numeric_not_luhn(12),
        }[form]()

    def invoice(self) -> str:
        form = self.pick(self.style.invoice_forms)
        if form == "inv_year":
            return f"INV-{self.rng.randint(2023, 2026)}-{self.digits(5)}"
        if form == "inv_digits":
            return f"INV{self.digits(7)}"
        if form == "hash_prefix":
            return f"#SD-{self.digits(5)}"
        return f"{self.rng.randint(2023, 2026)}/INV/{self.digits(4)}"

    def ticket(self) -> str:
        form = self.pick(self.style.ticket_forms)
        if form == "hash5":
            return f"#{self.rng.randint(10000, 99999)}"
        if form == "tck":
            return f"TCK-{self.digits(6)}"
        if form == "cs_year":
            return f"CS-{self.rng.randint(2023, 2026)}-{self.digits(4)}"
        return f"00{self.digits(6)}"

    def sku(self) -> str:
        form = self.pick(self.style.sku_forms)
        colour = self.pick(["BLK", "NVY", "WHT", "GRN", "RED"])
        if form == "style_code":
            return f"{self.letters(2)}-{self.digits(4)}-{colour}"
        if form == "sku_dash":
            return f"SKU-{self.digits(5)}-{self.pick(['S', 'M', 'L', 'XL'])}"
        if form == "ean13":
            return _ean13_complete("50" + self.digits(10))
        return (
            f"{self.letters(2)}-{self.pick(['JKT', 'DRS', 'BAG', 'TOP'])}-{self.digits(4)}-{colour}"
        )

    def price(self) -> str:
        form = self.pick(self.style.price_forms)
        pounds, pence = self.rng.randint(3, 480), self.pick(["00", "99", "50", "95"])
        return {
            "gbp": f"£{pounds}.{pence}",
            "usd": f"${pounds}.{pence}",
            "gbp_thousands": f"£1,{self.digits(3)}.{pence}",
            "eur": f"€{pounds}",
            "gbp_suffix": f"{pounds}.{pence} GBP",
            "usd_prefix": f"USD 1,{self.digits(3)}",
            "gbp_whole": f"£{pounds}",
        }[form]

    def promo(self) -> str:
        form = self.pick(self.style.promo_forms)
        pct = self.pick(["10", "15", "20", "25", "30"])
        if form == "word_nn":
            return self.pick(["SPRING", "WELCOME", "SUMMER", "EXTRA", "FLASH"]) + pct
        if form == "save_nn_now":
            return f"SAVE{pct}NOW"
        if form == "bf_year":
            return f"BF{self.rng.randint(2023, 2026)}"
        return f"VIP-{pct}-OFF"

    def version(self) -> str:
        form = self.pick(self.style.version_forms)
        a, b, c = self.rng.randint(1, 19), self.rng.randint(0, 30), self.rng.randint(0, 12)
        return {
            "v3": f"v{a}.{b}.{c}",
            "plain3": f"{a}.{b}.{c}",
            # Four small parts: reads like an IPv4 address.
            "four_part": f"{a}.{b}.{c}.{self.rng.randint(0, 40)}",
            "ver2": f"{a}.{b}",
            "build4": f"10.0.{self.rng.randint(19041, 26100)}.{self.rng.randint(1000, 5000)}",
            "ip_like": f"{a}.{c}.{b}.{self.rng.randint(1, 99)}",
        }[form]

    def error(self) -> str:
        form = self.pick(self.style.error_forms)
        return {
            "err_dash": f"ERR-{self.digits(4)}",
            "hex": f"0x{self.rng.getrandbits(32):08X}",
            "e_digits": f"E{self.rng.randint(100, 9999)}",
            "http": f"HTTP {self.pick(['400', '403', '404', '500', '502', '503'])}",
            "snake": self.pick(["E_ACCESS_DENIED", "ERR_CARD_DECLINED", "PAYMENT_TIMEOUT"]),
            "code_dash": f"{self.rng.randint(1000, 1999)}-{self.pick('ABC')}",
        }[form]

    def recent_date(self) -> date:
        return self.date_between(date(2023, 1, 1), date(2026, 12, 31))

    def timestamp(self) -> str:
        form = self.pick(self.style.timestamp_forms)
        when = self.recent_date()
        h, m, s = self.rng.randint(0, 23), self.rng.randint(0, 59), self.rng.randint(0, 59)
        h12 = h % 12 or 12
        return {
            "iso_space": f"{when.isoformat()} {h:02d}:{m:02d}:{s:02d}",
            "clock_ampm": f"{h12}:{m:02d}{'am' if h < 12 else 'pm'}",
            "dmy_at": f"{when.day:02d}/{when.month:02d}/{when.year} at {h:02d}:{m:02d}",
            "iso_t": f"{when.isoformat()}T{h:02d}:{m:02d}:{s:02d}Z",
            "dot_pm": f"{h12}.{m:02d}{'am' if h < 12 else 'pm'}",
        }[form]

    def order_date(self) -> str:
        return _DATE_FORMATS[self.pick(self.style.order_date_formats)](self.recent_date())

    def masked_card(self) -> str:
        last4 = self.digits(4)
        return {
            "ending": last4,
            "stars": f"**** **** **** {last4}",
            "dots": f"•••• {last4}",
            "x_dashes": f"XXXX-XXXX-XXXX-{last4}",
        }[self.pick(self.style.masked_card_forms)]

    # ---- template fields
    def slot(self, field_name: str, spec: str) -> list[_Piece]:
        """The pieces for one template field; a field repeated in a template gets one value,
        ``phone2`` is a second phone number, ``brand2`` a second brand, and so on."""
        if field_name not in self.cache:
            self.cache[field_name] = self._render(field_name.rstrip("0123456789"), spec)
        return self.cache[field_name]

    def _render(self, slot: str, spec: str) -> list[_Piece]:
        p = self.persona
        one: dict[str, Callable[[], tuple[str, str]]] = {
            "first": lambda: (p.first, PERSON),
            "name": lambda: (p.name, PERSON),
            "op": lambda: (p.op_first, PERSON),
            "op_full": lambda: (f"{p.op_first} {p.op_last}", PERSON),
            "colleague": lambda: (self.person_name(avoid=[p.first, p.op_first])[0], PERSON),
            "other": lambda: (" ".join(self.person_name(avoid=[p.first])), PERSON),
            "other_first": lambda: (self.person_name(avoid=[p.first])[0], PERSON),
            "email": lambda: (self.email(), EMAIL_ADDRESS),
            "other_email": lambda: (self.email(other=True), EMAIL_ADDRESS),
            "email_spelled": lambda: (self.spelled_email(), EMAIL_ADDRESS),
            "phone": lambda: (self.phone(spec), PHONE_NUMBER),
            "other_phone": lambda: (self.phone(spec), PHONE_NUMBER),
            "card": lambda: (self.card(), CREDIT_CARD),
            "address": lambda: (self.uk_address(spec or "number_street"), ADDRESS),
            "postcode": lambda: (self.postcode(spec), POSTCODE),
            "ssn": lambda: (self.ssn(), US_SSN),
            "nino": lambda: (self.nino(), UK_NINO),
            "iban": lambda: (self.iban(), IBAN_CODE),
            "dob": lambda: (self.dob(), DATE_OF_BIRTH),
            "passport": lambda: (self.passport(), PASSPORT_NUMBER),
            "username": lambda: (p.username, USERNAME),
            "profile_url": lambda: (self.profile_url(spec), URL),
        }
        lookalike: dict[str, Callable[[], tuple[str, str]]] = {
            "order": lambda: (self.order(), ORDER_NUMBER),
            "tracking": lambda: (self.tracking(), TRACKING_NUMBER),
            "invoice": lambda: (self.invoice(), INVOICE_ID),
            "ticket": lambda: (self.ticket(), TICKET_ID),
            "sku": lambda: (self.sku(), SKU),
            "price": lambda: (self.price(), PRICE),
            "promo": lambda: (self.promo(), PROMO_CODE),
            "version": lambda: (self.version(), VERSION),
            "error": lambda: (self.error(), ERROR_CODE),
            "timestamp": lambda: (self.timestamp(), TIMESTAMP),
            "order_date": lambda: (self.order_date(), ORDER_DATE),
            "brand": lambda: (self.pick(self.style.brands), BRAND),
            "last_four": lambda: (self.digits(4), CARD_LAST4),
            "masked_card": lambda: (self.masked_card(), CARD_LAST4),
        }
        if slot in one:
            value, entity_type = one[slot]()
            return [_Piece(value, gold=entity_type)]
        if slot in lookalike:
            value, kind = lookalike[slot]()
            return [_Piece(value, lookalike=kind)]
        if slot == "ip":
            if spec == "port":
                port = self.pick(["8080", "443", "3389", "22"])
                return [_Piece(self.ipv4(), IP_ADDRESS), _lit(f":{port}")]
            use_v6 = spec == "v6" or (spec != "v4" and self.rng.random() < 0.3)
            return [_Piece(self.ipv6() if use_v6 else self.ipv4(), IP_ADDRESS)]
        if slot == "address_full":
            return self.address_full(spec)
        if slot == "address_ml":
            return [
                _Piece(self.uk_address("multiline"), ADDRESS),
                _lit("\n"),
                _Piece(self.uk_postcode(), POSTCODE),
            ]
        if slot == "handle":
            return [_lit("@"), _Piece(p.username, USERNAME)]
        raise KeyError(f"unknown template field {slot!r}")
