"""Region preference and allowed regions: the order endpoints are tried in, and the promise
that a region the workspace does not allow is never reached, even when everything else is down."""

from __future__ import annotations

import pytest

from ai.router import AIUnavailable
from tests.ai.fake_provider import FakeProvider, Fault
from tests.tenants.api_helpers import Tenant

from .helpers import configure, endpoint, request_for, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(settings) -> tuple[FakeProvider, FakeProvider, FakeProvider]:
    """Three fakes declared US first, then EU, then UK (declaration order is not preference)."""
    with FakeProvider() as us, FakeProvider() as eu, FakeProvider() as uk:
        settings.AI_ENDPOINTS = [
            endpoint("us-1", us.openai_url, region="us"),
            endpoint("eu-1", eu.openai_url, region="eu"),
            endpoint("uk-1", uk.openai_url, region="uk"),
        ]
        us.reply, eu.reply, uk.reply = "from us", "from eu", "from uk"
        yield us, eu, uk


def test_default_preference_is_uk_then_eu_then_us(three, alpha: Tenant) -> None:
    us, eu, uk = three
    assert run(request_for(alpha.workspace.pk)).text == "from uk"
    uk.sticky = Fault.http(503)
    result = run(request_for(alpha.workspace.pk))
    assert result.text == "from eu"
    assert [a.endpoint for a in result.fallback_chain] == ["platform:uk-1", "platform:eu-1"]
    eu.sticky = Fault.http(503)
    assert run(request_for(alpha.workspace.pk)).text == "from us"
    assert (len(uk.requests), len(eu.requests), len(us.requests)) == (3, 2, 1)


def test_a_workspace_preference_reorders_the_chain(three, alpha: Tenant) -> None:
    configure(alpha.workspace, region_preference=["us", "eu", "uk"])
    result = run(request_for(alpha.workspace.pk))
    assert (result.text, result.region) == ("from us", "us")


def test_eu_uk_only_workspace_never_reaches_us_even_when_all_else_is_down(
    three, alpha: Tenant
) -> None:
    us, eu, uk = three
    configure(alpha.workspace, allowed_regions=["uk", "eu"], allow_offline_fallback=False)
    uk.sticky = eu.sticky = Fault.http(500)

    with pytest.raises(AIUnavailable) as caught:
        run(request_for(alpha.workspace.pk))

    assert us.requests == []
    assert [a.endpoint for a in caught.value.attempts] == ["platform:uk-1", "platform:eu-1"]
    reason = caught.value.reason
    assert "regions this workspace allows (uk, eu)" in reason
    assert "Endpoints in us were not used: this workspace does not allow them." in reason


def test_offline_fallback_when_allowed_and_not_when_the_request_forbids_it(
    three, alpha: Tenant
) -> None:
    us, eu, uk = three
    configure(alpha.workspace, allowed_regions=["uk"])
    uk.sticky = Fault.http(500)
    result = run(request_for(alpha.workspace.pk, text="Visitor: where is my parcel?"))
    assert result.offline is True
    assert (result.endpoint, result.region, result.key_source) == ("offline", "local", "none")
    assert [a.outcome for a in result.fallback_chain] == ["http_5xx", "ok"]

    with pytest.raises(AIUnavailable, match="offline fallback is off"):
        run(request_for(alpha.workspace.pk, allow_offline=False))
    assert us.requests == [] and eu.requests == []


def test_no_endpoint_configured_answers_offline(settings, alpha: Tenant) -> None:
    settings.AI_ENDPOINTS = [endpoint("unset", "http://127.0.0.1:9/v1", key_env="NOT_SET_KEY")]
    result = run(request_for(alpha.workspace.pk))
    assert result.offline is True and result.fallback_chain[0].endpoint == "offline"


def test_suspended_workspace_gets_no_ai(three, alpha: Tenant) -> None:
    from tenants.models import Workspace

    Workspace.objects.filter(pk=alpha.workspace.pk).update(status="suspended")
    with pytest.raises(AIUnavailable, match="suspended"):
        run(request_for(alpha.workspace.pk))
    assert all(fake.requests == [] for fake in three)


def test_a_platform_key_with_a_trailing_newline_is_used_trimmed(
    settings, monkeypatch: pytest.MonkeyPatch, fake: FakeProvider, alpha: Tenant
) -> None:
    monkeypatch.setenv("FILE_MOUNTED_KEY", "sk-from-a-file\n")
    settings.AI_ENDPOINTS = [endpoint("p", fake.openai_url, key_env="FILE_MOUNTED_KEY")]
    assert run(request_for(alpha.workspace.pk)).key_source == "platform"
    assert fake.last.headers["authorization"] == "Bearer sk-from-a-file"


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "x", "kind": "openai"},
        {"name": "x", "kind": "gemini", "region": "uk", "model": "m"},
        {"name": "x", "kind": "openai", "region": "mars", "model": "m"},
        {"name": "x", "kind": "anthropic", "region": "uk", "model": "m", "api": "responses"},
    ],
)
def test_a_malformed_ai_endpoints_setting_fails_the_system_check(settings, bad) -> None:
    from tenants.ai_checks import ai_endpoints_are_valid

    settings.AI_ENDPOINTS = [bad]
    errors = ai_endpoints_are_valid()
    assert [e.id for e in errors] == ["tenants.E101"]
    settings.AI_ENDPOINTS = [endpoint("ok", "https://api.example.com/v1")]
    assert ai_endpoints_are_valid() == []
