"""The AI settings page: /w/<slug>/ai/ (admins): feature switches, the AI agent of each brand
(instructions, tone, guardrails) and saved replies. HTTP in/out only; writes go through
ai.services, errors come back as a message on the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from ai import selectors, services
from ai.models.features import AgentTone
from ai.prompts import LANGUAGE_NAMES
from ai.services import FEATURE_FIELDS
from tenants.doors import workspace_view
from tenants.errors import ServiceError
from tenants.models import Role
from tenants.selectors import NotFound, access_brand, brands_for_workspace

FEATURE_LABELS = {
    "suggestions_enabled": "Smart suggestions (reply drafts for operators)",
    "summaries_enabled": "Chat summaries (on demand)",
    "summarize_on_resolve": "Summarise automatically when a conversation is resolved",
    "translation_enabled": "Translation (visitor messages for operators, replies on request)",
    "agent_enabled": "AI agent (only brands switched on below answer visitors)",
}


def _act(request: HttpRequest) -> None:
    action = request.POST.get("action", "")
    if action == "features":
        changes: dict[str, Any] = {name: name in request.POST for name in FEATURE_FIELDS}
        changes["operator_language"] = request.POST.get("operator_language", "en")
        services.feature_settings_update(**changes)
    elif action == "agent":
        brand = access_brand(request.POST.get("brand_id"))
        topics = [t.strip() for t in request.POST.get("blocked_topics", "").split(",")]
        try:
            min_confidence = float(request.POST.get("min_confidence", "0.55"))
            max_replies = int(request.POST.get("max_replies", "6"))
        except ValueError:
            raise ServiceError("Confidence is a number, answers a whole number.") from None
        services.agent_profile_update(
            brand=brand,
            enabled="enabled" in request.POST,
            instructions=request.POST.get("instructions", ""),
            tone=request.POST.get("tone", AgentTone.FRIENDLY),
            blocked_topics=[t for t in topics if t],
            min_confidence=min_confidence,
            max_replies=max_replies,
        )
    elif action == "reply_add":
        services.saved_reply_create(
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            user=request.membership.user,  # type: ignore[attr-defined]
        )
    elif action == "reply_delete":
        services.saved_reply_delete(reply=selectors.access_saved_reply(request.POST.get("id")))
    else:
        raise ServiceError("Unknown action.")


@workspace_view(Role.ADMIN)
def ai_settings(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    error = ""
    if request.method == "POST":
        try:
            _act(request)
        except NotFound:
            error = "That item does not exist (any more)."
        except ServiceError as exc:
            error = exc.message
        else:
            return HttpResponseRedirect(reverse("ai-features", args=[workspace.slug]))
    settings = selectors.feature_settings()
    profiles = {p.brand_id: p for p in selectors.agent_profiles()}
    return render(
        request,
        "ai/features/settings.html",
        {
            "error": error,
            "features": [
                (name, label, getattr(settings, name)) for name, label in FEATURE_LABELS.items()
            ],
            "operator_language": settings.operator_language,
            "languages": sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1]),
            "tones": AgentTone.choices,
            "agents": [(b, profiles.get(b.pk)) for b in brands_for_workspace()],
            "replies": list(selectors.saved_replies()),
        },
        status=400 if error else 200,
    )
