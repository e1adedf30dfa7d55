"""A seeded synthetic corpus of support-chat messages with exact gold spans.

``generate(n, seed, family)`` builds every message from templates, one piece at a time, so the
offsets of each personal value (``gold``) and of each look-alike that must survive
(``lookalikes``) are known by construction; nothing is found by searching the text afterwards.
Values carry real checksums: Luhn card numbers, mod-97 IBANs, NINOs with allowed prefixes, UK
postcodes from the Royal Mail grammar, SSNs outside the never-issued ranges, phone numbers that
libphonenumber calls valid.

About one third of the messages hold no personal data but do hold look-alikes (order and
tracking numbers, prices, versions, brand names such as "Ted Baker"...): they measure wrongful
redaction.

Two template families share the value generators but nothing else:

- ``dev``: what engine and recognizer authors tune on. Mostly inline prose ("my number is ..."),
  values after a colon, British and US formats.
- ``holdout``: written separately to estimate generalisation to an unseen judge set. Forms
  ("Full name: ..."), bullet lists, quotes, parentheses, values at line starts or before their
  label, multi-line addresses, other name pools (Irish, Indian, New Zealand names absent from
  ``dev``), other phone/date/card/IBAN/passport formats, other greetings and sign-offs.

Do not tune on ``holdout``: it is only useful while nobody has.

Modules: ``model`` (messages, spans, pieces, the two per-family descriptions), ``values``
(value generators), ``dev`` and ``holdout`` (each family's formats and templates); the assembly
of a message is here.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from bench.redaction.corpus.dev import DEV, DEV_STYLE
from bench.redaction.corpus.holdout import HOLDOUT, HOLDOUT_STYLE
from bench.redaction.corpus.model import (
    BRAND,
    CARD_LAST4,
    ERROR_CODE,
    FAMILIES,
    INVOICE_ID,
    LOOKALIKE_KINDS,
    ORDER_DATE,
    ORDER_NUMBER,
    PRICE,
    PROMO_CODE,
    SKU,
    TICKET_ID,
    TIMESTAMP,
    TRACKING_NUMBER,
    VERSION,
    GoldSpan,
    Message,
    _Family,
    _lit,
    _Piece,
)
from bench.redaction.corpus.values import STYLES, _Values, iban_valid, luhn_valid

__all__ = [
    "BRAND",
    "CARD_LAST4",
    "DEV",
    "DEV_STYLE",
    "ERROR_CODE",
    "FAMILIES",
    "HOLDOUT",
    "HOLDOUT_STYLE",
    "INVOICE_ID",
    "LOOKALIKE_KINDS",
    "ORDER_DATE",
    "ORDER_NUMBER",
    "PRICE",
    "PROMO_CODE",
    "SKU",
    "STYLES",
    "TEMPLATE_FAMILIES",
    "TICKET_ID",
    "TIMESTAMP",
    "TRACKING_NUMBER",
    "VERSION",
    "GoldSpan",
    "Message",
    "generate",
    "generate_one",
    "iban_valid",
    "is_pii_free",
    "luhn_valid",
    "main",
    "to_jsonl",
]


TEMPLATE_FAMILIES = {"dev": DEV, "holdout": HOLDOUT}


# --------------------------------------------------------------------------- assembly

_FORMATTER = string.Formatter()


def _render_template(template: str, values: _Values) -> list[_Piece]:
    pieces: list[_Piece] = []
    for literal, field_name, spec, _conversion in _FORMATTER.parse(template):
        if literal:
            pieces.append(_lit(literal))
        if field_name is not None:
            pieces.extend(values.slot(field_name, spec or ""))
    return pieces


def _typo(text: str, rng: random.Random) -> str:
    words = list(re.finditer(r"[A-Za-z]{4,}", text))
    if not words:
        return text
    word = rng.choice(words)
    i = rng.randrange(word.start() + 1, word.end() - 1)
    op = rng.randrange(3)
    if op == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op == 1:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def _assemble(pieces: Sequence[_Piece]) -> tuple[str, list[GoldSpan], list[GoldSpan]]:
    """Concatenate pieces; every span's offsets come from the running length."""
    parts: list[str] = []
    gold: list[GoldSpan] = []
    lookalikes: list[GoldSpan] = []
    pos = 0
    for piece in pieces:
        end = pos + len(piece.text)
        if piece.gold:
            gold.append(GoldSpan(piece.gold, pos, end))
        elif piece.lookalike:
            lookalikes.append(GoldSpan(piece.lookalike, pos, end))
        parts.append(piece.text)
        pos = end
    return "".join(parts), gold, lookalikes


def _trim(pieces: list[_Piece]) -> list[_Piece]:
    """Strip whitespace at the message's edges (only ever from literal pieces)."""
    if pieces and not (pieces[0].gold or pieces[0].lookalike):
        pieces[0] = _lit(pieces[0].text.lstrip())
    if pieces and not (pieces[-1].gold or pieces[-1].lookalike):
        pieces[-1] = _lit(pieces[-1].text.rstrip())
    return [p for p in pieces if p.text]


