"""Feature switches, suspended workspaces, idempotency and cross-workspace negatives."""

from __future__ import annotations

from ai import tasks
from tenants.models import Workspace
from tests.tenants.api_helpers import Tenant

from .helpers import (
    ai_snapshot,
    artifacts,
    configure,
    enable_agent,
    ledger,
    messages_of,
    run_pipeline,
    seed_saved_replies,
    visitor_message,
)


def test_features_switched_off_produce_nothing(alpha: Tenant) -> None:
    seed_saved_replies(alpha)
    enable_agent(alpha)
    configure(
        alpha,
        suggestions_enabled=False,
        translation_enabled=False,
        agent_enabled=False,
        summaries_enabled=False,
    )
    message = visitor_message(alpha, "Hola, ¿dónde está mi pedido? No ha llegado todavía")

    run_pipeline(message)

    assert artifacts(alpha.workspace.pk) == []
    assert ledger(alpha.workspace.pk) == []
    assert len(messages_of(message.conversation_id)) == 1


def test_suspended_workspace_gets_nothing(alpha: Tenant) -> None:
    seed_saved_replies(alpha)
    enable_agent(alpha)
    message = visitor_message(alpha, "Where is my order? track my order")
    Workspace.objects.filter(pk=alpha.workspace.pk).update(status="suspended")
    before = ai_snapshot()

    assert run_pipeline(message) == {}

    assert ai_snapshot() == before
    assert len(messages_of(message.conversation_id)) == 1


def test_the_same_task_twice_makes_one_artifact_and_one_provider_call(alpha: Tenant) -> None:
    seed_saved_replies(alpha)
    message = visitor_message(alpha, "Where is my order? It has not arrived")

    first = run_pipeline(message)
    second = run_pipeline(message)

    assert first["suggestions"] is not None
    assert second["suggestions"] is None  # found finished: nothing sent again
    assert len(artifacts(alpha.workspace.pk, kind="suggestions")) == 1
    assert [e.feature for e in ledger(alpha.workspace.pk)] == ["suggestions"]


def test_a_task_naming_another_workspace_touches_nothing(alpha: Tenant, beta: Tenant) -> None:
    seed_saved_replies(alpha)
    seed_saved_replies(beta)
    message = visitor_message(alpha, "Where is my order? It has not arrived")
    before = ai_snapshot()

    outcome = tasks.on_message(workspace_id=beta.workspace.pk, message_id=message.pk)

    assert outcome == {}
    assert ai_snapshot() == before
    summary = tasks.summarize_conversation(
        workspace_id=beta.workspace.pk,
        conversation_id=message.conversation_id,
        upto_seq=1,
        language="en",
        trigger="request",
    )
    assert summary is None
    assert ai_snapshot() == before
