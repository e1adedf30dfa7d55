"""Smart Suggestions through the real router with the built-in offline provider (no keys are
configured in tests): saved replies ranked against the visitor's message, re-hydrated."""

from __future__ import annotations

from ai.models.artifacts import ArtifactStatus
from tests.tenants.api_helpers import Tenant

from .helpers import artifacts, ledger, run_pipeline, seed_saved_replies, visitor_message


def test_visitor_message_gets_up_to_three_drafts_from_saved_replies(alpha: Tenant) -> None:
    seed_saved_replies(alpha)
    message = visitor_message(alpha, "Hi, where is my order? It has not arrived yet")

    outcome = run_pipeline(message)

    [artifact] = artifacts(alpha.workspace.pk, kind="suggestions")
    assert outcome["suggestions"] == artifact.pk
    assert artifact.status == ArtifactStatus.DONE
    assert artifact.message_id == message.pk
    assert artifact.idempotency_key == f"suggestions:m{message.pk}"
    drafts = artifact.content["drafts"]
    assert drafts[0] == "You can track your order from the link in your confirmation email."
    assert 1 <= len(drafts) <= 3
    assert (artifact.provider, artifact.region, artifact.offline) == ("offline", "local", True)
    assert artifact.endpoint == "offline"
    assert artifact.latency_ms is not None and artifact.latency_ms >= 0
    assert isinstance(artifact.fallback_chain, list)
    assert [e.feature for e in ledger(alpha.workspace.pk)] == ["suggestions"]
