"""The benchmark corpus: deterministic, exact spans, valid checksums, two distinct families.

Checksums and formats are re-checked here with implementations written independently of the
generator's own."""

from __future__ import annotations

import io
import ipaddress
import itertools
import json
import random
import re
from collections import Counter

import phonenumbers
import pytest

from bench.redaction import corpus
from bench.redaction.corpus import LOOKALIKE_KINDS, GoldSpan, generate, to_jsonl
from redaction.types import REQUIRED_TYPES

N = 600
SEED = 11


@pytest.fixture(scope="module")
def families():
    return {family: generate(N, SEED, family) for family in corpus.FAMILIES}


def spans_of(messages, entity_type):
    return [m.text[g.start : g.end] for m in messages for g in m.gold if g.type == entity_type]


# --------------------------------------------------------------------------- independent checks


def luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits[::-1]):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


IBAN_LENGTHS = {"GB": 22, "DE": 22, "FR": 27, "ES": 24, "NL": 18, "IE": 22, "IT": 27, "BE": 16}
IBAN_LENGTHS |= {"PL": 28, "CH": 21}


def iban_ok(value: str) -> bool:
    iban = re.sub(r"\s", "", value).upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(ord(c) - 55) if c.isalpha() else c for c in rearranged)
    return int(number) % 97 == 1


NINO_RE = re.compile(r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]")
UK_POSTCODE = re.compile(
    r"([A-Z][0-9]{1,2}|[A-Z][A-HJ-Y][0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z][A-HJ-Y][0-9][A-Z]) ?"
    r"[0-9][ABD-HJLNP-UW-Z]{2}"
)
EMAIL_RE = re.compile(r"[a-z0-9._+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+")
REGIONS = ("GB", "US", "FR", "DE", "IE", "AU", "NL", "IN", "ES")


def phone_ok(value: str) -> bool:
    for region in REGIONS:
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(value, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


def ssn_ok(value: str) -> bool:
    digits = re.sub(r"[ -]", "", value)
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return (
        len(digits) == 9
        and digits.isdigit()
        and area not in ("000", "666")
        and not area.startswith("9")
        and group != "00"
        and serial != "0000"
    )


def unspell_email(value: str) -> str:
    value = value.lower()
    for at in (" [at] ", "(at)", " at "):
        value = value.replace(at, "@")
    for dot in (" [dot] ", "(dot)", " dot "):
        value = value.replace(dot, ".")
    return value


VALIDATORS = {
    "CREDIT_CARD": lambda v: (
        re.fullmatch(r"[\d -]+", v)
        and 13 <= len(re.sub(r"\D", "", v)) <= 19
        and luhn(re.sub(r"\D", "", v))
    ),
    "IBAN_CODE": iban_ok,
    "UK_NINO": lambda v: NINO_RE.fullmatch(re.sub(r"[\s-]", "", v.upper())),
    "POSTCODE": lambda v: UK_POSTCODE.fullmatch(v.upper()) or re.fullmatch(r"\d{5}(-\d{4})?", v),
    "US_SSN": ssn_ok,
    "IP_ADDRESS": lambda v: ipaddress.ip_address(v) is not None,
    "EMAIL_ADDRESS": lambda v: EMAIL_RE.fullmatch(unspell_email(v)),
    "PHONE_NUMBER": phone_ok,
    "PERSON": lambda v: all(len(w) >= 3 and re.fullmatch(r"[A-Za-z'-]+", w) for w in v.split(" ")),
    "USERNAME": lambda v: re.fullmatch(r"[A-Za-z0-9_.-]{4,}", v),
    "PASSPORT_NUMBER": lambda v: re.fullmatch(r"[A-Za-z0-9]{8,9}", v),
    "DATE_OF_BIRTH": lambda v: (
        re.search(r"19[4-9]\d|200[0-6]", v) or re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}", v)
    ),
    "URL": lambda v: re.search(
        r"(linkedin|facebook|github|instagram|x|medium)\.com/(in/|@)?[a-z0-9._-]+/?$", v.lower()
    ),
    "ADDRESS": lambda v: (
        re.match(r"(\d+|flat|apartment|unit|ste|#)", v.lower())
        and re.search(
            r"\b(road|street|lane|avenue|close|drive|crescent|way|mews|terrace|grove|"
            r"place|row|walk|rise|boulevard|rd|ct|pkwy|trail|pl|ave|st)\b",
            v.lower(),
        )
    ),
}


