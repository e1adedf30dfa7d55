"""`manage.py redact`: JSON Lines in, JSON Lines out; bad lines get an error and the run goes on."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from redaction import engine
from redaction.jsonl import MAX_LINE_BYTES, process_stream

ROOT = Path(__file__).resolve().parents[2]


def run(lines: list[str]) -> list[dict[str, object]]:
    return [json.loads(out) for out in process_stream(io.StringIO("\n".join(lines) + "\n"))]


def test_well_formed_lines_are_redacted_with_offsets_into_the_original() -> None:
    text = "Hi Zebedee Quillfeather, order #A-1234"
    (out,) = run([json.dumps({"id": "m1", "text": text, "known": ["Zebedee Quillfeather"]})])
    assert out["id"] == "m1"
    assert out["redacted"] == "Hi <PERSON_1>, order #A-1234"
    (entity,) = out["entities"]  # type: ignore[misc]
    assert text[entity["start"] : entity["end"]] == "Zebedee Quillfeather"
    assert entity["type"] == "PERSON" and 0.5 <= entity["score"] <= 1.0


def test_malformed_lines_get_an_error_and_the_run_goes_on() -> None:
    lines = [
        "{not json",
        "[1, 2]",
        json.dumps({"id": 2}),
        json.dumps({"id": 3, "text": 42}),
        json.dumps({"id": 4, "text": "x", "known": "Jane"}),
        json.dumps({"id": {"nested": 1}, "text": "x"}),
        json.dumps({"id": True, "text": "x"}),
        json.dumps({"id": 5, "text": "x" * (engine.MAX_TEXT_CHARS + 1)}),
        "[" * 100_000,
        "x" * (MAX_LINE_BYTES + 1),
        json.dumps({"id": 6, "text": "still here"}),
    ]
    out = run(lines)
    assert len(out) == len(lines)
    assert all("error" in o and "redacted" not in o for o in out[:-1])
    assert [o["id"] for o in out[:-1]] == [None, None, 2, 3, 4, None, None, 5, None, None]
    assert out[-1] == {"id": 6, "redacted": "still here", "entities": []}


def test_blank_lines_are_skipped() -> None:
    assert run(["", "   ", json.dumps({"id": 1, "text": "ok"})]) == [
        {"id": 1, "redacted": "ok", "entities": []}
    ]


def test_ten_thousand_lines_in_one_process_with_one_engine(monkeypatch) -> None:
    builds = []
    original = engine._Analyzer

    def counting(*args: object, **kwargs: object) -> object:
        builds.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "_Analyzer", counting)
    monkeypatch.setattr(engine, "_analyzer", None)
    lines = [json.dumps({"id": i, "text": f"msg {i}", "known": ["Zed Q"]}) for i in range(10_000)]
    out = run(lines)
    assert len(out) == 10_000 and [o["id"] for o in out[:3]] == [0, 1, 2]
    assert builds == [1]


def test_the_management_command_end_to_end() -> None:
    lines = "\n".join(
        [
            json.dumps({"id": 1, "text": "write to zq@example.org", "known": ["zq@example.org"]}),
            "oops",
        ]
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="supportdesk.settings.test")
    proc = subprocess.run(
        [sys.executable, "manage.py", "redact"],
        input=lines.encode(),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert out[0]["redacted"] == "write to <EMAIL_ADDRESS_1>"
    assert out[1]["id"] is None and "not valid JSON" in out[1]["error"]
