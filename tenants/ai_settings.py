"""Selectors and services for a workspace's AI settings: region preference and allowed
regions, fallbacks, its own provider endpoints, and the listing of its BYOK keys (the keys'
writes live in tenants/keys.py). Everything here runs inside the workspace scope."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from .ai_models import (
    DEFAULT_REGION_PREFERENCE,
    ProviderKey,
    ProviderKind,
    Region,
    WorkspaceAISettings,
    WorkspaceEndpoint,
)
from .errors import Conflict, Forbidden, ServiceError
from .models import Workspace
from .scope import current_workspace_id
from .selectors import NotFound


@dataclass(frozen=True)
class AISettings:
    region_preference: tuple[str, ...]
    allowed_regions: frozenset[str]
    allow_offline_fallback: bool
    byok_fallback_to_platform: bool

    def ordered_allowed(self) -> list[str]:
        """Allowed regions in preference order (allowed ones missing from the order go last)."""
        ordered = [r for r in self.region_preference if r in self.allowed_regions]
        return ordered + sorted(self.allowed_regions.difference(ordered))


DEFAULTS = AISettings(
    region_preference=tuple(DEFAULT_REGION_PREFERENCE),
    allowed_regions=frozenset(DEFAULT_REGION_PREFERENCE),
    allow_offline_fallback=True,
    byok_fallback_to_platform=False,
)


def ai_settings_for_workspace() -> AISettings:
    row = WorkspaceAISettings.objects.first()
    if row is None:
        return DEFAULTS
    return AISettings(
        region_preference=tuple(row.region_preference),
        allowed_regions=frozenset(row.allowed_regions),
        allow_offline_fallback=row.allow_offline_fallback,
        byok_fallback_to_platform=row.byok_fallback_to_platform,
    )


def _regions(values: Any, field: str) -> list[str]:
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        raise ServiceError("Give a list of regions.", details={field: "must be a list"})
    unknown = sorted(set(values) - set(Region.values))
    if unknown:
        raise ServiceError(
            f"Unknown region(s): {', '.join(unknown)}.", details={field: Region.values}
        )
    if len(set(values)) != len(values):
        raise ServiceError("A region is listed twice.", details={field: "duplicate"})
    return list(values)


def ai_settings_update(
    *,
    region_preference: list[str] | None = None,
    allowed_regions: list[str] | None = None,
    allow_offline_fallback: bool | None = None,
    byok_fallback_to_platform: bool | None = None,
) -> AISettings:
    current = ai_settings_for_workspace()
    preference = (
        _regions(region_preference, "region_preference")
        if region_preference is not None
        else list(current.region_preference)
    )
    allowed = (
        _regions(allowed_regions, "allowed_regions")
        if allowed_regions is not None
        else sorted(current.allowed_regions)
    )
    row, _ = WorkspaceAISettings.objects.select_for_update().get_or_create(
        workspace_id=current_workspace_id()
    )
    row.region_preference = preference
    row.allowed_regions = allowed
    if allow_offline_fallback is not None:
        row.allow_offline_fallback = allow_offline_fallback
    if byok_fallback_to_platform is not None:
        row.byok_fallback_to_platform = byok_fallback_to_platform
    row.save()
    return ai_settings_for_workspace()


def provider_keys() -> QuerySet[ProviderKey]:
    return ProviderKey.objects.all()


def workspace_endpoints() -> QuerySet[WorkspaceEndpoint]:
    return WorkspaceEndpoint.objects.all()


def access_workspace_endpoint(endpoint_id: object) -> WorkspaceEndpoint:
    try:
        return WorkspaceEndpoint.objects.get(pk=int(str(endpoint_id)))
    except (WorkspaceEndpoint.DoesNotExist, ValueError, OverflowError):
        raise NotFound from None


def _check_base_url(url: str) -> None:
    """Workspace endpoints are called from our workers: refuse URLs into our own network
    (loopback, private, link-local) unless the platform allows it (local development, tests)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("https", "http") or not parsed.hostname:
        raise ServiceError("The base URL must be an http(s) URL.", details={"base_url": url})
    if settings.AI_WORKSPACE_ENDPOINTS_ALLOW_PRIVATE:
        return
    if parsed.scheme != "https":
        raise ServiceError("The base URL must use https.", details={"base_url": "https only"})
    host = parsed.hostname
    if host == "localhost" or host.endswith((".localhost", ".internal", ".local")):
        raise ServiceError("That host is not reachable from SupportDesk.", code="invalid")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    if not address.is_global:
        raise ServiceError("That address is not reachable from SupportDesk.", code="invalid")