def _build_message(
    rng: random.Random, values: _Values, family: _Family, family_name: str, with_pii: bool
) -> tuple[list[_Piece], str, tuple[str, ...]]:
    speaker = "operator" if rng.random() < 0.3 else "visitor"
    suffix = "pii" if with_pii else "plain"

    def pick(pool_name: str) -> tuple[str, str]:
        """(template id, template) drawn from one of the family's pools."""
        pool: tuple[str, ...] = getattr(family, pool_name)
        index = rng.randrange(len(pool))
        return f"{family_name}.{pool_name}.{index}", pool[index]

    if with_pii:
        count = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
        body = [pick(f"{speaker}_pii") for _ in range(count)]
        if rng.random() < 0.35:
            body.append(pick(f"{speaker}_plain"))
    else:
        count = rng.choices((1, 2), weights=(65, 35))[0]
        body = [pick(f"{speaker}_plain") for _ in range(count)]
    rng.shuffle(body)

    # A PII message may still open and close without a name; a PII-free one always does.
    greeting_pool = f"greet_{speaker}_{suffix if rng.random() < 0.6 else 'plain'}"
    sign_pool = f"sign_{speaker}_{suffix if rng.random() < 0.5 else 'plain'}"
    has_greeting, has_signoff = rng.random() < 0.45, rng.random() < 0.3
    greeting = [pick(greeting_pool)] if has_greeting else []
    signoff = [pick(sign_pool)] if has_signoff else []

    pieces: list[_Piece] = []
    for _template_id, template in greeting:
        pieces.extend(_render_template(template, values))
    for i, (_template_id, template) in enumerate(body):
        if i:
            joiner = rng.choice(family.joiners)
            if joiner[0] in ".," and pieces and pieces[-1].text.rstrip()[-1:] in ".?!)":
                joiner = " "  # the clause already ends a sentence
            pieces.append(_lit(joiner))
        pieces.extend(_render_template(template, values))
    for _template_id, template in signoff:
        pieces.extend(_render_template(template, values))
    ids = tuple(template_id for template_id, _ in greeting + body + signoff)
    return pieces, speaker, ids


def is_pii_free(index: int, seed: int, family: str) -> bool:
    """Exactly one message in each block of three (indexes 0-2, 3-5, ...) holds no PII."""
    block = random.Random(f"{family}:{seed}:block:{index // 3}")
    return block.randrange(3) == index % 3


def generate_one(index: int, seed: int, family: str = "dev") -> Message:
    """Message ``index`` of the (seed, family) corpus: it has its own random stream, so it is
    the same whatever ``n`` the corpus is generated with."""
    if family not in TEMPLATE_FAMILIES:
        raise ValueError(f"unknown family {family!r}: use one of {', '.join(FAMILIES)}")
    templates = TEMPLATE_FAMILIES[family]
    rng = random.Random(f"{family}:{seed}:{index}")
    values = _Values(rng, family)
    known = values.known()
    with_pii = not is_pii_free(index, seed, family)
    pieces, speaker, ids = _build_message(rng, values, templates, family, with_pii)
    rate = templates.typo_rate * (0.4 if speaker == "operator" else 1.0)
    if rng.random() < rate:
        literal_indexes = [
            k
            for k, p in enumerate(pieces)
            if not (p.gold or p.lookalike) and re.search("[A-Za-z]{4}", p.text)
        ]
        if literal_indexes:
            k = rng.choice(literal_indexes)
            pieces[k] = _lit(_typo(pieces[k].text, rng))
    if speaker == "visitor" and rng.random() < templates.lowercase_rate:
        pieces = [_Piece(p.text.lower(), p.gold, p.lookalike) for p in pieces]
    text, gold, lookalikes = _assemble(_trim(pieces))
    return Message(
        id=f"{family}-{seed}-{index:05d}",
        text=text,
        speaker=speaker,
        known=known,
        gold=gold,
        lookalikes=lookalikes,
        has_pii=bool(gold),
        family=family,
        templates=ids,
    )


def generate(n: int, seed: int, family: str = "dev") -> list[Message]:
    """``n`` messages, the same for the same (seed, family); ``generate(100, ...)`` is the first
    hundred of ``generate(3000, ...)``. One message in three (exactly one per block of three)
    holds no personal data but holds look-alikes."""
    if n < 0:
        raise ValueError("n must be >= 0")
    return [generate_one(i, seed, family) for i in range(n)]


def to_jsonl(messages: Iterable[Message], out: TextIO | str | Path) -> None:
    """Write the input format of ``manage.py redact``: one {"id", "text", "known"} per line."""
    if isinstance(out, str | Path):
        with open(out, "w", encoding="utf-8") as handle:
            to_jsonl(messages, handle)
        return
    for message in messages:
        record = {"id": message.id, "text": message.text, "known": list(message.known)}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the synthetic corpus as JSONL.")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--family", choices=FAMILIES, default="dev")
    parser.add_argument("--out", default="-", help="file path, or - for stdout")
    args = parser.parse_args(argv)
    messages = generate(args.n, args.seed, args.family)
    to_jsonl(messages, sys.stdout if args.out == "-" else args.out)


if __name__ == "__main__":
    main()
