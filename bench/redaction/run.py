"""Redaction benchmark: recall, leaks and wrongful redactions of an engine on the synthetic
corpus, and what it costs per message. One process, messages analysed sequentially.

    .venv/bin/python -m bench.redaction.run --n 3000 --seed 7 --family dev \
        --json bench/results/redaction-dev.json
    .venv/bin/python -m bench.redaction.run --family holdout --engine presidio-builtin
    .venv/bin/python -m bench.redaction.run --failures 20     # what leaked, what was hit

Engines:
- ``supportdesk``: ``redaction.engine.analyze(text, context)`` with the message's participants
  as ``RedactionContext.known``; the transcript is timed through ``redact_batch`` if it exists.
- ``presidio-builtin``: the anchor. Presidio's default recognizers plus the UK ones it ships
  disabled (NINO, postcode, passport), on a blank spaCy pipeline (no model can be downloaded
  here, so no NER), types mapped to ours where they mean the same thing. The transcript is
  analyse + anonymise (replace) per message.

Only spans scoring at least ``--threshold`` (default: redaction.types.SCORE_THRESHOLD) count.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Before anything imports presidio: its email recognizer's tldextract would fetch the public
# suffix list from the network on first use.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings.local")

from bench.redaction.corpus import FAMILIES, Message, generate
from bench.redaction.score import Prediction, Report, score
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
    SCORE_THRESHOLD,
    UK_NINO,
    URL,
    US_SSN,
    RedactionContext,
)

ENGINES = ("supportdesk", "presidio-builtin")
TRANSCRIPT_MESSAGES = 200
WARM_UP_TEXT = "Hi, I'm Jane Doe, jane.doe@example.com, 07700 900123, card 4111 1111 1111 1111."

#: Presidio's names -> ours. Types not listed keep Presidio's name (they still cover text).
PRESIDIO_TYPES = {
    "PERSON": PERSON,
    "EMAIL_ADDRESS": EMAIL_ADDRESS,
    "PHONE_NUMBER": PHONE_NUMBER,
    "CREDIT_CARD": CREDIT_CARD,
    "IP_ADDRESS": IP_ADDRESS,
    "IBAN_CODE": IBAN_CODE,
    "US_SSN": US_SSN,
    "UK_NINO": UK_NINO,
    "DATE_TIME": DATE_OF_BIRTH,
    "URL": URL,
    "UK_POSTCODE": POSTCODE,
    "US_PASSPORT": PASSPORT_NUMBER,
    "UK_PASSPORT": PASSPORT_NUMBER,
    "LOCATION": ADDRESS,
}

Found = tuple[str, int, int, float]  # (type, start, end, score)


class EngineUnavailable(RuntimeError):
    pass


class SupportDeskEngine:
    name = "supportdesk"

    def __init__(self) -> None:
        try:
            self._engine = importlib.import_module("redaction.engine")
        except ModuleNotFoundError as exc:
            if exc.name != "redaction.engine":
                raise
            raise EngineUnavailable(
                "redaction/engine.py does not exist yet: use --engine presidio-builtin"
            ) from exc
        self._engine.get_analyzer()

    def analyze(self, text: str, known: Sequence[str]) -> list[Found]:
        entities = self._engine.analyze(text, RedactionContext(known=tuple(known)))
        return [(e.type, e.start, e.end, e.score) for e in entities]

    def transcript(self, texts: list[str], known: Sequence[str]) -> Callable[[], object] | None:
        redact_batch = getattr(self._engine, "redact_batch", None)
        if redact_batch is None:
            return None
        context = RedactionContext(known=tuple(known))
        return lambda: redact_batch(texts, context=context)


class PresidioBuiltinEngine:
    name = "presidio-builtin"

    def __init__(self) -> None:
        import spacy
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import (
            UkNinoRecognizer,
            UkPassportRecognizer,
            UkPostcodeRecognizer,
        )
        from presidio_anonymizer import AnonymizerEngine

        # It warns once per recognizer of another language; nothing to act on.
        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

        class BlankSpacyNlpEngine(SpacyNlpEngine):
            """spaCy without a model: tokens only, lemmas = lower-cased tokens so that context
            words ("card", "ssn", "postcode") still raise scores."""

            def load(self) -> None:
                self.nlp = {"en": spacy.blank("en")}  # type: ignore[assignment]

            def _doc_to_nlp_artifact(self, doc: Any, language: str) -> Any:
                for token in doc:
                    token.lemma_ = token.lower_
                return super()._doc_to_nlp_artifact(doc, language)

        nlp_engine = BlankSpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank"}])
        nlp_engine.load()
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
        for recognizer in (UkNinoRecognizer, UkPostcodeRecognizer, UkPassportRecognizer):
            registry.add_recognizer(recognizer())
        self._analyzer = AnalyzerEngine(
            nlp_engine=nlp_engine, registry=registry, supported_languages=["en"]
        )
        self._anonymizer = AnonymizerEngine()

    def analyze(self, text: str, known: Sequence[str]) -> list[Found]:
        results = self._analyzer.analyze(text=text, language="en")
        return [
            (PRESIDIO_TYPES.get(r.entity_type, r.entity_type), r.start, r.end, r.score)
            for r in results
        ]

    def transcript(self, texts: list[str], known: Sequence[str]) -> Callable[[], object] | None:
        def run() -> None:
            for text in texts:
                results = self._analyzer.analyze(text=text, language="en")
                # Presidio's two packages each declare a RecognizerResult; same fields.
                self._anonymizer.anonymize(text=text, analyzer_results=results)  # type: ignore[arg-type]

        return run


def _setup_django() -> None:
    import django

    django.setup()


def start_engine(name: str) -> tuple[Any, dict[str, float]]:
    """The engine, warm, and what starting it cost: construction (imports included) and the
    first call, in seconds."""
    started, cpu_started = time.perf_counter(), time.process_time()
    engine = SupportDeskEngine() if name == "supportdesk" else PresidioBuiltinEngine()
    built = time.perf_counter()
    engine.analyze(WARM_UP_TEXT, ["Jane Doe"])
    warmed, cpu_warmed = time.perf_counter(), time.process_time()
    return engine, {
        "build_s": built - started,
        "first_call_s": warmed - built,
        "total_s": warmed - started,
        # CPU time of this process: what the start costs whatever else runs on the machine.
        "cpu_s": cpu_warmed - cpu_started,
    }


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def analyze_all(
    engine: Any, messages: Sequence[Message], threshold: float
) -> tuple[dict[str, list[Prediction]], list[float]]:
    """Predictions kept at ``threshold`` per message id, and each call's duration in ms."""
    predictions: dict[str, list[Prediction]] = {}
    durations_ms: list[float] = []
    for message in messages:
        t0 = time.perf_counter_ns()
        try:
            found = engine.analyze(message.text, message.known)
        except Exception as exc:
            raise RuntimeError(f"{engine.name} failed on message {message.id}") from exc
        durations_ms.append((time.perf_counter_ns() - t0) / 1e6)
        predictions[message.id] = [(t, s, e) for t, s, e, sc in found if sc >= threshold]
    return predictions, durations_ms