OPTION_NAMES = frozenset(
    {"timeout", "api_version", "deployment", "aws_region", "project_id", "gcp_region"}
)


def endpoint_address_allowed(url: str) -> bool:
    """At call time, for a workspace's own endpoint: does its host resolve only to public
    addresses? (A name saved as public may later resolve into our network.)"""
    if settings.AI_WORKSPACE_ENDPOINTS_ALLOW_PRIVATE:
        return True
    parsed = urlparse(url)
    host = parsed.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parsed.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return True  # unresolvable: the HTTP client fails with a connection error anyway
    return all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_global for info in infos)


ENDPOINT_FIELDS = ("kind", "region", "model", "base_url", "api", "options", "enabled")


def _validate_endpoint(data: dict[str, Any]) -> None:
    if data.get("kind") not in ProviderKind.values:
        raise ServiceError("Unknown provider kind.", details={"kind": ProviderKind.values})
    if data.get("region") not in Region.values:
        raise ServiceError("Unknown region.", details={"region": Region.values})
    anthropic_kinds = {"anthropic", "bedrock", "vertex"}
    apis = {"messages"} if data["kind"] in anthropic_kinds else {"chat", "responses"}
    if data["kind"] == "azure_openai":
        apis = {"chat"}
    if data.get("api") not in apis:
        raise ServiceError(f"{data['kind']} endpoints speak {sorted(apis)}.", code="invalid")
    options = data.get("options") or {}
    if not isinstance(options, dict) or set(options) - OPTION_NAMES:
        raise ServiceError("Unknown endpoint option.", details={"options": sorted(OPTION_NAMES)})
    timeout = options.get("timeout", 20)
    if (
        not isinstance(timeout, (int, float))
        or isinstance(timeout, bool)
        or not 0.5 <= timeout <= 120
    ):
        raise ServiceError("options.timeout is a number of seconds, 0.5 to 120.", code="invalid")
    if not all(isinstance(v, (str, int, float)) for v in options.values()):
        raise ServiceError("Endpoint options are strings or numbers.", code="invalid")
    _check_base_url(str(data.get("base_url", "")))


def workspace_endpoint_create(*, workspace: Workspace, name: str, **data: Any) -> WorkspaceEndpoint:
    if not workspace.byok_allowed:
        raise Forbidden(
            "Your own provider endpoints are part of the Enterprise plan.",
            code="byok_not_in_plan",
        )
    data.setdefault(
        "api", "messages" if data.get("kind") in {"anthropic", "bedrock", "vertex"} else "chat"
    )
    _validate_endpoint(data)
    try:
        with transaction.atomic():
            return WorkspaceEndpoint.objects.create(
                name=name, **{k: v for k, v in data.items() if k in ENDPOINT_FIELDS}
            )
    except IntegrityError:
        raise Conflict("An endpoint with that name already exists.") from None


def workspace_endpoint_update(*, endpoint: WorkspaceEndpoint, **data: Any) -> WorkspaceEndpoint:
    merged = {f: getattr(endpoint, f) for f in ENDPOINT_FIELDS}
    merged.update({k: v for k, v in data.items() if k in ENDPOINT_FIELDS})
    _validate_endpoint(merged)
    for field, value in merged.items():
        setattr(endpoint, field, value)
    endpoint.save()
    return endpoint


def workspace_endpoint_delete(*, endpoint: WorkspaceEndpoint) -> None:
    endpoint.delete()
