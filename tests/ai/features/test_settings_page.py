"""The AI features page /w/<slug>/ai/ (admins): switches, the agent per brand, saved replies."""

from __future__ import annotations

import pytest
from django.test import Client

from ai.models import AgentProfile, AIFeatureSettings, SavedReply
from tenants.scope import workspace_scope
from tests.tenants.api_helpers import Tenant

from .helpers import ai_snapshot

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_admins_switch_features_configure_the_agent_and_manage_saved_replies(
    alpha: Tenant,
) -> None:
    client = _client(alpha.admin.user)
    url = "/w/alpha/ai/"
    assert client.get(url).status_code == 200

    client.post(url, {"action": "features", "suggestions_enabled": "on", "operator_language": "fr"})
    agent = {
        "action": "agent",
        "brand_id": alpha.brand.pk,
        "enabled": "on",
        "instructions": "Answer about orders only.",
        "tone": "formal",
        "blocked_topics": "Globex, legal advice",
        "min_confidence": "0.7",
        "max_replies": "4",
    }
    assert client.post(url, agent).status_code == 302
    assert (
        client.post(url, {"action": "reply_add", "title": "Hi", "body": "Hello!"}).status_code
        == 302
    )

    with workspace_scope(alpha.workspace.pk):
        settings = AIFeatureSettings.objects.get()
        assert (settings.suggestions_enabled, settings.translation_enabled) == (True, False)
        assert settings.operator_language == "fr"
        profile = AgentProfile.objects.get()
        assert (profile.enabled, profile.tone, profile.max_replies) == (True, "formal", 4)
        assert profile.blocked_topics == ["Globex", "legal advice"]
        reply = SavedReply.objects.get()
    page = client.get(url).content.decode()
    assert "Hello!" in page and "Answer about orders only." in page
    client.post(url, {"action": "reply_delete", "id": reply.pk})
    with workspace_scope(alpha.workspace.pk):
        assert not SavedReply.objects.exists()


def test_operators_and_other_workspaces_cannot_change_anything(alpha: Tenant, beta: Tenant) -> None:
    before = ai_snapshot()
    assert (
        _client(alpha.operator.user).post("/w/alpha/ai/", {"action": "features"}).status_code == 403
    )
    foreign = _client(beta.admin.user)
    assert foreign.get("/w/alpha/ai/").status_code == 404
    response = foreign.post(
        "/w/beta/ai/", {"action": "agent", "brand_id": alpha.brand.pk, "enabled": "on"}
    )
    assert response.status_code == 400  # alpha's brand is not found from beta
    assert ai_snapshot() == before


def test_a_bad_value_is_explained_on_the_page(alpha: Tenant) -> None:
    client = _client(alpha.admin.user)
    response = client.post("/w/alpha/ai/", {"action": "reply_add", "title": "", "body": "x"})
    assert response.status_code == 400
    assert "title" in response.content.decode()
