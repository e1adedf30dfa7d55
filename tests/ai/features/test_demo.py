"""`make run`'s demo seeds what the AI features need with no provider key."""

from __future__ import annotations

import pytest

from ai.models import AgentProfile, SavedReply
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
