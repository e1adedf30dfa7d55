"""The AI data ledger: write one row per provider call (service), read and export them
(selectors). Runs inside the workspace scope. No prompt, no completion text, no key is ever
stored: the payload is represented by the SHA-256 of the exact bytes sent."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db.models import QuerySet

from ai.models import AILedgerEntry
from ai.providers.base import Endpoint, SentPayload
from ai.router.types import CompletionRequest

CSV_COLUMNS = (
    "created_at",
    "feature",
    "endpoint",
    "provider",
    "region",
    "model",
    "key_source",
    "redaction_counts",
    "payload_sha256",
    "payload_bytes",
    "input_tokens",
    "output_tokens",
    "latency_ms",
    "outcome",
    "streamed",
    "conversation_id",
)


def ledger_record(
    *,
    request: CompletionRequest,
    endpoint: Endpoint,
    key_source: str,
    sent: SentPayload,
    outcome: str,
    latency_ms: float,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    streamed: bool = False,
) -> AILedgerEntry:
    counts = {str(k): int(v) for k, v in sorted(request.redaction_counts.items()) if int(v) > 0}
    return AILedgerEntry.objects.create(
        workspace_id=request.workspace_id,
        feature=request.feature,
        endpoint=endpoint.ref,
        provider=endpoint.kind,
        region=endpoint.region,
        model=endpoint.model,
        key_source=key_source,
        redaction_counts=counts,
        payload_sha256=sent.sha256,
        payload_bytes=sent.size,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        latency_ms=round(latency_ms, 2),
        outcome=outcome,
        streamed=streamed,
        conversation_id=request.conversation_id,
    )


def ledger_entries(
    *,
    feature: str | None = None,
    outcome: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AILedgerEntry]:
    rows = AILedgerEntry.objects.all()
    if feature:
        rows = rows.filter(feature=feature)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if since:
        rows = rows.filter(created_at__gte=since)
    if until:
        rows = rows.filter(created_at__lt=until)
    return rows.order_by("-created_at", "-id")


def _csv_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # spreadsheet formula injection
    return value


def ledger_csv(rows: Iterable[AILedgerEntry]) -> Iterator[str]:
    """CSV lines (header first) for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for row in rows:
        writer.writerow([_csv_value(getattr(row, column)) for column in CSV_COLUMNS])
        yield flush()
