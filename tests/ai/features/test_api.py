"""/api/v1/w/<slug>/ai/…: switches, agents, saved replies, a conversation's AI, summaries on
demand, reply translations, and sending a reply built from a draft (which records its use)."""

from __future__ import annotations

from typing import Any

import pytest

from ai import tasks
from ai.models import AIArtifact
from tenants.scope import platform_scope, workspace_scope
from tests.tenants.api_helpers import Tenant, assert_error, assert_no_foreign_data, client_for, send

from .helpers import (
    ai_snapshot,
    artifacts,
    messages_of,
    run_pipeline,
    seed_saved_replies,
    visitor_message,
)

pytestmark = pytest.mark.django_db


def _no_enqueue(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Record what would be enqueued (the tests run the task bodies themselves)."""
    sent: list[tuple[str, dict[str, Any]]] = []
    for name in ("on_message", "summarize_conversation", "translate_reply"):
        task = getattr(tasks, name)
        monkeypatch.setattr(
            task, "apply_async", lambda kwargs, queue, _n=name: sent.append((_n, kwargs))
        )
    return sent


def test_switches_read_by_operators_changed_by_admins(alpha: Tenant) -> None:
    url = alpha.url("ai/features/")
    operator, admin = client_for(alpha.operator.user), client_for(alpha.admin.user)
    assert send(operator, "GET", url).json()["suggestions_enabled"] is True
    assert_error(send(operator, "PATCH", url, {"agent_enabled": False}), 403, "insufficient_role")

    changed = send(admin, "PATCH", url, {"translation_enabled": False, "operator_language": "de"})

    assert changed.status_code == 200
    assert (changed.json()["translation_enabled"], changed.json()["operator_language"]) == (
        False,
        "de",
    )
    assert_error(send(admin, "PATCH", url, {"operator_language": "xx"}), 400, "invalid_language")


def test_agent_profile_per_brand_and_foreign_brand_is_not_found(
    alpha: Tenant, beta: Tenant
) -> None:
    admin = client_for(alpha.admin.user)
    url = alpha.url(f"ai/agents/{alpha.brand.pk}/")
    body = {
        "enabled": True,
        "tone": "formal",
        "blocked_topics": ["Globex"],
        "instructions": "Be kind",
    }

    changed = send(admin, "PATCH", url, body)

    assert changed.status_code == 200, changed.content
    assert changed.json()["enabled"] is True and changed.json()["blocked_topics"] == ["Globex"]
    before = ai_snapshot()
    foreign = send(admin, "PATCH", alpha.url(f"ai/agents/{beta.brand.pk}/"), {"enabled": True})
    assert_error(foreign, 404, "not_found")
    assert_error(send(client_for(alpha.operator.user), "GET", url), 403, "insufficient_role")
    assert ai_snapshot() == before


def test_saved_replies_crud_and_cross_workspace(alpha: Tenant, beta: Tenant) -> None:
    admin = client_for(alpha.admin.user)
    created = send(admin, "POST", alpha.url("ai/saved-replies/"), {"title": "Hi", "body": "Hello!"})
    assert created.status_code == 201
    reply_id = created.json()["id"]
    duplicate = send(admin, "POST", alpha.url("ai/saved-replies/"), {"title": "Hi", "body": "x"})
    assert_error(duplicate, 409, "duplicate_title")
    listed = send(client_for(alpha.operator.user), "GET", alpha.url("ai/saved-replies/"))
    assert [r["title"] for r in listed.json()] == ["Hi"]

    before = ai_snapshot()
    beta_admin = client_for(beta.admin.user)
    for method in ("GET", "PATCH", "DELETE"):
        response = send(
            beta_admin,
            method,
            beta.url(f"ai/saved-replies/{reply_id}/"),
            {"body": "x"} if method == "PATCH" else None,
        )
        assert_error(response, 404, "not_found", method)
    assert_error(
        send(beta_admin, "GET", alpha.url("ai/saved-replies/")), 404, "workspace_not_found"
    )
    assert ai_snapshot() == before

    assert send(admin, "DELETE", alpha.url(f"ai/saved-replies/{reply_id}/")).status_code == 204


def test_summary_on_demand_is_stored_pending_then_filled_once(
    alpha: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = _no_enqueue(monkeypatch)
    message = visitor_message(alpha, "My parcel arrived damaged. The box was crushed in transit.")
    client = client_for(alpha.operator.user)
    url = alpha.url(f"ai/conversations/{message.conversation_id}/summary/")

    with _capture_on_commit():
        first = send(client, "POST", url, {})
    assert first.status_code == 202, first.content
    assert first.json()["status"] == "pending"
    [(name, kwargs)] = sent
    assert name == "summarize_conversation"
    assert kwargs["workspace_id"] == alpha.workspace.pk and "text" not in kwargs
    tasks.summarize_conversation(**kwargs)

    again = send(client, "POST", url, {})
    assert again.status_code == 200
    body = again.json()
    assert body["artifact_id"] == first.json()["artifact_id"]
    assert body["status"] == "done"
    assert "crushed" in body["content"]["summary"]
    assert body["provenance"]["provider"] == "offline"
    assert len(sent) == 1  # nothing new asked of a worker


class _capture_on_commit:
    """Run on_commit callbacks of the request at once (the test DB wraps each test)."""

    def __enter__(self) -> None:
        from django.db import connection

        self._conn = connection
        self._before = len(connection.run_on_commit)

    def __exit__(self, *exc: object) -> None:
        callbacks = self._conn.run_on_commit[self._before :]
        del self._conn.run_on_commit[self._before :]
        for _sids, callback, _robust in callbacks:
            callback()


def test_sending_a_suggestion_records_its_use_and_edit(alpha: Tenant) -> None:
    seed_saved_replies(alpha)
    message = visitor_message(alpha, "Where is my order? It has not arrived")
    run_pipeline(message)
    [suggestion] = artifacts(alpha.workspace.pk, kind="suggestions")
    draft = suggestion.content["drafts"][0]
    client = client_for(alpha.operator.user)
    url = alpha.url(f"ai/conversations/{message.conversation_id}/replies/")
    body = {
        "client_id": "op-1",
        "body": draft + " Anything else?",
        "suggestion_artifact_id": suggestion.pk,
        "suggestion_index": 0,
    }

    response = send(client, "POST", url, body)

    assert response.status_code == 201, response.content
    stored = messages_of(message.conversation_id)[-1]
    assert (stored.sender, stored.body, stored.sender_user_id) == (
        "operator",
        draft + " Anything else?",
        alpha.operator.user.pk,
    )
    assert stored.ai_metadata == {
        "generated": False,
        "kind": "suggestion",
        "artifact_id": suggestion.pk,
        "index": 0,
        "edited": True,
    }
    assert response.json()["message"]["ai"] is None  # the operator's own words: no AI label
    [used] = artifacts(alpha.workspace.pk, kind="suggestions")
    assert (used.used_message_id, used.used_index, used.used_edited) == (stored.pk, 0, True)
    assert used.used_by_id == alpha.operator.user.pk
    again = send(client, "POST", url, body)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert len(messages_of(message.conversation_id)) == 2


def test_replies_with_a_foreign_or_missing_draft_are_not_found(alpha: Tenant, beta: Tenant) -> None:
    seed_saved_replies(beta)
    theirs = visitor_message(beta, "Where is my order? It has not arrived")
    run_pipeline(theirs)
    [foreign] = artifacts(beta.workspace.pk, kind="suggestions")
    mine = visitor_message(alpha, "Hello")
    client = client_for(alpha.operator.user)
    before = ai_snapshot()
    count = len(messages_of(mine.conversation_id))

    response = send(
        client,
        "POST",
        alpha.url(f"ai/conversations/{mine.conversation_id}/replies/"),
        {
            "client_id": "x-1",
            "body": "hi",
            "suggestion_artifact_id": foreign.pk,
            "suggestion_index": 0,
        },
    )

    assert_error(response, 404, "not_found")
    assert_no_foreign_data(response, beta)
    for path in (f"ai/artifacts/{foreign.pk}/", f"ai/conversations/{theirs.conversation_id}/"):
        assert_error(send(client, "GET", alpha.url(path)), 404, "not_found", path)
    summary = send(
        client, "POST", alpha.url(f"ai/conversations/{theirs.conversation_id}/summary/"), {}
    )
    assert_error(summary, 404, "not_found")
    assert ai_snapshot() == before
    assert len(messages_of(mine.conversation_id)) == count


def test_conversation_ai_panel_lists_the_latest_artifacts(alpha: Tenant) -> None:
    seed_saved_replies(alpha)
    message = visitor_message(alpha, "Hola, ¿dónde está mi pedido? No ha llegado todavía")
    run_pipeline(message)
    client = client_for(alpha.operator.user)

    panel = send(client, "GET", alpha.url(f"ai/conversations/{message.conversation_id}/")).json()

    assert panel["state"]["visitor_language"] == "es"
    assert panel["features"] == {
        "suggestions": True,
        "summaries": True,
        "translation": True,
        "agent": False,
    }
    assert panel["translations"][str(message.seq)]["content"]["source_language"] == "es"
    assert panel["suggestions"]["kind"] == "suggestions"


def test_suspended_workspace_refuses_ai_requests(alpha: Tenant) -> None:
    message = visitor_message(alpha, "Hello there, my order is late")
    from tenants.models import Workspace

    Workspace.objects.filter(pk=alpha.workspace.pk).update(status="suspended")
    client = client_for(alpha.operator.user)
    before = ai_snapshot()

    response = send(
        client, "POST", alpha.url(f"ai/conversations/{message.conversation_id}/summary/"), {}
    )

    assert_error(response, 403, "workspace_suspended")
    assert ai_snapshot() == before
    with platform_scope("test"), workspace_scope(alpha.workspace.pk):
        assert not AIArtifact.objects.exists()
