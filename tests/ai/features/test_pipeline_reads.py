"""The reads at the start of a visitor message's pipeline: one statement for the message and what
the steps decide on (ai.selectors.message_context), one for the transcript, each answering what
the ORM queries they replace answered; and the pipeline reading nothing twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ai import pipeline, selectors
from ai.features import translation
from ai.models import AIFeatureSettings, ConversationAIState
from chat.models import Conversation, Message
from chat.services import message_create
from tenants.scope import workspace_scope
from tests.tenants.api_helpers import Tenant

from .helpers import (
    SAVED_REPLIES,
    ai_snapshot,
    configure,
    enable_agent,
    follow_up,
    run_pipeline,
    seed_saved_replies,
    visitor_message,
)


def _operator_says(message: Message, body: str, client_id: str, *, private: bool) -> None:
    with workspace_scope(message.workspace_id):
        conversation = Conversation.objects.get(pk=message.conversation_id)
        message_create(
            conversation=conversation,
            sender="operator",
            body=body,
            client_id=client_id,
            is_private=private,
        )


def test_message_context_holds_what_the_orm_reads(alpha: Tenant) -> None:
    # given switches, an agent profile, saved replies and an AI state for the conversation
    seed_saved_replies(alpha)
    configure(alpha, translation_enabled=False, operator_language="de")
    profile = enable_agent(alpha, blocked_topics=["lawsuit"], min_confidence=0.7)
    message = visitor_message(alpha, "Hello, where is my parcel?")
    with workspace_scope(alpha.workspace.pk):
        ConversationAIState.objects.create(
            conversation_id=message.conversation_id, visitor_language="en"
        )

        # when the pipeline's first read runs
        with CaptureQueriesContext(connection) as queries:
            context = selectors.message_context(message.pk)

        # then it is one statement, and every value is the ORM's
        assert len(queries.captured_queries) == 1
        assert context is not None
        expected = (
            Message.objects.select_related(
                "conversation__brand",
                "conversation__visitor",
                "conversation__assignee",
                "conversation__ai_state",
            )
            .filter(pk=message.pk)
            .get()
        )
        with CaptureQueriesContext(connection) as later:
            conversation = context.message.conversation
            got = (
                context.message.body,
                context.message.seq,
                conversation.pk,
                conversation.status,
                conversation.brand.name,
                conversation.visitor.name,
                conversation.visitor.email,
                conversation.assignee,
                conversation.ai_state.visitor_language,
                conversation.ai_state.conversation is conversation,
            )
        assert later.captured_queries == []  # everything cached, as select_related leaves it
        assert got == (
            expected.body,
            expected.seq,
            expected.conversation.pk,
            expected.conversation.status,
            expected.conversation.brand.name,
            expected.conversation.visitor.name,
            expected.conversation.visitor.email,
            None,
            "en",
            True,
        )
        assert context.state is not None and context.state.visitor_language == "en"
        stored = AIFeatureSettings.objects.get()
        assert (
            context.settings.pk,
            context.settings.translation_enabled,
            context.settings.operator_language,
            context.settings.agent_enabled,
            context.settings.suggestions_enabled,
        ) == (stored.pk, False, "de", True, True)
        assert context.agent_profile is not None
        assert (
            context.agent_profile.pk,
            context.agent_profile.enabled,
            context.agent_profile.blocked_topics,
            context.agent_profile.min_confidence,
        ) == (profile.pk, True, ["lawsuit"], 0.7)
        assert context.saved_replies == list(
            selectors.saved_replies().values_list("body", flat=True)
        )
        assert sorted(context.saved_replies) == sorted(body for _, body in SAVED_REPLIES)


def test_message_context_without_rows_answers_the_defaults(alpha: Tenant) -> None:
    message = visitor_message(alpha, "Hello, where is my parcel?")
    with workspace_scope(alpha.workspace.pk):
        context = selectors.message_context(message.pk)
    assert context is not None
    assert context.settings.pk is None
    assert context.settings.workspace_id == alpha.workspace.pk
    assert (context.settings.suggestions_enabled, context.settings.operator_language) == (
        True,
        "en",
    )
    assert (context.agent_profile, context.state, context.saved_replies) == (None, None, [])
    with pytest.raises(ConversationAIState.DoesNotExist):
        _ = context.message.conversation.ai_state


def test_message_context_of_another_workspace_is_none_and_changes_nothing(
    alpha: Tenant, beta: Tenant
) -> None:
    seed_saved_replies(beta)
    theirs = visitor_message(beta, "Hello, where is my parcel?")
    before = ai_snapshot()
    with workspace_scope(alpha.workspace.pk):
        assert selectors.message_context(theirs.pk) is None
    assert ai_snapshot() == before


def test_transcript_messages_are_the_orm_rows(alpha: Tenant) -> None:
    first = visitor_message(alpha, "Hello, where is my parcel?")
    _operator_says(first, "Internal: check the carrier", "n-1", private=True)
    _operator_says(first, "Let me check that for you", "o-1", private=False)
    last = follow_up(first, "Thanks!", "v-2")
    with workspace_scope(alpha.workspace.pk):
        conversation = Conversation.objects.get(pk=first.conversation_id)
        for include_private in (True, False):
            for upto_seq, limit in ((last.seq, 30), (last.seq - 1, 30), (last.seq, 2)):
                rows = selectors.transcript_messages(
                    conversation, upto_seq=upto_seq, include_private=include_private, limit=limit
                )
                expected = Message.objects.filter(conversation=conversation, seq__lte=upto_seq)
                if not include_private:
                    expected = expected.filter(is_private=False)
                want = list(expected.order_by("-seq")[:limit])[::-1]
                assert [(m.pk, m.seq, m.body, m.is_private, m.sender) for m in rows] == [
                    (m.pk, m.seq, m.body, m.is_private, m.sender) for m in want
                ]
                assert [m.sender_user_id for m in rows] == [m.sender_user_id for m in want]
                assert [m.sender_user.email if m.sender_user else None for m in rows] == [
                    m.sender_user.email if m.sender_user else None for m in want
                ]


def test_public_transcript_is_the_one_read_without_notes_or_none(alpha: Tenant) -> None:
    first = visitor_message(alpha, "Hello, where is my parcel?")
    _operator_says(first, "Internal: the carrier lost it", "n-1", private=True)
    last = follow_up(first, "Any news?", "v-2")
    with workspace_scope(alpha.workspace.pk):
        conversation = Conversation.objects.get(pk=first.conversation_id)

        def read(include_private: bool, limit: int) -> pipeline.Transcript:
            return pipeline.load_transcript(
                conversation.pk,
                upto_seq=last.seq,
                include_private=include_private,
                limit=limit,
                conversation=conversation,
            )

        # every message up to the trigger is in the window: notes are left out exactly
        public = read(True, 30).public()
        assert public is not None
        reread = read(False, 30)
        assert [m.pk for m in public.messages] == [m.pk for m in reread.messages]
        assert public.known == reread.known
        assert "Internal: the carrier lost it" not in [m.body for m in public.messages]
        # a full window with a note in it cannot say which older public message is missing
        assert read(True, 2).public() is None


def test_language_uses_older_visitor_messages_beyond_the_transcript_window(
    alpha: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given two visitor messages, then more operator replies than the window holds
    first = visitor_message(alpha, "Hallo, wo ist mein Paket? Es ist noch nicht angekommen")
    for index in range(3):
        _operator_says(first, f"Reply {index}", f"o-{index}", private=False)
    last = follow_up(first, "Bitte antworten Sie mir bald", "v-2")
    seen: list[str] = []
    real = translation.detect

    def spy(text: str) -> translation.Detected:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(translation, "detect", spy)
    with workspace_scope(alpha.workspace.pk):
        conversation = Conversation.objects.get(pk=first.conversation_id)
        transcript = pipeline.load_transcript(
            conversation.pk, upto_seq=last.seq, include_private=True, limit=2
        )
        assert transcript.messages[0].body == "Reply 2"

        # when the language is updated from a window that misses the first visitor message
        outcome = translation.visitor_language_update(
            conversation=conversation, message=last, state=None, transcript=transcript
        )

    # then both visitor messages were read and detected together, then the message alone
    assert seen == [f"{first.body}\n{last.body}", last.body]
    assert outcome.conversation == "de"


def test_a_first_message_is_detected_once(alpha: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    message = visitor_message(alpha, "Hallo, wo ist mein Paket? Es ist noch nicht angekommen")
    seen: list[str] = []
    real = translation.detect

    def spy(text: str) -> translation.Detected:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(translation, "detect", spy)

    run_pipeline(message)

    assert seen == [message.body]
    with workspace_scope(alpha.workspace.pk):
        state = ConversationAIState.objects.get(conversation_id=message.conversation_id)
    assert state.visitor_language == "de"


def _statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries]


def test_pipeline_reads_nothing_twice_and_opens_no_savepoint_for_idle_steps(
    alpha: Tenant,
) -> None:
    # given a first message in the operators' language, the agent off for the brand
    seed_saved_replies(alpha)
    message = visitor_message(alpha, "Hi, where is my order? It has not arrived yet")

    with CaptureQueriesContext(connection) as queries:
        outcome = run_pipeline(message)

    assert outcome["suggestions"] is not None
    statements = _statements(queries)

    def count(fragment: str) -> int:
        return sum(fragment in sql for sql in statements)

    # the message, switches, profile, AI state and saved replies: one statement
    assert count('"ai_agentprofile"') == 0
    assert count('"ai_aifeaturesettings"') == 0
    assert count('FROM "ai_savedreply"') == 0
    assert count('FROM "ai_conversationaistate"') == 0
    assert count("FROM ai_aifeaturesettings fs") == 1
    # the transcript once, for the language and the drafts; the workspace row once (the door)
    assert count("FROM chat_message m\n        LEFT JOIN") == 1
    assert count('FROM "tenants_workspace"') == 1
    # the AI state born with its language and the artifact: INSERTs without savepoints of
    # their own; savepoints: the scope's (the test's transaction is open), the language
    # update, the suggestions, the router's ledger row; none for translation or the agent
    assert count("ON CONFLICT") == 2
    assert [sql.startswith("SAVEPOINT") for sql in statements].count(True) == 4


def test_agent_step_reads_the_profile_and_state_of_the_first_statement(
    alpha: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the agent on for the brand
    enable_agent(alpha)
    message = visitor_message(alpha, "Can I talk to a human please?")
    reads: list[Any] = []
    monkeypatch.setattr(selectors, "agent_profile", lambda brand_id: reads.append(brand_id))
    monkeypatch.setattr(selectors, "conversation_state", lambda c: reads.append(c))

    outcome = run_pipeline(message)

    assert outcome["agent"] == "handed_off"
    assert reads == []