def time_transcript(engine: Any, messages: Sequence[Message], repeats: int) -> dict[str, Any]:
    texts = [messages[i % len(messages)].text for i in range(TRANSCRIPT_MESSAGES)]
    run = engine.transcript(texts, messages[0].known)
    if run is None:
        return {
            "messages": len(texts),
            "ms": None,
            "note": "redaction.engine.redact_batch not found",
        }
    runs_ms, cpu_ms = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter_ns(), time.process_time_ns()
        run()
        runs_ms.append((time.perf_counter_ns() - t0) / 1e6)
        cpu_ms.append((time.process_time_ns() - c0) / 1e6)
    return {
        "messages": len(texts),
        "ms": statistics.median(runs_ms),
        "runs_ms": runs_ms,
        "cpu_ms": statistics.median(cpu_ms),
        "cpu_runs_ms": cpu_ms,
    }


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{100 * value:5.1f}%"


def render(result: dict[str, Any], report: Report) -> str:
    cfg, lat = result["config"], result["latency_ms"]
    lines = [
        f"Redaction benchmark: engine {cfg['engine']}, family {cfg['family']}, "
        f"n={cfg['n']}, seed {cfg['seed']}, threshold {cfg['threshold']}",
        "",
        f"{'type':<18}{'n':>6}{'recall':>9}{'leak':>9}",
    ]
    for name, s in sorted(report.per_type.items()):
        lines.append(f"{name:<18}{s.n:>6}{_pct(s.recall):>9}{_pct(s.leak_rate):>9}")
    req = report.required
    lines += [
        f"{'required types':<18}{req.n:>6}{_pct(req.recall):>9}{_pct(req.leak_rate):>9}",
        "",
        f"char precision, look-alike messages  {_pct(report.char_precision)}"
        f"  ({report.precision_inside}/{report.precision_covered} covered chars inside PII)",
        f"false redactions, PII-free messages  {_pct(report.false_redaction_rate)}"
        f"  ({report.pii_free_redacted}/{report.pii_free_messages})",
        f"look-alike hit rate                  {_pct(report.lookalike_hit_rate)}"
        f"  ({report.lookalikes.hit}/{report.lookalikes.n})",
        "  "
        + ", ".join(
            f"{kind} {_pct(s.hit_rate).strip()}" for kind, s in sorted(report.per_kind.items())
        ),
        "",
        f"ms/message  mean {lat['mean']:.3f}  p50 {lat['p50']:.3f}  p99 {lat['p99']:.3f}"
        f"  max {lat['max']:.3f}",
        f"engine start  {result['engine_start_s']['total_s']:.2f} s"
        f"  (build {result['engine_start_s']['build_s']:.2f} s,"
        f" first call {result['engine_start_s']['first_call_s']:.2f} s;"
        f" cpu {result['engine_start_s']['cpu_s']:.2f} s)",
    ]
    transcript = result["transcript"]
    if transcript["ms"] is None:
        lines.append(f"{transcript['messages']}-message transcript  n/a ({transcript['note']})")
    else:
        lines.append(
            f"{transcript['messages']}-message transcript  {transcript['ms']:.1f} ms"
            f"  (median of {len(transcript['runs_ms'])}; cpu {transcript['cpu_ms']:.1f} ms)"
        )
    return "\n".join(lines)


