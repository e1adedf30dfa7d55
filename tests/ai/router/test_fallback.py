"""Fallback to the next endpoint on 429 / 5xx / timeout / connection errors / broken or
malformed answers; no retry and no fallback on a 400; streaming failures."""

from __future__ import annotations

import time

import pytest

from ai.models import AILedgerEntry
from ai.router import AIUnavailable
from ai.router.breaker import Breaker
from tenants.scope import workspace_scope
from tests.ai.fake_provider import FakeProvider, Fault, closed_port
from tests.tenants.api_helpers import Tenant

from .helpers import endpoint, request_for, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(settings, fake: FakeProvider, fake2: FakeProvider) -> tuple[FakeProvider, FakeProvider]:
    settings.AI_ENDPOINTS = [
        endpoint("first", fake.openai_url, region="uk", timeout=0.5),
        endpoint("second", fake2.url, kind="anthropic", region="eu"),
    ]
    fake2.reply = "second answered"
    return fake, fake2


@pytest.mark.parametrize(
    ("fault", "outcome"),
    [
        (Fault.http(500), "http_5xx"),
        (Fault.http(503), "http_5xx"),
        (Fault.http(429), "http_429"),
        (Fault.slow_first_byte(1.5), "timeout"),
        (Fault.malformed(), "malformed"),
    ],
    ids=["500", "503", "429", "slow-first-byte", "malformed-json"],
)
def test_falls_back_to_the_next_endpoint(pair, alpha: Tenant, fault: Fault, outcome: str) -> None:
    first, second = pair
    first.push(fault)
    started = time.perf_counter()
    result = run(request_for(alpha.workspace.pk))
    elapsed = time.perf_counter() - started

    assert result.text == "second answered"
    assert [(a.endpoint, a.outcome) for a in result.fallback_chain] == [
        ("platform:first", outcome),
        ("platform:second", "ok"),
    ]
    assert len(first.requests) == 1, "the router does not retry the same endpoint"
    assert len(second.requests) == 1
    if outcome == "timeout":
        assert 0.45 < result.fallback_chain[0].latency_ms / 1000 < 3.0
    else:
        assert elapsed < 3.0  # no timeout waited, no backoff (and one request: no retry)
    with workspace_scope(alpha.workspace.pk):
        outcomes = list(AILedgerEntry.objects.order_by("id").values_list("endpoint", "outcome"))
    assert outcomes == [("platform:first", outcome), ("platform:second", "ok")]


def test_refused_connection_falls_back(settings, fake: FakeProvider, alpha: Tenant) -> None:
    settings.AI_ENDPOINTS = [
        endpoint("dead", f"http://127.0.0.1:{closed_port()}/v1"),
        endpoint("alive", fake.openai_url),
    ]
    result = run(request_for(alpha.workspace.pk))
    assert [a.outcome for a in result.fallback_chain] == ["connection", "ok"]
    assert result.fallback_chain[0].latency_ms < 500  # no connect timeout waited; bench measures


def test_a_400_is_neither_retried_nor_sent_elsewhere(pair, alpha: Tenant) -> None:
    first, second = pair
    first.push(Fault.http(400))
    with pytest.raises(AIUnavailable, match="rejected the request") as caught:
        run(request_for(alpha.workspace.pk))
    assert len(first.requests) == 1
    assert second.requests == []
    assert [a.outcome for a in caught.value.attempts] == ["http_4xx"]
    assert Breaker("platform:first").state() == "closed"


def test_quota_exhaustion_is_not_retried_on_that_endpoint(pair, alpha: Tenant) -> None:
    first, _second = pair
    first.push(Fault.http(429, body={"error": {"code": "insufficient_quota", "message": "x"}}))
    result = run(request_for(alpha.workspace.pk))
    assert [a.outcome for a in result.fallback_chain] == ["quota", "ok"]
    assert len(first.requests) == 1


def test_a_stream_broken_before_any_delta_falls_back(pair, alpha: Tenant) -> None:
    first, _second = pair
    first.push(Fault.disconnect(after=0))
    deltas: list[str] = []
    result = run(request_for(alpha.workspace.pk), on_delta=deltas.append)
    assert "".join(deltas) == "second answered" == result.text
    assert [a.outcome for a in result.fallback_chain] == ["stream_broken", "ok"]


def test_a_stream_broken_after_deltas_ends_with_partial_output(pair, alpha: Tenant) -> None:
    first, second = pair
    first.reply = "one two three four five"
    first.push(Fault.disconnect(after=2))
    deltas: list[str] = []
    with pytest.raises(AIUnavailable) as caught:
        run(request_for(alpha.workspace.pk), on_delta=deltas.append)
    assert deltas == ["one ", "two "]
    assert caught.value.partial_output is True
    assert second.requests == [], "no silent fallback once the operator saw text"


def test_a_malformed_stream_falls_back(pair, alpha: Tenant) -> None:
    first, _second = pair
    first.push(Fault.malformed())
    deltas: list[str] = []
    result = run(request_for(alpha.workspace.pk), on_delta=deltas.append)
    assert result.text == "second answered"
    assert result.fallback_chain[0].outcome in {"malformed", "stream_broken"}


def test_deltas_arrive_as_the_provider_sends_them(settings, fake: FakeProvider, alpha) -> None:
    settings.AI_ENDPOINTS = [endpoint("slowish", fake.openai_url)]
    fake.reply = "a b c"
    fake.push(Fault.delay(0.2))
    seen: list[tuple[str, float]] = []
    run(
        request_for(alpha.workspace.pk),
        on_delta=lambda chunk: seen.append((chunk, time.perf_counter())),
    )
    finished = time.perf_counter()
    assert [chunk for chunk, _ in seen] == ["a ", "b ", "c"]
    # Each delta is forwarded when it arrives (0.2 s apart), not all at the end.
    assert seen[1][1] - seen[0][1] >= 0.18
    assert seen[2][1] - seen[1][1] >= 0.18
    assert finished - seen[0][1] >= 0.36


def test_the_request_budget_cuts_the_chain(settings, fake: FakeProvider, fake2, alpha) -> None:
    settings.AI_ENDPOINTS = [
        endpoint("slow", fake.openai_url, region="uk", timeout=5),
        endpoint("never", fake2.openai_url, region="eu"),
    ]
    settings.AI_REQUEST_BUDGET_SECONDS = 0.5
    fake.push(Fault.slow_first_byte(6))
    started = time.perf_counter()
    result = run(request_for(alpha.workspace.pk))
    assert time.perf_counter() - started < 4  # not the endpoint's own 5 s timeout
    assert [(a.endpoint, a.outcome) for a in result.fallback_chain] == [
        ("platform:slow", "timeout"),
        ("platform:never", "budget"),
        ("offline", "ok"),
    ]
    assert fake2.requests == []


def test_a_failing_delta_listener_does_not_count_against_the_endpoint(
    settings, fake: FakeProvider, alpha
) -> None:
    settings.AI_ENDPOINTS = [endpoint("only", fake.openai_url)]
    fake.reply = "one two three"
    seen: list[str] = []

    def listener(chunk: str) -> None:
        seen.append(chunk)
        raise RuntimeError("the inbox push failed")

    result = run(request_for(alpha.workspace.pk), on_delta=listener)
    assert result.text == "one two three" and result.endpoint == "platform:only"
    assert seen == ["one "]
    assert [a.outcome for a in result.fallback_chain] == ["ok"]
