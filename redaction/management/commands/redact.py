"""`python manage.py redact < in.jsonl > out.jsonl`: see redaction/jsonl.py for the format."""

from __future__ import annotations

import io
import sys
from typing import Any

from django.core.management.base import BaseCommand

from redaction.engine import get_analyzer
from redaction.jsonl import process_stream


class Command(BaseCommand):
    help = "Redact JSON Lines from stdin: {id, text, known?} -> {id, redacted, entities}."

    def handle(self, *args: Any, **options: Any) -> None:
        get_analyzer()  # one engine for the whole run
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        out: Any = self.stdout._out
        for line in process_stream(stdin):
            out.write(line + "\n")
        out.flush()
