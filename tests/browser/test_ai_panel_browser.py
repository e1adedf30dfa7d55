"""The inbox's AI panel in Chromium against a real Daphne: suggestions arrive live, "Use" puts
a draft in the composer, sending it records its use; a summary on request; the visitor's
language shown. The pipeline's tasks run in this test process (the same functions a worker
runs); their frames travel through the real Redis channel layer and Daphne to the page."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from ai import services as ai_services
from ai import tasks
from ai.models import AIArtifact
from chat.models import Message
from tenants.demo import DEMO_PASSWORD, demo_brand
from tenants.scope import workspace_scope
from tests.chat.helpers import open_session, visitor_says

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS = "<img src=x onerror=alert(1)>"


def _in_thread(task: Any, **kwargs: Any) -> None:
    """Run a task body in a thread of its own, as a worker would: Playwright's sync API keeps an
    event loop in this thread, where the channel layer's async_to_sync cannot run."""
    from django.db import connection

    failure: list[BaseException] = []

    def body() -> None:
        try:
            task(**kwargs)
        except BaseException as exc:  # surfaced below
            failure.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(60)
    if failure:
        raise failure[0]


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def operator_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_suggestions_summary_and_language_in_the_inbox(
    daphne_url: str, seeded_demo: None, operator_page: Page, artifacts: Path
) -> None:
    brand = demo_brand()
    assert brand is not None
    with workspace_scope(brand.workspace_id):
        ai_services.agent_profile_update(brand=brand, enabled=False)  # suggestions, not answers
        ai_services.saved_reply_create(title="Odd", body=f"Parcel tracking {XSS} shown as text")
    session = open_session(brand, name="Vera Visitor", email="vera@example.com")
    said: list[Message] = []
    _in_thread(
        lambda: said.append(
            visitor_says(session, "Hello, where is my order? I want to track my parcel", "c-1")
        )
    )
    first = said[0]
    dialogs: list[str] = []
    operator_page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page = operator_page
    page.goto(f"{daphne_url}/login/")
    page.get_by_label("Email").fill("operator@acme.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{daphne_url}/w/acme/inbox/{first.conversation_id}/")
    expect(page.locator("#live-state")).to_have_text("Live")
    expect(page.locator("#ai-panel")).to_be_visible()

    _in_thread(tasks.on_message, workspace_id=brand.workspace_id, message_id=first.pk)

    drafts = page.locator("#ai-suggestions .ai-suggestion-text")
    expect(drafts.first).to_have_text(
        "You can track your order with the link in your confirmation email. Orders ship "
        "within 2 working days."
    )
    expect(page.locator("#ai-suggestions")).to_contain_text(XSS)  # as text, never as HTML
    expect(page.locator("#ai-suggestions-meta")).to_contain_text("Offline AI")
    page.screenshot(path=str(artifacts / "ai-panel-suggestions.png"))

    page.get_by_role("button", name="Use suggestion 1").click()
    reply = page.get_by_label("Reply", exact=True)
    expect(reply).to_have_value(re.compile(r"^You can track your order"))
    expect(page.locator("#ai-draft-label")).to_contain_text("From an AI suggestion")
    reply.press("End")
    reply.type(" Anything else?")
    reply.press("Enter")
    expect(page.locator("#transcript .from-operator .msg-body")).to_have_text(
        [re.compile(r"You can track your order.*Anything else\?$")]
    )
    expect(page.locator("#transcript .msg-state")).to_have_count(0)

    with workspace_scope(brand.workspace_id):
        sent = Message.objects.filter(
            conversation_id=first.conversation_id, sender="operator"
        ).get()
        used = AIArtifact.objects.get(kind="suggestions")
    assert sent.ai_metadata["kind"] == "suggestion" and sent.ai_metadata["edited"] is True
    assert used.used_message_id == sent.pk and used.used_index == 0

    # A summary on request: the panel shows it when the worker's frame arrives.
    page.get_by_role("button", name="Summarise").click()
    expect(page.locator("#ai-summary")).to_contain_text("Summarising")
    with workspace_scope(brand.workspace_id):
        pending = AIArtifact.objects.get(kind="summary")
        upto = Message.objects.filter(conversation_id=first.conversation_id).count()
    _in_thread(
        tasks.summarize_conversation,
        workspace_id=brand.workspace_id,
        conversation_id=first.conversation_id,
        upto_seq=upto,
        language="en",
        trigger="request",
    )
    expect(page.locator("#ai-summary dd").first).to_contain_text("track")
    with workspace_scope(brand.workspace_id):
        assert AIArtifact.objects.get(pk=pending.pk).status == "done"

    # The visitor switches to Spanish: the language shows, and that offline there is no
    # translation (the original stays).
    _in_thread(
        lambda: said.append(
            visitor_says(session, "Hola, ¿dónde está mi pedido? No ha llegado todavía", "c-2")
        )
    )
    second = said[1]
    _in_thread(tasks.on_message, workspace_id=brand.workspace_id, message_id=second.pk)
    expect(page.locator("#ai-language")).to_have_text("Visitor writes in Spanish.")
    expect(
        page.locator(f'#transcript li[data-seq="{second.seq}"] .msg-translation-meta')
    ).to_contain_text("Spanish")
    expect(page.get_by_role("button", name="Translate to Spanish")).to_be_visible()
    page.screenshot(path=str(artifacts / "ai-panel-summary-language.png"))
    assert dialogs == []