def render_failures(
    report: Report,
    messages: Sequence[Message],
    predictions: dict[str, list[Prediction]],
    limit: int,
) -> str:
    by_id = {m.id: m for m in messages}

    def context(message_id: str) -> list[str]:
        message = by_id[message_id]
        found = ", ".join(
            f"{t} {message.text[s:e]!r}"
            for t, s, e in sorted(predictions[message_id], key=lambda p: p[1])
        )
        body = "\n".join(f"    | {line}" for line in message.text.splitlines())
        return [f"    predicted: {found or '-'}", body]

    out = [f"First {limit} leaked entities:"]
    for leak in report.leaks[:limit]:
        message = by_id[leak.message_id]
        out.append(
            f"  LEAK {leak.type} {leak.value!r} ({leak.uncovered} chars uncovered)"
            f" in {leak.message_id} [{message.speaker}], known={message.known}"
        )
        out += context(leak.message_id)
    out.append(f"First {limit} look-alike hits:")
    for hit in report.lookalike_hits[:limit]:
        out.append(
            f"  HIT {hit.kind} {hit.value!r} ({hit.covered} chars covered) in {hit.message_id}"
        )
        out += context(hit.message_id)
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="messages (default 3000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--family", choices=FAMILIES, default="dev")
    parser.add_argument("--engine", choices=ENGINES, default="supportdesk")
    parser.add_argument("--threshold", type=float, default=SCORE_THRESHOLD)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--failures", type=int, default=0, metavar="N", help="print N of each")
    parser.add_argument("--transcript-repeats", type=int, default=15)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")

    _setup_django()
    messages = generate(args.n, args.seed, args.family)
    try:
        engine, start = start_engine(args.engine)
    except EngineUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    predictions, durations = analyze_all(engine, messages, args.threshold)
    transcript = time_transcript(engine, messages, args.transcript_repeats)
    report = score(messages, predictions)

    ordered = sorted(durations)
    result: dict[str, Any] = {
        "config": {
            "engine": args.engine,
            "family": args.family,
            "n": args.n,
            "seed": args.seed,
            "threshold": args.threshold,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            # 1/5/15-minute load averages when the run ended: wall-clock figures depend on it.
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "scores": report.as_dict(),
        "latency_ms": {
            "mean": statistics.fmean(durations),
            "p50": percentile(ordered, 0.50),
            "p99": percentile(ordered, 0.99),
            "max": ordered[-1],
        },
        "engine_start_s": start,
        "transcript": transcript,
    }
    print(render(result, report))
    if args.failures:
        print()
        print(render_failures(report, messages, predictions, args.failures))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
