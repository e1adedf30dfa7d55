"""Endpoint declarations: the platform's (``settings.AI_ENDPOINTS``) and a workspace's own.

``AI_ENDPOINTS`` is a JSON list read from the environment variable of the same name; each item:

    {"name": "azure-uksouth", "kind": "azure_openai", "region": "uk", "model": "gpt-4.1-mini",
     "base_url": "https://<resource>.openai.azure.com", "key_env": "AZURE_OPENAI_UKSOUTH_KEY",
     "api": "chat", "options": {"api_version": "2024-10-21", "deployment": "gpt-41-mini"}}

``key_env`` names the environment variable holding the key; it is read per call, so a key
rotated in the environment needs no restart of the code path (only of the process env). An
endpoint whose ``key_env`` is set but empty is not configured and is skipped. ``key_env: ""``
means "no key" (a self-hosted ``openai_compatible`` server).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ai.providers.base import Endpoint
from tenants.ai_models import ProviderKind, Region, WorkspaceEndpoint

KINDS = frozenset(ProviderKind.values)
REGIONS = frozenset(Region.values)
APIS = {"openai": {"chat", "responses"}, "openai_compatible": {"chat", "responses"}}


def _endpoint_from_dict(item: dict[str, Any]) -> Endpoint:
    missing = [k for k in ("name", "kind", "region", "model") if not item.get(k)]
    if missing:
        raise ImproperlyConfigured(f"AI_ENDPOINTS item {item.get('name', '?')!r} lacks {missing}.")
    kind, region = str(item["kind"]), str(item["region"])
    if kind not in KINDS:
        raise ImproperlyConfigured(f"AI_ENDPOINTS: unknown kind {kind!r} (one of {sorted(KINDS)}).")
    if region not in REGIONS:
        raise ImproperlyConfigured(f"AI_ENDPOINTS: unknown region {region!r}.")
    default_api = "messages" if kind in {"anthropic", "bedrock", "vertex"} else "chat"
    api = str(item.get("api", default_api))
    if api not in APIS.get(kind, {default_api}):
        raise ImproperlyConfigured(f"AI_ENDPOINTS: {kind} endpoints do not speak api {api!r}.")
    name = str(item["name"])
    return Endpoint(
        ref=f"platform:{name}",
        name=name,
        kind=kind,
        region=region,
        model=str(item["model"]),
        base_url=str(item.get("base_url", "")),
        api=api,
        options=dict(item.get("options") or {}),
        key_env=str(item.get("key_env", "")),
        owner="platform",
        breaker_key=f"platform:{name}",
    )


def platform_endpoints() -> list[Endpoint]:
    """Every endpoint declared in settings, in declaration order."""
    raw = settings.AI_ENDPOINTS
    if not isinstance(raw, list):
        raise ImproperlyConfigured("AI_ENDPOINTS must be a JSON list of endpoint objects.")
    endpoints = [_endpoint_from_dict(dict(item)) for item in raw]
    names = [e.name for e in endpoints]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured("AI_ENDPOINTS: endpoint names must be unique.")
    return endpoints


def platform_key(endpoint: Endpoint) -> str | None:
    """The platform key for ``endpoint``, read now; "" when it needs none, None when unset."""
    if not endpoint.key_env:
        return ""
    # Keys mounted from files often end in a newline: an HTTP client would refuse the header
    # (and some put the value in the error message).
    return os.environ.get(endpoint.key_env, "").strip() or None


def workspace_endpoint(row: WorkspaceEndpoint) -> Endpoint:
    return Endpoint(
        ref=f"workspace:{row.name}",
        name=row.name,
        kind=row.kind,
        region=row.region,
        model=row.model,
        base_url=row.base_url,
        api=row.api,
        options=dict(row.options or {}),
        owner="workspace",
        breaker_key=f"workspace:{row.workspace_id}:{row.name}",
    )


OFFLINE = Endpoint(
    ref="offline",
    name="offline",
    kind="offline",
    region="local",
    model="offline-extractive-1",
    owner="platform",
    breaker_key="",
)
