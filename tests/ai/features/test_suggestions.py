"""Smart Suggestions through the real router with the built-in offline provider (no keys are
configured in tests): saved replies ranked against the visitor's message, re-hydrated."""

from __future__ import annotations

from typing import Any

import pytest

from ai.models.artifacts import ArtifactStatus
from chat import events as chat_events
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


def test_drafts_go_out_before_the_inbox_row_update(
    alpha: Tenant, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a conversation's first message (its language becomes known: the inbox row changes)
    seed_saved_replies(alpha)
    message = visitor_message(alpha, "Hi, where is my order? It has not arrived yet")
    sent: list[str] = []

    def record(group: str, event: dict[str, Any]) -> None:
        sent.append(event.get("frame", {}).get("type") or event["type"])

    monkeypatch.setattr(chat_events, "_send_now", record)

    # when the pipeline's transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        run_pipeline(message)

    # then, after the previews streamed meanwhile, the operators get the language and the drafts
    # first and the inbox row once, after them
    assert sent == ["ai.suggestions.delta", "ai.language", "ai.suggestions", "chat.inbox"]
