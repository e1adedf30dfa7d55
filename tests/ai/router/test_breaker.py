"""The per-endpoint circuit breaker: opens after repeated failures, skips the endpoint without
a request while open, lets one probe through when half-open, honours Retry-After, and keeps its
state in Redis where every worker process sees it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ai.router.breaker import Breaker, _client
from tests.ai.fake_provider import FakeProvider, Fault
from tests.tenants.api_helpers import Tenant

from .helpers import endpoint, request_for, run

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def pair(settings, fake: FakeProvider, fake2: FakeProvider) -> tuple[FakeProvider, FakeProvider]:
    settings.AI_ENDPOINTS = [
        endpoint("flaky", fake.openai_url, region="uk"),
        endpoint("steady", fake2.openai_url, region="eu"),
    ]
    settings.AI_BREAKER = {**settings.AI_BREAKER, "failure_threshold": 3, "reset_seconds": 1}
    fake2.reply = "steady"
    return fake, fake2


def test_opens_after_repeated_failures_then_skips_without_a_request(pair, alpha: Tenant) -> None:
    flaky, _steady = pair
    flaky.sticky = Fault.http(500)
    for _ in range(3):
        assert run(request_for(alpha.workspace.pk)).text == "steady"
    assert len(flaky.requests) == 3
    assert Breaker("platform:flaky").state() == "open"

    result = run(request_for(alpha.workspace.pk))

    assert len(flaky.requests) == 3, "an open breaker sends nothing"
    assert [(a.endpoint, a.outcome) for a in result.fallback_chain] == [
        ("platform:flaky", "breaker_open"),
        ("platform:steady", "ok"),
    ]
    assert result.fallback_chain[0].latency_ms < 50  # the figure itself: bench/ai_router.py


def test_half_open_lets_one_probe_through_and_closes_on_success(pair, alpha: Tenant) -> None:
    flaky, _steady = pair
    flaky.sticky = Fault.http(500)
    for _ in range(3):
        run(request_for(alpha.workspace.pk))
    time.sleep(1.05)
    assert Breaker("platform:flaky").state() == "half_open"

    probe = Breaker("platform:flaky").allow()
    other = Breaker("platform:flaky").allow()
    assert (probe.allowed, probe.probe) == (True, True)
    assert other.allowed is False, "only one worker probes a half-open endpoint"
    Breaker("platform:flaky").record_success()
    assert Breaker("platform:flaky").state() == "closed"

    flaky.sticky = None
    assert run(request_for(alpha.workspace.pk)).endpoint == "platform:flaky"


def test_a_failed_probe_reopens_at_once(pair, alpha: Tenant) -> None:
    flaky, _steady = pair
    flaky.sticky = Fault.http(500)
    for _ in range(3):
        run(request_for(alpha.workspace.pk))
    time.sleep(1.05)
    result = run(request_for(alpha.workspace.pk))  # this call is the probe, and it fails
    assert [a.outcome for a in result.fallback_chain] == ["http_5xx", "ok"]
    assert Breaker("platform:flaky").state() == "open"
    assert len(flaky.requests) == 4


def test_retry_after_opens_the_breaker_for_that_long(pair, alpha: Tenant) -> None:
    flaky, _steady = pair
    flaky.push(Fault.http(429, retry_after="2"))
    assert run(request_for(alpha.workspace.pk)).text == "steady"
    permit = Breaker("platform:flaky").allow()
    assert permit.allowed is False
    assert 0.5 < permit.retry_in_seconds <= 2.0
    run(request_for(alpha.workspace.pk))
    assert len(flaky.requests) == 1, "nothing is sent before Retry-After has passed"


def test_breaker_state_is_shared_by_every_worker_process(settings, pair, alpha: Tenant) -> None:
    """A second process (its own Redis connection, no shared memory) sees the breaker open."""
    flaky, _steady = pair
    settings.AI_BREAKER = {**settings.AI_BREAKER, "reset_seconds": 60}
    flaky.sticky = Fault.http(500)
    for _ in range(3):
        run(request_for(alpha.workspace.pk))
    _client.cache_clear()  # this process, too, starts from a fresh connection
    code = (
        "import django; django.setup(); from ai.router.breaker import Breaker; "
        "b = Breaker('platform:flaky'); p = b.allow(); print(b.state(), p.allowed); "
        "[b.record_failure() for _ in range(1)]"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "supportdesk.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == ["open", "False"]


def test_two_endpoints_have_independent_breakers(pair, alpha: Tenant) -> None:
    flaky, _steady = pair
    flaky.sticky = Fault.http(500)
    for _ in range(3):
        run(request_for(alpha.workspace.pk))
    assert Breaker("platform:flaky").state() == "open"
    assert Breaker("platform:steady").state() == "closed"


def test_a_worker_that_saw_the_breaker_open_skips_without_asking_redis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ai.router import breaker as module

    Breaker("platform:memo").record_failure(retry_after=30)
    calls: list[str] = []
    real = module._redis

    def counting_redis():  # type: ignore[no-untyped-def]
        calls.append("redis")
        return real()

    monkeypatch.setattr(module, "_redis", counting_redis)
    permit = Breaker("platform:memo").allow()
    assert permit.allowed is False and 29 < permit.retry_in_seconds <= 30
    assert calls == []


def test_a_refusal_while_another_worker_probes_is_not_remembered(settings) -> None:
    from ai.router.breaker import _known_open

    settings.AI_BREAKER = {**settings.AI_BREAKER, "failure_threshold": 1, "reset_seconds": 0.2}
    Breaker("platform:probe").record_failure()
    time.sleep(0.25)
    assert Breaker("platform:probe").allow().probe is True
    refused = Breaker("platform:probe").allow()
    assert refused.allowed is False
    assert _known_open.get("sd:ai:breaker:platform:probe", 0) <= time.time() * 1000
    Breaker("platform:probe").record_success()
    assert Breaker("platform:probe").allow().allowed is True


def test_an_unreachable_breaker_store_fails_open_quickly(settings) -> None:
    from tests.ai.fake_provider import closed_port

    settings.AI_BREAKER_REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    started = time.perf_counter()
    permit = Breaker("platform:any").allow()
    Breaker("platform:any").record_failure()
    assert permit.allowed is True
    assert time.perf_counter() - started < 1.0, "no retries with backoff on a dead store"
