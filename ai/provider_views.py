"""The workspace's AI settings page (admins): regions, fallbacks, BYOK keys, own endpoints,
platform endpoints with their breaker state, and the latest AI-ledger rows. HTTP in/out only:
forms post back here and call the same services as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ai.ledger import ledger_entries
from tenants import ai_settings, keys
from tenants.ai_models import KeyStatus, ProviderKind, Region
from tenants.api.ai_settings import EndpointOut, settings_payload
from tenants.doors import workspace_view
from tenants.errors import ServiceError
from tenants.models import Role
from tenants.selectors import NotFound


def _post_action(request: HttpRequest) -> None:
    workspace = request.workspace  # type: ignore[attr-defined]
    action = request.POST.get("action", "")
    if action == "regions":
        ai_settings.ai_settings_update(
            region_preference=[
                r.strip() for r in request.POST.get("preference", "").split(",") if r.strip()
            ],
            allowed_regions=request.POST.getlist("allowed"),
            allow_offline_fallback=request.POST.get("allow_offline") == "on",
            byok_fallback_to_platform=request.POST.get("byok_fallback") == "on",
        )
        messages.success(request, "AI regions and fallbacks saved.")
    elif action == "save_key":
        row = keys.provider_key_save(
            workspace=workspace,
            provider=request.POST.get("provider", ""),
            key=request.POST.get("key", ""),
        )
        messages.success(
            request, f"{row.get_provider_display()} key {row.masked} checked and saved."
        )
    elif action == "delete_key":
        keys.provider_key_delete(provider=request.POST.get("provider", ""))
        messages.success(request, "Key deleted.")
    elif action == "add_endpoint":
        ai_settings.workspace_endpoint_create(
            workspace=workspace,
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", ""),
            region=request.POST.get("region", ""),
            model=request.POST.get("model", ""),
            base_url=request.POST.get("base_url", ""),
            **({"api": request.POST["api"]} if request.POST.get("api") else {}),
        )
        messages.success(request, "Endpoint added.")
    elif action == "delete_endpoint":
        ai_settings.workspace_endpoint_delete(
            endpoint=ai_settings.access_workspace_endpoint(request.POST.get("endpoint_id"))
        )
        messages.success(request, "Endpoint deleted.")
    else:
        messages.error(request, "Unknown action.")


@workspace_view(Role.ADMIN)
def ai_settings_page(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            _post_action(request)
        except ServiceError as exc:
            messages.error(request, exc.message)
        except NotFound:
            messages.error(request, "Not found.")
        return redirect("ai-settings", workspace.slug)
    provider_keys = list(ai_settings.provider_keys())
    context: dict[str, Any] = {
        "ai": settings_payload(workspace.byok_allowed),
        "keys": provider_keys,
        "rejected_keys": [k for k in provider_keys if k.status == KeyStatus.REJECTED],
        "endpoints": EndpointOut(ai_settings.workspace_endpoints(), many=True).data,
        "ledger": list(ledger_entries()[:50]),
        "regions": Region.choices,
        "kinds": ProviderKind.choices,
    }
    return render(request, "ai/providers/settings.html", context)
