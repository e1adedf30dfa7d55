"""BYOK: the workspace's own key goes in the Authorization header and nowhere else (logs, ledger,
errors); a refused key disables its endpoints for that workspace and tells the admin; the
platform key is used instead only when the workspace allowed it. Another workspace never sees
or uses the key."""

from __future__ import annotations

import logging

import pytest

from ai.models import AILedgerEntry
from ai.router import AIUnavailable
from tenants.ai_models import KeyStatus, ProviderKey
from tenants.scope import platform_scope, workspace_scope
from tests.ai.fake_provider import FakeProvider, Fault
from tests.tenants.api_helpers import Tenant

from .helpers import (
    BYOK_KEY,
    PLATFORM_KEY,
    configure,
    endpoint,
    request_for,
    run,
    store_key,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(settings, fake: FakeProvider, fake2: FakeProvider):
    """An OpenAI endpoint (UK) and an Anthropic one (EU), both with platform keys."""
    settings.AI_ENDPOINTS = [
        endpoint("openai-uk", fake.openai_url, region="uk"),
        endpoint("anthropic-eu", fake2.url, kind="anthropic", region="eu"),
    ]
    return fake, fake2


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)


def test_byok_key_goes_in_the_authorization_header_and_nowhere_else(
    platform, alpha: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    openai_fake, _ = platform
    caplog.set_level(logging.DEBUG)
    row = store_key(alpha.workspace, "openai")
    with workspace_scope(alpha.workspace.pk):
        stored = ProviderKey.objects.get(pk=row.pk)
    assert BYOK_KEY not in stored.encrypted_key and stored.last4 == "7Q9Z"

    result = run(request_for(alpha.workspace.pk), on_delta=lambda _chunk: None)

    assert result.key_source == "byok"
    assert openai_fake.last.headers["authorization"] == f"Bearer {BYOK_KEY}"
    assert BYOK_KEY.encode() not in openai_fake.last.body
    assert BYOK_KEY not in _everything_logged(caplog)
    with workspace_scope(alpha.workspace.pk):
        rows = list(AILedgerEntry.objects.values())
    assert rows[0]["key_source"] == "byok"
    assert BYOK_KEY not in repr(rows)


def test_a_refused_byok_key_is_disabled_and_never_silently_replaced(
    platform, alpha: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    openai_fake, anthropic_fake = platform
    caplog.set_level(logging.DEBUG)
    store_key(alpha.workspace, "openai")
    configure(alpha.workspace, allow_offline_fallback=False)
    openai_fake.push(Fault.http(401))

    with pytest.raises(AIUnavailable) as caught:
        run(request_for(alpha.workspace.pk))

    # The platform's Anthropic endpoint would need the platform key: not allowed by default.
    assert anthropic_fake.requests == []
    assert [a.outcome for a in caught.value.attempts] == ["auth"]
    with workspace_scope(alpha.workspace.pk):
        key = ProviderKey.objects.get()
    assert key.status == KeyStatus.REJECTED
    assert "refused this key (HTTP 401) on endpoint platform:openai-uk" in key.status_reason

    # The next call does not even try the refused key, and says why, masked.
    with pytest.raises(AIUnavailable) as caught:
        run(request_for(alpha.workspace.pk))
    assert len(openai_fake.requests) == 1
    assert "your openai key (••••7Q9Z) was refused by the provider" in caught.value.reason
    assert "would need the platform's key, which this workspace does not allow" in (
        caught.value.reason
    )
    assert BYOK_KEY not in caught.value.reason
    assert BYOK_KEY not in _everything_logged(caplog)


def test_platform_keys_only_when_the_workspace_allows_the_fallback(platform, alpha: Tenant) -> None:
    openai_fake, _anthropic_fake = platform
    row = store_key(alpha.workspace, "openai")
    with workspace_scope(alpha.workspace.pk):
        ProviderKey.objects.filter(pk=row.pk).update(status=KeyStatus.REJECTED)
    configure(alpha.workspace, byok_fallback_to_platform=True)

    result = run(request_for(alpha.workspace.pk))

    assert (result.endpoint, result.key_source) == ("platform:openai-uk", "platform")
    assert openai_fake.last.headers["authorization"] == f"Bearer {PLATFORM_KEY}"


def test_a_plan_without_byok_ignores_stored_keys(platform, alpha: Tenant) -> None:
    openai_fake, _ = platform
    store_key(alpha.workspace, "openai")
    from tests.ai.router.helpers import set_plan

    set_plan(alpha.workspace, "pro")
    result = run(request_for(alpha.workspace.pk))
    assert result.key_source == "platform"
    assert openai_fake.last.headers["authorization"] == f"Bearer {PLATFORM_KEY}"


def test_another_workspace_never_uses_or_changes_the_key(
    platform, alpha: Tenant, beta: Tenant
) -> None:
    openai_fake, _ = platform
    store_key(alpha.workspace, "openai")
    with platform_scope("test: snapshot keys"):
        before = list(ProviderKey.objects.unscoped().values())
    openai_fake.push(Fault.http(401))  # beta's call is refused: beta has no key to disable

    result = run(request_for(beta.workspace.pk))

    assert result.key_source == "platform"
    assert openai_fake.requests[0].headers["authorization"] == f"Bearer {PLATFORM_KEY}"
    assert all(BYOK_KEY not in r.headers.get("authorization", "") for r in openai_fake.requests)
    with workspace_scope(beta.workspace.pk):
        assert ProviderKey.objects.count() == 0
        assert AILedgerEntry.objects.filter(key_source="byok").count() == 0
    with platform_scope("test: snapshot keys"):
        assert list(ProviderKey.objects.unscoped().values()) == before


def test_workspace_endpoint_uses_its_byok_key_and_keyless_local_servers(
    fake: FakeProvider, fake2: FakeProvider, alpha: Tenant, beta: Tenant
) -> None:
    from tenants.ai_settings import workspace_endpoint_create

    store_key(alpha.workspace, "anthropic")
    with workspace_scope(alpha.workspace.pk):
        workspace_endpoint_create(
            workspace=alpha.workspace,
            name="our-claude",
            kind="anthropic",
            region="eu",
            model="claude-x",
            base_url=fake.url,
        )
        workspace_endpoint_create(
            workspace=alpha.workspace,
            name="our-vllm",
            kind="openai_compatible",
            region="local",
            model="llama",
            base_url=fake2.openai_url,
        )
    result = run(request_for(alpha.workspace.pk))
    assert (result.endpoint, result.key_source, result.model) == (
        "workspace:our-claude",
        "byok",
        "claude-x",
    )
    assert fake.last.headers["authorization"] == f"Bearer {BYOK_KEY}"

    fake.sticky = Fault.http(500)
    result = run(request_for(alpha.workspace.pk))
    assert (result.endpoint, result.key_source, result.region) == (
        "workspace:our-vllm",
        "none",
        "local",
    )
    assert fake2.last.headers["authorization"] == "Bearer no-key"

    # Another workspace's router never sees these endpoints.
    from tests.ai.router.helpers import set_plan

    set_plan(beta.workspace, "enterprise")
    beta_result = run(request_for(beta.workspace.pk))
    assert beta_result.offline is True


def test_a_key_refused_on_one_endpoint_is_not_sent_to_the_next(
    settings, fake: FakeProvider, fake2: FakeProvider, alpha: Tenant
) -> None:
    settings.AI_ENDPOINTS = [
        endpoint("openai-uk", fake.openai_url, region="uk"),
        endpoint("openai-eu", fake2.openai_url, region="eu"),
    ]
    store_key(alpha.workspace, "openai")
    fake.push(Fault.http(401))
    result = run(request_for(alpha.workspace.pk))
    assert result.offline is True
    assert [a.outcome for a in result.fallback_chain] == ["auth", "ok"]
    assert fake2.requests == []


def test_a_key_that_cannot_be_decrypted_is_a_config_problem_not_an_outage(
    platform, alpha: Tenant
) -> None:
    from cryptography.fernet import Fernet

    from ai.router.breaker import Breaker

    openai_fake, _ = platform
    row = store_key(alpha.workspace, "openai")
    with workspace_scope(alpha.workspace.pk):
        ProviderKey.objects.filter(pk=row.pk).update(
            encrypted_key=Fernet(Fernet.generate_key()).encrypt(b"sk-other").decode()
        )
    result = run(request_for(alpha.workspace.pk))
    assert [a.outcome for a in result.fallback_chain] == ["config", "ok"]
    assert result.offline is True
    assert openai_fake.requests == []
    assert Breaker("platform:openai-uk").state() == "closed"
    with workspace_scope(alpha.workspace.pk):
        assert list(AILedgerEntry.objects.values_list("endpoint", flat=True)) == ["offline"]


def test_a_workspace_endpoint_resolving_into_our_network_is_not_called(
    settings, fake: FakeProvider, alpha: Tenant
) -> None:
    from tenants.ai_models import WorkspaceEndpoint
    from tests.ai.router.helpers import set_plan

    set_plan(alpha.workspace, "enterprise")
    with workspace_scope(alpha.workspace.pk):
        WorkspaceEndpoint.objects.create(
            workspace=alpha.workspace,
            name="sneaky",
            kind="openai_compatible",
            region="uk",
            model="m",
            base_url=fake.openai_url.replace("127.0.0.1", "localhost"),
        )
    settings.AI_WORKSPACE_ENDPOINTS_ALLOW_PRIVATE = False
    result = run(request_for(alpha.workspace.pk))
    assert [(a.endpoint, a.outcome) for a in result.fallback_chain] == [
        ("workspace:sneaky", "config"),
        ("offline", "ok"),
    ]
    assert fake.requests == []
    settings.AI_WORKSPACE_ENDPOINTS_ALLOW_PRIVATE = True
    assert run(request_for(alpha.workspace.pk)).endpoint == "workspace:sneaky"
