"""Summaries (on resolve, in the operators' language) and translation (detected offline)."""

from __future__ import annotations

from typing import Any

import pytest

from ai import services, tasks
from ai.models import ConversationAIState
from chat.models import Conversation
from chat.services import conversation_resolve
from tenants.scope import platform_scope, workspace_scope
from tests.tenants.api_helpers import Tenant

from .helpers import artifacts, configure, ledger, run_pipeline, visitor_message


def test_resolving_enqueues_a_summary_on_commit_that_the_task_fills(
    alpha: Tenant, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        tasks.summarize_conversation, "apply_async", lambda kwargs, queue: sent.append(kwargs)
    )
    message = visitor_message(
        alpha, "My parcel arrived damaged. The box was crushed and the lamp inside is broken."
    )
    with workspace_scope(alpha.workspace.pk):
        conversation = Conversation.objects.get(pk=message.conversation_id)
        with django_capture_on_commit_callbacks(execute=True):
            conversation_resolve(conversation=conversation, actor=alpha.operator)

    [kwargs] = sent
    assert kwargs == {
        "workspace_id": alpha.workspace.pk,
        "conversation_id": conversation.pk,
        "upto_seq": 1,
        "language": "",
        "trigger": "resolve",
    }
    tasks.summarize_conversation(**kwargs)
    [summary] = artifacts(alpha.workspace.pk, kind="summary")
    assert summary.status == "done"
    assert summary.content["trigger"] == "resolve"
    assert summary.content["language"] == "en"
    assert "lamp" in summary.content["summary"]
    assert summary.idempotency_key == f"summary:c{conversation.pk}:s1:en"


def test_summary_on_resolve_can_be_switched_off(alpha: Tenant) -> None:
    configure(alpha, summarize_on_resolve=False)
    message = visitor_message(alpha, "Please cancel my subscription. Thanks")

    result = tasks.summarize_conversation(
        workspace_id=alpha.workspace.pk,
        conversation_id=message.conversation_id,
        upto_seq=1,
        language="",
        trigger="resolve",
    )

    assert result is None
    assert artifacts(alpha.workspace.pk) == []


def test_spanish_visitor_detected_and_marked_untranslated_by_the_offline_provider(
    alpha: Tenant,
) -> None:
    message = visitor_message(alpha, "Hola, ¿dónde está mi pedido? No ha llegado todavía")

    run_pipeline(message)

    with platform_scope("test"):
        state = ConversationAIState.objects.unscoped().get(conversation_id=message.conversation_id)
        language = Conversation.objects.unscoped().get(pk=message.conversation_id).language
    assert (state.visitor_language, language) == ("es", "es")
    [translation] = artifacts(alpha.workspace.pk, kind="translation")
    assert translation.message_id == message.pk
    assert translation.content["source_language"] == "es"
    assert translation.content["target_language"] == "en"
    # The offline provider cannot translate: the text comes back unchanged and says so.
    assert translation.content["untranslated"] is True
    assert translation.content["text"] == message.body
    assert "translation" in [e.feature for e in ledger(alpha.workspace.pk)]


def test_an_english_visitor_is_not_translated(alpha: Tenant) -> None:
    message = visitor_message(alpha, "Hello, where is my order? It has not arrived yet")

    run_pipeline(message)

    assert artifacts(alpha.workspace.pk, kind="translation") == []


def test_reply_translation_needs_a_known_visitor_language_and_fills_a_draft(
    alpha: Tenant, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        tasks.translate_reply, "apply_async", lambda kwargs, queue: sent.append(kwargs)
    )
    message = visitor_message(alpha, "Bonjour, je voudrais un remboursement pour ma commande")
    run_pipeline(message)
    with workspace_scope(alpha.workspace.pk):
        conversation = Conversation.objects.get(pk=message.conversation_id)
        with django_capture_on_commit_callbacks(execute=True):
            pending = services.reply_translation_request(
                conversation=conversation,
                user=alpha.operator.user,
                text="Your refund is on its way",
            )
    assert pending.status == "pending" and pending.language == "fr"
    assert sent == [{"workspace_id": alpha.workspace.pk, "artifact_id": pending.pk}]

    tasks.translate_reply(**sent[0])

    [draft] = artifacts(alpha.workspace.pk, kind="reply_translation")
    assert draft.status == "done"
    assert draft.content["target_language"] == "fr"
    assert draft.content["text"] == "Your refund is on its way"  # offline: unchanged
    assert draft.content["untranslated"] is True
    tasks.translate_reply(**sent[0])  # a redelivered task finds it done
    assert len(artifacts(alpha.workspace.pk, kind="reply_translation")) == 1


def test_a_reviewed_translation_goes_out_labelled_and_records_its_use(
    alpha: Tenant, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(tasks.translate_reply, "apply_async", lambda kwargs, queue: None)
    message = visitor_message(alpha, "Bonjour, je voudrais un remboursement pour ma commande")
    run_pipeline(message)
    with workspace_scope(alpha.workspace.pk):
        conversation = Conversation.objects.get(pk=message.conversation_id)
        draft = services.reply_translation_request(
            conversation=conversation, user=alpha.operator.user, text="Your refund is on its way"
        )
    tasks.translate_reply(workspace_id=alpha.workspace.pk, artifact_id=draft.pk)
    with workspace_scope(alpha.workspace.pk):
        conversation = Conversation.objects.get(pk=message.conversation_id)
        result = services.ai_reply_send(
            conversation=conversation,
            user=alpha.operator.user,
            client_id="op-fr-1",
            body="Votre remboursement est en route",
            translation_artifact_id=draft.pk,
        )

    meta = result.message.ai_metadata
    assert (result.message.sender, meta["generated"], meta["kind"]) == (
        "operator",
        True,
        "translation",
    )
    assert meta["reviewed_by"] == alpha.operator.user.pk
    assert (meta["source_language"], meta["target_language"], meta["edited"]) == ("en", "fr", True)
    from chat.selectors import message_payload

    assert message_payload(result.message)["ai"] == {"generated": True, "label": "Generated by AI"}
    [used] = artifacts(alpha.workspace.pk, kind="reply_translation")
    assert (used.used_message_id, used.used_by_id) == (result.message.pk, alpha.operator.user.pk)
