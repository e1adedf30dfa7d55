"""What reaches a provider, seen from a real HTTP server (tests/ai/fake_provider.py) that the
real OpenAI SDK calls through the router:

- across a generated corpus of PII-laden visitor messages (bench/redaction/corpus.py, dev
  family), the fake provider received none of the personal values, nor the participants' names,
  emails or logins, through any feature (agent, suggestions, summary);
- when redaction fails, nothing at all is sent (fail-closed) and the operators see why;
- placeholders in the provider's answer are re-hydrated for operators, and an invented one is
  never turned into someone's data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from ai import tasks
from ai.models.artifacts import ArtifactStatus
from bench.redaction.corpus import generate
from chat.models import Conversation
from tenants.scope import workspace_scope
from tests.ai.fake_provider import FakeProvider
from tests.ai.features.helpers import (
    artifacts,
    enable_agent,
    ledger,
    run_pipeline,
    seed_saved_replies,
    visitor_message,
)
from tests.chat.helpers import open_session, visitor_says
from tests.tenants.api_helpers import Tenant

pytestmark = pytest.mark.django_db

CORPUS_SEED = 7
CONVERSATIONS = 30


@pytest.fixture
def fake(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    with FakeProvider() as server:
        monkeypatch.setenv("FAKE_PLATFORM_KEY", "sk-fake-platform-0000")
        settings.AI_ENDPOINTS = [
            {
                "name": "fake-uk",
                "kind": "openai",
                "region": "uk",
                "model": "fake-model",
                "base_url": server.openai_url,
                "key_env": "FAKE_PLATFORM_KEY",
            }
        ]
        yield server


def _sent_texts(fake: FakeProvider) -> list[str]:
    texts = []
    for request in fake.requests:
        for message in (request.json or {}).get("messages", []):
            content = message.get("content")
            if isinstance(content, str):
                texts.append(content)
            elif isinstance(content, list):
                texts.extend(str(part.get("text", "")) for part in content)
    return texts


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def test_no_personal_data_from_a_generated_corpus_reaches_the_provider(
    alpha: Tenant, fake: FakeProvider
) -> None:
    seed_saved_replies(alpha)
    enable_agent(alpha)
    fake.reply = json.dumps({"handoff": True, "reason": "test"})  # agent, then suggestions run
    corpus = [m for m in generate(400, CORPUS_SEED, "dev") if m.speaker == "visitor" and m.has_pii]
    corpus = corpus[:CONVERSATIONS]
    assert len(corpus) == CONVERSATIONS
    personal: set[str] = set()
    user_model = get_user_model()
    for index, item in enumerate(corpus):
        name, email, operator = item.known[0], item.known[1], item.known[2]
        first, _, last = operator.partition(" ")
        username = item.known[3] if len(item.known) > 3 else f"op-{index}"
        assignee = user_model.objects.create(
            username=username, first_name=first, last_name=last, email=f"op{index}@acme.test"
        )
        session = open_session(alpha.brand, name=name, email=email)
        message = visitor_says(session, item.text, f"c-{index}")
        with workspace_scope(alpha.workspace.pk):
            Conversation.objects.filter(pk=message.conversation_id).update(assignee=assignee)
        run_pipeline(message)
        tasks.summarize_conversation(
            workspace_id=alpha.workspace.pk,
            conversation_id=message.conversation_id,
            upto_seq=message.seq,
            language="en",
            trigger="request",
        )
        personal.update(item.text[g.start : g.end] for g in item.gold)
        personal.update(v for v in item.known if len(v) >= 3)

    features = sorted({e.feature for e in ledger(alpha.workspace.pk)})
    assert features == ["agent", "suggestions", "summary"]
    # Every conversation: suggestions and a summary; the agent too unless the visitor's text
    # already asked for a person (then it hands off without a call).
    assert 2 * CONVERSATIONS < len(fake.requests) <= 3 * CONVERSATIONS
    assert len(fake.requests) == len(ledger(alpha.workspace.pk))
    sent = _norm("\n".join(_sent_texts(fake)))
    assert "<person_" in sent and "<email_address_" in sent  # redacted, not dropped
    leaked = sorted(v for v in personal if re.search(rf"(?<!\w){re.escape(_norm(v))}(?!\w)", sent))
    assert leaked == []


def test_redaction_failure_sends_nothing_and_says_why(
    alpha: Tenant, fake: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_saved_replies(alpha)
    enable_agent(alpha)
    message = visitor_message(alpha, "Hi, I am Jane Doe, call me on 07700 900123")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("recognizer crashed")

    monkeypatch.setattr("redaction.engine.redact_batch", broken)
    run_pipeline(message)
    tasks.summarize_conversation(
        workspace_id=alpha.workspace.pk,
        conversation_id=message.conversation_id,
        upto_seq=message.seq,
        language="en",
        trigger="request",
    )

    assert fake.requests == []
    assert ledger(alpha.workspace.pk) == []
    by_kind = {a.kind: a for a in artifacts(alpha.workspace.pk)}
    assert by_kind["suggestions"].status == ArtifactStatus.BLOCKED
    assert by_kind["summary"].status == ArtifactStatus.BLOCKED
    assert "nothing was sent" in by_kind["summary"].error
    agent = by_kind["agent_reply"]
    assert agent.status == ArtifactStatus.BLOCKED
    assert agent.content["reason"] == "redaction_failed"  # handed off to a person


def test_placeholders_come_back_for_operators_and_invented_ones_stay_redacted(
    alpha: Tenant, fake: FakeProvider
) -> None:
    message = visitor_message(
        alpha, "Hi, I am Jane Doe, my email is jane.doe@example.com", name="Jane Doe"
    )
    fake.reply = json.dumps(
        ["Thanks <PERSON_1>, we will write to <EMAIL_ADDRESS_1>.", "Hello <PERSON_7>!"]
    )

    run_pipeline(message)

    [request] = fake.requests
    body = json.dumps(request.json)
    assert "Jane" not in body and "jane.doe" not in body
    [suggestions] = artifacts(alpha.workspace.pk, kind="suggestions")
    assert suggestions.content["drafts"] == [
        "Thanks Jane Doe, we will write to jane.doe@example.com.",
        "Hello [redacted]!",
    ]
    assert (suggestions.provider, suggestions.region, suggestions.key_source) == (
        "openai",
        "uk",
        "platform",
    )
    assert suggestions.fallback_chain and suggestions.fallback_chain[-1]["outcome"] == "ok"
    assert re.fullmatch(r"[0-9a-f]{64}", ledger(alpha.workspace.pk)[0].payload_sha256)
