"""The pipeline end to end through a real Celery worker: a visitor's websocket message is
committed, the chat hook enqueues on commit, a prefork worker consuming queue "ai" runs the
task, and the suggestions reach the operator's socket. Then a worker SIGKILLed in the middle
of a provider call: the task is redelivered, and the visitor gets the AI agent's answer once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings

from chat.models import Sender
from tests.ai.fake_provider import FakeProvider, Fault
from tests.ai.features.helpers import artifacts, enable_agent, messages_of, seed_saved_replies
from tests.chat.helpers import (
    TIMEOUT,
    connected_visitor,
    frames_until_quiet,
    next_of,
    open_session,
    operator_socket,
)
from tests.tenants.api_helpers import Tenant

from .worker import Worker, database_url_for_workers, endpoints_env, purge_ai_queue, worker_env

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def worker_log() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "ai-worker.log"
    path.write_text("")
    return path


@pytest.fixture
def ai_worker(transactional_db: None, worker_log: Path) -> Iterator[Worker]:
    purge_ai_queue()
    worker = Worker(worker_env(database_url_for_workers(), settings.REDIS_URL), worker_log)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_websocket_message_to_operator_suggestions_through_a_real_worker(
    alpha: Tenant, ai_worker: Worker
) -> None:
    await sync_to_async(seed_saved_replies)(alpha)
    session = await sync_to_async(open_session)(alpha.brand, name="Jane Doe")
    visitor, _ = await connected_visitor(alpha.brand.widget_key, session.token)
    await visitor.send_json_to(
        {"type": "send", "client_id": "c-1", "body": "Where is my order? It has not arrived"}
    )
    sent = await next_of(visitor, "sent")
    conversation_id = (await sync_to_async(messages_of_first)(alpha))[0]
    ops = await operator_socket(alpha.operator.user, alpha.workspace.slug)
    assert (await ops.connect(timeout=TIMEOUT))[0]
    await ops.send_json_to({"type": "subscribe", "conversation_id": conversation_id, "last_seq": 0})

    suggestions = None
    deadline = time.monotonic() + 30
    while suggestions is None and time.monotonic() < deadline:
        frame = await ops.receive_json_from(timeout=30)
        if frame["type"] == "ai.suggestions":
            suggestions = frame

    assert suggestions is not None, ai_worker.log_path.read_text()[-3000:]
    assert suggestions["message_seq"] == sent["seq"]
    assert suggestions["content"]["drafts"][0].startswith("You can track your order")
    assert suggestions["provenance"]["provider"] == "offline"
    visitor_frames = await frames_until_quiet(visitor, quiet=0.5)
    assert [f["type"] for f in visitor_frames if f["type"].startswith("ai.")] == []
    await visitor.disconnect()
    await ops.disconnect()


def messages_of_first(tenant: Tenant) -> list[int]:
    from chat.models import Conversation
    from tenants.scope import workspace_scope

    with workspace_scope(tenant.workspace.pk):
        return list(Conversation.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_provider_call_loses_nothing_and_sends_once(
    alpha: Tenant, worker_log: Path
) -> None:
    """SIGKILL of the whole worker (main process and pool child) while the provider is
    answering: PostgreSQL rolls the run's transaction back when its connection dies; the
    unacknowledged message comes back after the visibility timeout (3 s here) and a new worker
    runs it. The visitor gets exactly one AI answer; one artifact exists."""
    purge_ai_queue()
    seed_saved_replies(alpha)
    enable_agent(alpha)
    with FakeProvider() as fake:
        fake.reply = json.dumps({"reply": "Your parcel ships today.", "confidence": 0.9})
        fake.push(Fault.slow_first_byte(8))
        env = worker_env(
            database_url_for_workers(),
            settings.REDIS_URL,
            CELERY_VISIBILITY_TIMEOUT="3",
            **endpoints_env(fake.openai_url),
        )
        first = Worker(env, worker_log)
        try:
            first.wait_ready()
            session = open_session(alpha.brand, name="Jane Doe")
            from tests.chat.helpers import visitor_says

            message = visitor_says(session, "When will my parcel ship?", "c-1")
            deadline = time.monotonic() + 30
            while not fake.requests and time.monotonic() < deadline:
                time.sleep(0.05)
            assert fake.requests, worker_log.read_text()[-3000:]
            first.kill9()  # mid-call: the provider has not answered yet
        finally:
            first.stop()
        assert artifacts(alpha.workspace.pk) == []  # the killed run left nothing behind
        assert [m.sender for m in messages_of(message.conversation_id)] == [Sender.VISITOR]

        time.sleep(3.5)  # past the visibility timeout: the new worker restores the message
        second = Worker(env, worker_log)
        try:
            second.wait_ready()
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline:
                if len(messages_of(message.conversation_id)) > 1:
                    break
                time.sleep(0.1)
            time.sleep(1.0)  # would a second answer follow?
        finally:
            second.stop()

    senders = [(m.sender, m.body) for m in messages_of(message.conversation_id)]
    assert senders == [
        (Sender.VISITOR, "When will my parcel ship?"),
        (Sender.AI_AGENT, "Your parcel ships today."),
    ], worker_log.read_text()[-3000:]
    [agent] = artifacts(alpha.workspace.pk, kind="agent_reply")
    assert agent.status == "done" and agent.provider == "openai" and agent.region == "uk"
    agent_calls = [r for r in fake.requests if "AI assistant" in json.dumps(r.json)]
    assert len(agent_calls) == 2  # the provider was asked twice; the visitor answered once