# --------------------------------------------------------------------------- tests


def test_same_seed_same_corpus_other_seed_other_corpus():
    first = generate(150, 3, "dev")

    assert generate(150, 3, "dev") == first
    assert [m.text for m in generate(150, 4, "dev")] != [m.text for m in first]


def test_a_shorter_corpus_is_a_prefix_of_a_longer_one():
    assert generate(40, 3, "holdout") == generate(120, 3, "holdout")[:40]


def test_unknown_family_is_refused():
    with pytest.raises(ValueError, match="unknown family"):
        generate(1, 1, "prod")


def test_spans_are_in_bounds_trimmed_and_disjoint(families):
    for messages in families.values():
        for m in messages:
            spans = sorted(m.gold + m.lookalikes, key=lambda s: s.start)
            for span in spans:
                value = m.text[span.start : span.end]
                assert 0 <= span.start < span.end <= len(m.text), m.id
                assert value == value.strip(), (m.id, value)
            for before, after in itertools.pairwise(spans):
                assert before.end <= after.start, (m.id, before, after)
            assert {g.type for g in m.gold} <= REQUIRED_TYPES
            assert {g.type for g in m.lookalikes} <= set(LOOKALIKE_KINDS)


def test_every_gold_value_is_valid_for_its_type(families):
    checked: Counter[str] = Counter()
    for messages in families.values():
        for m in messages:
            for g in m.gold:
                value = m.text[g.start : g.end]
                assert VALIDATORS[g.type](value), (m.id, g.type, value, m.text)
                checked[g.type] += 1
    assert set(checked) == REQUIRED_TYPES


def test_assembly_offsets_slice_back_to_each_piece():
    pieces = [
        corpus._Piece("Hi "),
        corpus._Piece("Ann Lee", gold="PERSON"),
        corpus._Piece(", order "),
        corpus._Piece("#123", lookalike="ORDER_NUMBER"),
        corpus._Piece("£5", lookalike="PRICE"),
        corpus._Piece("ann@x.io", gold="EMAIL_ADDRESS"),
    ]

    text, gold, lookalikes = corpus._assemble(pieces)

    assert text == "Hi Ann Lee, order #123£5ann@x.io"
    assert gold == [GoldSpan("PERSON", 3, 10), GoldSpan("EMAIL_ADDRESS", 24, 32)]
    assert lookalikes == [GoldSpan("ORDER_NUMBER", 18, 22), GoldSpan("PRICE", 22, 24)]


@pytest.mark.parametrize("family", corpus.FAMILIES)
def test_card_and_iban_generators_cover_the_formats(family):
    values = corpus._Values(random.Random(5), family)
    cards = [values.card() for _ in range(300)]
    ibans = [values.iban() for _ in range(200)]

    assert all(luhn(re.sub(r"\D", "", c)) for c in cards)
    assert all(iban_ok(i) for i in ibans)
    assert any(" " in c for c in cards)
    assert any(" " in i for i in ibans) and any(" " not in i for i in ibans)
    assert len({i[:2].upper() for i in ibans}) >= 4


def test_card_lengths_span_13_to_19():
    lengths = set()
    for family in corpus.FAMILIES:
        values = corpus._Values(random.Random(8), family)
        lengths |= {len(re.sub(r"\D", "", values.card())) for _ in range(400)}
    assert {13, 14, 15, 16, 17, 18, 19} <= lengths


