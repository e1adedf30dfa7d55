"""Which endpoints a request may use, in which order, with which key.

Rules (all per workspace, read inside its scope):
- only endpoints whose region is allowed; ordered by the workspace's region preference, its own
  endpoints before the platform's within a region, then declaration order;
- a workspace's own endpoints (Enterprise plan) use its BYOK key of that kind (a keyless
  ``openai_compatible`` server needs none);
- platform endpoints use the workspace's active BYOK key of that kind when it has one;
- a workspace with any BYOK key is in BYOK mode: platform keys are used only when it allowed
  ``byok_fallback_to_platform``; a refused (disabled) BYOK key is never silently replaced;
- platform endpoints whose key environment variable is unset are not configured: skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ai.providers.base import Endpoint
from tenants.ai_models import KeyStatus, ProviderKey, WorkspaceEndpoint
from tenants.ai_settings import AISettings, ai_settings_for_workspace
from tenants.keys import mask, provider_key_plaintext
from tenants.models import Workspace

from .endpoints import platform_endpoints, platform_key, workspace_endpoint


@dataclass(frozen=True)
class Candidate:
    endpoint: Endpoint
    key_source: str  # platform | byok | none
    #: Loads the key only when the endpoint is actually called (decrypts per call).
    load_key: Callable[[], str]
    provider_key_id: int | None = None


@dataclass
class Plan:
    settings: AISettings
    candidates: list[Candidate] = field(default_factory=list)
    #: Endpoints passed over because of keys, with a reason safe to show an admin.
    key_problems: list[str] = field(default_factory=list)
    #: Regions of configured endpoints the workspace does not allow.
    disallowed_regions: set[str] = field(default_factory=set)
    offline_allowed: bool = False


def _byok(row: ProviderKey) -> Callable[[], str]:
    return lambda: provider_key_plaintext(row)


def plan_for(workspace: Workspace, *, allow_offline: bool) -> Plan:
    ai = ai_settings_for_workspace()
    plan = Plan(settings=ai, offline_allowed=ai.allow_offline_fallback and allow_offline)
    keys: dict[str, ProviderKey] = {}
    own: list[Endpoint] = []
    if workspace.byok_allowed:
        keys = {k.provider: k for k in ProviderKey.objects.all()}
        own = [workspace_endpoint(r) for r in WorkspaceEndpoint.objects.filter(enabled=True)]
    byok_mode = bool(keys)
    order = {region: i for i, region in enumerate(ai.ordered_allowed())}
    ranked = sorted(
        enumerate([*own, *platform_endpoints()]), key=lambda p: (order.get(p[1].region, 99), p[0])
    )
    for _, endpoint in ranked:
        key = keys.get(endpoint.kind)
        if endpoint.owner == "platform" and key is None and not _platform_ready(endpoint):
            continue  # not configured on this platform
        if endpoint.region not in order:
            plan.disallowed_regions.add(endpoint.region)
            continue
        if key is not None and key.status == KeyStatus.ACTIVE:
            plan.candidates.append(Candidate(endpoint, "byok", _byok(key), key.pk))
            continue
        if key is not None:
            _problem(
                plan,
                f"your {key.provider} key ({mask(key.last4)}) was refused by the provider: "
                "save a valid key in AI settings",
            )
        if endpoint.owner == "workspace":
            if key is None and endpoint.kind == "openai_compatible":
                plan.candidates.append(Candidate(endpoint, "none", lambda: ""))
            elif key is None:
                _problem(plan, f"{endpoint.ref} has no {endpoint.kind} key saved")
            continue
        if byok_mode and not ai.byok_fallback_to_platform:
            if key is None:
                _problem(
                    plan,
                    f"{endpoint.ref} would need the platform's key, which this workspace does "
                    "not allow",
                )
            continue
        if _platform_ready(endpoint):
            plan.candidates.append(Candidate(endpoint, _platform_source(endpoint), _env(endpoint)))
    return plan


def _problem(plan: Plan, message: str) -> None:
    if message not in plan.key_problems:
        plan.key_problems.append(message)


def _platform_ready(endpoint: Endpoint) -> bool:
    return platform_key(endpoint) is not None


def _platform_source(endpoint: Endpoint) -> str:
    return "platform" if endpoint.key_env else "none"


def _env(endpoint: Endpoint) -> Callable[[], str]:
    return lambda: platform_key(endpoint) or ""
