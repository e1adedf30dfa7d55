"""`make run`'s demo seeds what the AI features need with no provider key."""

from __future__ import annotations

import pytest

from ai.models import AgentProfile, AIFeatureSettings, SavedReply
from tenants.demo import seed_demo
from tenants.models import Workspace
from tenants.scope import workspace_scope

pytestmark = pytest.mark.django_db


def test_demo_has_saved_replies_and_the_agent_on_for_its_brand() -> None:
    assert seed_demo() is True
    acme = Workspace.objects.get(slug="acme")
    with workspace_scope(acme.pk):
        assert SavedReply.objects.count() == 5
        [profile] = AgentProfile.objects.all()
        assert profile.enabled is True and profile.brand.name == "Acme Store"
        assert profile.blocked_topics == ["Globex"]


def test_a_demo_seeded_before_the_ai_features_gets_them_once() -> None:
    assert seed_demo() is True
    acme = Workspace.objects.get(slug="acme")
    with workspace_scope(acme.pk):
        AgentProfile.objects.all().delete()
        SavedReply.objects.all().delete()
        AIFeatureSettings.objects.all().delete()

    assert seed_demo() is False
    assert seed_demo() is False

    with workspace_scope(acme.pk):
        assert SavedReply.objects.count() == 5
        assert AgentProfile.objects.get().enabled is True
