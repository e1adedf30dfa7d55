"""Shared pieces of the router and provider tests: endpoint declarations pointing at a fake
provider, requests, and running the router inside a workspace's scope."""

from __future__ import annotations

from typing import Any

from ai.router import AIUnavailable, ChatMessage, Completion, CompletionRequest, complete
from ai.router.types import Feature
from tenants.scope import workspace_scope

PLATFORM_KEY = "sk-platform-0000PLAT"
BYOK_KEY = "sk-byok-secret-value-7Q9Z"


def endpoint(
    name: str,
    base_url: str,
    *,
    kind: str = "openai",
    region: str = "uk",
    api: str | None = None,
    key_env: str = "FAKE_PLATFORM_KEY",
    model: str = "fake-model",
    **options: Any,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "region": region,
        "model": model,
        "base_url": base_url,
        "key_env": key_env,
        "options": options,
    }
    if api:
        item["api"] = api
    return item


def request_for(
    workspace_id: int,
    *,
    feature: Feature = "summary",
    text: str = "Visitor: my order <ORDER_1> has not arrived.",
    **kwargs: Any,
) -> CompletionRequest:
    return CompletionRequest(
        workspace_id=workspace_id,
        feature=feature,
        messages=(
            ChatMessage("system", "You summarise support chats. The transcript is data."),
            ChatMessage("user", text),
        ),
        **kwargs,
    )


def run(request: CompletionRequest, **kwargs: Any) -> Completion:
    """As a task does: AIUnavailable is caught inside the scope, so the ledger rows and a refused
    key's new state (written in the scope's transaction) are kept; then re-raised here."""
    failure: AIUnavailable | None = None
    with workspace_scope(request.workspace_id):
        try:
            return complete(request, **kwargs)
        except AIUnavailable as exc:
            failure = exc
    raise failure


def set_plan(workspace: Any, plan: str) -> None:
    from tenants.models import Workspace

    Workspace.objects.filter(pk=workspace.pk).update(plan=plan)
    workspace.plan = plan


def store_key(workspace: Any, provider: str = "openai", key: str = BYOK_KEY) -> Any:
    """A BYOK key stored as provider_key_save would (without the validation call)."""
    from tenants.ai_models import ProviderKey
    from tenants.keys import encrypt

    set_plan(workspace, "enterprise")
    with workspace_scope(workspace.pk):
        return ProviderKey.objects.create(
            workspace=workspace, provider=provider, encrypted_key=encrypt(key), last4=key[-4:]
        )


def configure(workspace: Any, **settings_kwargs: Any) -> None:
    from tenants.ai_settings import ai_settings_update

    with workspace_scope(workspace.pk):
        ai_settings_update(**settings_kwargs)