def test_one_message_in_three_has_no_pii_but_has_lookalikes(families):
    for messages in families.values():
        free = [m for m in messages if not m.has_pii]
        assert len(free) == N // 3
        assert all(not m.gold and m.lookalikes for m in free)
        assert all(m.gold for m in messages if m.has_pii)


def test_every_type_and_lookalike_kind_occurs_in_both_families(families):
    for messages in families.values():
        assert {g.type for m in messages for g in m.gold} == REQUIRED_TYPES
        assert {g.type for m in messages for g in m.lookalikes} == set(LOOKALIKE_KINDS)


def test_messages_look_like_chat(families):
    for messages in families.values():
        visitors = [m for m in messages if m.speaker == "visitor"]
        operators = [m for m in messages if m.speaker == "operator"]
        lowercase = [m for m in visitors if m.text == m.text.lower()]
        assert len(operators) > N // 5 and len(visitors) > N // 2
        assert len(lowercase) > len(visitors) // 20
        assert max(len(m.gold) for m in messages) >= 4
        assert sum(len(m.gold) >= 2 for m in messages) > N // 5
        assert any(" " in v for v in spans_of(messages, "PHONE_NUMBER"))
        brands = {m.text[g.start : g.end].lower() for m in messages for g in m.lookalikes}
        assert {"paul smith", "john lewis", "ted baker", "marks & spencer"} <= brands


def test_known_holds_the_participants(families):
    for messages in families.values():
        for m in messages:
            assert 3 <= len(m.known) <= 4
            assert "@" in m.known[1]
        # The visitor's pre-chat email is also typed in some messages.
        assert any(m.known[1] in m.text for m in messages)


def test_families_share_no_templates():
    pools = {
        family: {
            template
            for name, pool in templates.pools().items()
            if name != "joiners"
            for template in pool
            if re.search("[a-z]", template)
        }
        for family, templates in corpus.TEMPLATE_FAMILIES.items()
    }
    assert not (pools["dev"] & pools["holdout"])


def skeleton_trigrams(messages):
    """Word trigrams of the text with every span replaced by its type: the phrasing alone."""
    grams = set()
    for m in messages:
        text = m.text.lower()
        for span in sorted(m.gold + m.lookalikes, key=lambda s: s.start, reverse=True):
            text = text[: span.start] + f" <{span.type}> " + text[span.end :]
        words = re.findall(r"<\w+>|[a-z']+", text)
        grams |= set(zip(words, words[1:], words[2:], strict=False))
    return grams


def test_families_differ_in_phrasing_names_and_formats(families):
    dev, holdout = families["dev"], families["holdout"]

    dev_grams, holdout_grams = skeleton_trigrams(dev), skeleton_trigrams(holdout)
    shared = dev_grams & holdout_grams
    assert len(shared) < 0.05 * len(holdout_grams), sorted(shared)[:20]

    dev_names = {v.lower() for v in spans_of(dev, "PERSON")}
    holdout_names = {v.lower() for v in spans_of(holdout, "PERSON")}
    assert not dev_names & holdout_names

    def shapes(values):
        return {re.sub(r"[A-Za-z]", "a", re.sub(r"\d", "9", v)) for v in values}

    for entity_type in ("PHONE_NUMBER", "DATE_OF_BIRTH", "CREDIT_CARD", "PASSPORT_NUMBER"):
        dev_shapes = shapes(spans_of(dev, entity_type))
        holdout_shapes = shapes(spans_of(holdout, entity_type))
        assert len(holdout_shapes - dev_shapes) > len(holdout_shapes) / 2, entity_type


def test_to_jsonl_writes_the_redact_command_input(families):
    messages = families["dev"][:3]
    out = io.StringIO()

    to_jsonl(messages, out)

    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records == [{"id": m.id, "text": m.text, "known": m.known} for m in messages]
