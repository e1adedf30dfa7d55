"""The built-in offline provider: no network, deterministic, and labelled offline."""

from __future__ import annotations

import json

import pytest

from ai.models import AILedgerEntry
from ai.providers import offline
from ai.router import HANDOFF_MARKER, ChatMessage, CompletionRequest
from tenants.scope import workspace_scope
from tests.ai.router.helpers import request_for, run
from tests.tenants.api_helpers import Tenant

SAVED_REPLIES = (
    "You can reset your password from the login page with 'Forgot password'.",
    "Refunds are processed within 5 working days of receiving the return.",
    "Our opening hours are 9am to 5pm, Monday to Friday.",
)


def _req(feature: str, text: str) -> CompletionRequest:
    return CompletionRequest(
        workspace_id=1,
        feature=feature,  # type: ignore[arg-type]
        messages=(ChatMessage("system", "instructions"), ChatMessage("user", text)),
        candidates=SAVED_REPLIES,
    )


def test_suggestions_rank_saved_replies_by_the_latest_message() -> None:
    text = "Visitor: hi\nVisitor: how long do refunds take after I return the item?"
    drafts = json.loads(offline.complete(_req("suggestions", text)).text)
    assert drafts[0] == SAVED_REPLIES[1]
    assert len(drafts) <= 3


def test_agent_answers_a_good_match_and_hands_off_otherwise() -> None:
    assert offline.complete(_req("agent", "How do I reset my password?")).text == SAVED_REPLIES[0]
    assert offline.complete(_req("agent", "Can I bring my dog to the shop?")).text == HANDOFF_MARKER


def test_translation_passes_the_text_through_and_summary_is_extractive() -> None:
    assert offline.complete(_req("translation", "Hola, ¿dónde está?")).text == "Hola, ¿dónde está?"
    transcript = (
        "Visitor: My order 123 arrived damaged. The box was crushed. "
        "Operator: Sorry to hear that. I will send a replacement order today. "
        "Visitor: Thanks, the replacement order should go to the same address. "
        "Operator: Done, the replacement order ships today."
    )
    summary = offline.complete(_req("summary", transcript)).text
    sentences = [s for s in summary.split(". ") if s]
    assert 1 <= len(sentences) <= 3
    assert all(s.rstrip(".") in transcript for s in sentences)
    assert "replacement order" in summary


@pytest.mark.django_db
def test_the_router_labels_offline_answers_and_ledgers_them(alpha: Tenant) -> None:
    result = run(request_for(alpha.workspace.pk, feature="translation", text="Bonjour"))
    assert (result.text, result.offline, result.provider, result.region) == (
        "Bonjour",
        True,
        "offline",
        "local",
    )
    with workspace_scope(alpha.workspace.pk):
        row = AILedgerEntry.objects.get()
    assert (row.endpoint, row.key_source, row.payload_bytes, row.outcome) == (
        "offline",
        "none",
        0,
        "ok",
    )
