"""How provider answers map onto the router's outcomes (what is retried elsewhere, what is not)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date

from ai.providers.base import classify_status, retry_after_seconds


@pytest.mark.parametrize(
    ("status", "body", "outcome", "retryable"),
    [
        (429, {"error": {"code": "rate_limit_exceeded"}}, "http_429", True),
        (429, {"error": {"code": "insufficient_quota"}}, "quota", False),
        (402, {}, "quota", False),
        (401, {}, "auth", False),
        (403, {}, "auth", False),
        (400, {"error": {"code": "context_length_exceeded"}}, "http_4xx", False),
        (404, {"type": "error", "error": {"type": "not_found_error"}}, "http_4xx", False),
        (500, None, "http_5xx", True),
        (503, None, "http_5xx", True),
        (529, {"type": "error", "error": {"type": "overloaded_error"}}, "http_5xx", True),
    ],
)
def test_status_classification(status: int, body: object, outcome: str, retryable: bool) -> None:
    error = classify_status(status, body, {})
    assert (error.outcome, error.retryable, error.status) == (outcome, retryable, status)


def test_error_messages_never_carry_the_provider_body() -> None:
    body = {"error": {"code": "bad", "message": "echo: my name is Jane Doe"}}
    error = classify_status(400, body, {})
    assert "Jane" not in error.message and "(HTTP 400, bad)" in error.message


def test_retry_after_in_seconds_milliseconds_and_http_dates(settings) -> None:
    assert retry_after_seconds({"retry-after": "7"}) == 7.0
    assert retry_after_seconds({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    when = http_date((timezone.now() + timedelta(seconds=30)).timestamp())
    assert 27 <= retry_after_seconds({"retry-after": when}) <= 30
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None
    cap = settings.AI_BREAKER["max_retry_after_seconds"]
    assert retry_after_seconds({"retry-after": "999999"}) == cap
    error = classify_status(429, {}, {"retry-after": "3"})
    assert error.retry_after == 3.0
