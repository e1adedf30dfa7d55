"""The stable JSON Lines interface of `manage.py redact` (documented in README).

In:  {"id": ..., "text": "...", "known": ["Jane Doe", "jdoe42", ...]}   (known is optional)
Out: {"id": ..., "redacted": "...", "entities": [{"type", "start", "end", "score"}]}
     or {"id": ..., "error": "..."} for a malformed line; the run goes on.
Offsets are into the original text (Python string indices, i.e. code points)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from redaction.engine import MAX_TEXT_CHARS, redact
from redaction.types import RedactionContext, RedactionPolicy

MAX_LINE_BYTES = 256 * 1024
MAX_KNOWN = 200


def _error(line_id: Any, message: str) -> dict[str, Any]:
    return {"id": line_id, "error": message}


def process_line(
    raw: str, line_number: int, policy: RedactionPolicy | None = None
) -> dict[str, Any]:
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
        return _error(None, f"line {line_number}: longer than {MAX_LINE_BYTES} bytes")
    try:
        record = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        return _error(None, f"line {line_number}: not valid JSON ({exc.__class__.__name__})")
    if not isinstance(record, dict):
        return _error(None, f"line {line_number}: expected a JSON object")
    line_id = record.get("id")
    if isinstance(line_id, bool) or (line_id is not None and not isinstance(line_id, (str, int))):
        return _error(None, f"line {line_number}: id must be a string or an integer")
    text = record.get("text")
    if not isinstance(text, str):
        return _error(line_id, "text is missing or not a string")
    if len(text) > MAX_TEXT_CHARS:
        return _error(line_id, f"text is longer than {MAX_TEXT_CHARS} characters")
    known = record.get("known", [])
    if not isinstance(known, list) or not all(isinstance(k, str) for k in known):
        return _error(line_id, "known must be a list of strings")
    if len(known) > MAX_KNOWN:
        return _error(line_id, f"at most {MAX_KNOWN} known values per line")
    context = RedactionContext(known=tuple(known), policy=policy or RedactionPolicy())
    result = redact(text, context=context)
    return {
        "id": line_id,
        "redacted": result.text,
        "entities": [entity.as_dict() for entity in result.entities],
    }


def process_stream(lines: Iterable[str], policy: RedactionPolicy | None = None) -> Iterator[str]:
    for number, raw in enumerate(lines, start=1):
        raw = raw.rstrip("\r\n")
        if not raw.strip():
            continue
        try:
            out = process_line(raw, number, policy)
        except Exception as exc:  # one bad line must not end the run
            out = _error(None, f"line {number}: could not be redacted ({exc.__class__.__name__})")
        yield json.dumps(out, ensure_ascii=False)
