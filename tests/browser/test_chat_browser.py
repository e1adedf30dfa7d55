"""Realtime chat end to end: a visitor on a customer's website (another origin) chats through the
widget with an operator signed in to the inbox, in two Chromium contexts against a real Daphne."""

from __future__ import annotations

import re
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tenants.demo import DEMO_PASSWORD, demo_brand
from tenants.models import Workspace
from tenants.scope import workspace_scope
from tenants.services import brand_update, workspace_set_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS = "<img src=x onerror=alert(1)>"


class CustomerSite:
    """A stand-in customer website on its own origin (another port of 127.0.0.1)."""

    def __init__(self) -> None:
        self.html = b"<!doctype html><title>empty</title>"
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(site.html)))
                self.end_headers()
                self.wfile.write(site.html)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def embed(self, *, app_url: str, widget_key: str) -> None:
        self.html = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Acme Store</title>"
            # Hostile host CSS: the widget lives in a Shadow DOM and must not be affected.
            "<style>* { color: #f0f !important; font-size: 40px !important; } "
            "button { display: none !important; }</style></head>"
            "<body><h1>Acme Store</h1><p>Our shop, on its own origin.</p>"
            f"<script src='{app_url}/static/widget/supportdesk-widget.js' "
            f"data-widget-key='{widget_key}' data-prechat defer></script></body></html>"
        ).encode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    """This machine is shared and slow at times: a live update may take more than 5 s."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


def _warm_up(daphne_url: str) -> None:
    """Daphne loads the URLconf (and everything it imports) on its first request: do it now, not
    while the widget's first call is on the clock."""
    with urllib.request.urlopen(f"{daphne_url}/login/", timeout=60) as response:  # noqa: S310
        assert response.status == 200


@pytest.fixture
def customer_site(daphne_url: str, seeded_demo: None) -> Iterator[CustomerSite]:
    """The site embeds the demo brand's widget, and its origin is allowed for that brand."""
    _warm_up(daphne_url)
    site = CustomerSite()
    brand = demo_brand()
    assert brand is not None
    with workspace_scope(brand.workspace_id):
        brand_update(brand=brand, allowed_origins=[*brand.allowed_origins, site.origin])
    site.embed(app_url=daphne_url, widget_key=brand.widget_key)
    yield site
    site.close()


@pytest.fixture
def two_contexts(browser: Browser) -> Iterator[tuple[BrowserContext, BrowserContext]]:
    visitor, operator = browser.new_context(), browser.new_context()
    yield visitor, operator
    visitor.close()
    operator.close()


def _count_dialogs(page: Page, dialogs: list[str]) -> None:
    def on_dialog(dialog: object) -> None:
        dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", on_dialog)


def _sign_in(page: Page, daphne_url: str) -> None:
    page.goto(f"{daphne_url}/login/")
    page.get_by_label("Email").fill("admin@acme.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/w/acme/$"))


def _widget_bodies(page: Page) -> list[str]:
    return page.locator("#log li .body").all_inner_texts()


def test_visitor_and_operator_chat_across_origins(
    two_contexts: tuple[BrowserContext, BrowserContext],
    customer_site: CustomerSite,
    daphne_url: str,
    artifacts: Path,
) -> None:
    visitor_ctx, operator_ctx = two_contexts
    visitor, operator = visitor_ctx.new_page(), operator_ctx.new_page()
    dialogs: list[str] = []
    _count_dialogs(visitor, dialogs)
    _count_dialogs(operator, dialogs)

    # The operator watches the (empty) inbox.
    _sign_in(operator, daphne_url)
    operator.get_by_role("link", name="Open the inbox").click()
    expect(operator).to_have_url(re.compile(r"/w/acme/inbox/$"))
    expect(operator.locator("#live-state")).to_have_text("Live")

    # A visitor on the customer's website opens the widget, introduces themself and writes.
    visitor.goto(customer_site.origin + "/")
    visitor.get_by_role("button", name="Open chat").click()
    dialog = visitor.get_by_role("dialog", name="Chat")
    expect(dialog).to_be_visible()
    expect(visitor.locator("#title")).to_have_text("Acme Store")
    visitor.get_by_label("Name").fill("Vera Visitor")
    visitor.get_by_label("Email").fill("vera@")
    visitor.get_by_role("button", name="Start chat").click()
    expect(visitor.locator("#status")).to_have_text(re.compile("email address does not look right"))
    expect(visitor.get_by_label("Email")).to_be_focused()
    visitor.get_by_label("Email").fill("vera@example.com")
    visitor.get_by_role("button", name="Start chat").click()
    composer = visitor.get_by_label("Your message")
    expect(composer).to_be_focused()
    composer.fill("Hello, where is my parcel?")
    composer.press("Enter")
    expect(visitor.locator("#log li .body")).to_have_text(["You said: Hello, where is my parcel?"])
    expect(visitor.locator("#log li .meta")).to_be_hidden()  # confirmed by the server
    visitor.screenshot(path=str(artifacts / "chat-visitor-first-message.png"))

    # It appears in the operator's list live, with the visitor's name and an unread count.
    row = operator.locator(".conversation-row", has_text="Vera Visitor")
    expect(row).to_be_visible()
    expect(row.locator(".row-preview")).to_have_text("Hello, where is my parcel?")
    expect(row.locator(".unread")).to_contain_text("1")
    operator.screenshot(path=str(artifacts / "chat-inbox-list.png"))

    # The operator opens it: transcript, visitor details.
    row.get_by_role("link").click()
    expect(operator.locator("#transcript .msg-body")).to_have_text(["Hello, where is my parcel?"])
    expect(operator.locator("#visitor-name")).to_have_text("Vera Visitor")
    expect(operator.locator("#visitor-email")).to_have_text("vera@example.com")
    expect(operator.locator("#visitor-page")).to_have_text(customer_site.origin + "/")
    expect(operator.locator("#visitor-agent")).to_contain_text("Chrom")
    expect(operator.locator("#live-state")).to_have_text("Live")

    # Typing shows on the other side.
    reply = operator.get_by_label("Reply", exact=True)
    reply.press_sequentially("Let me")
    expect(visitor.locator("#typing")).to_have_text("Support is typing…")
    reply.fill("")

    # A private note stays in the inbox; the reply reaches the visitor.
    operator.get_by_label("Private note").check()
    expect(operator.locator("#composer")).to_have_class(re.compile(r"\bis-private\b"))
    reply.fill("Customer seems worried; check the courier.")
    reply.press("Enter")
    expect(operator.locator("#transcript .is-private .msg-body")).to_have_text(
        ["Customer seems worried; check the courier."]
    )
    operator.get_by_label("Private note").uncheck()
    reply.fill("It ships today.\nYou'll get a tracking email.")
    reply.press("Enter")
    expect(visitor.locator("#log li.operator .body")).to_have_text(
        ["It ships today.\nYou'll get a tracking email."]
    )
    assert "Customer seems worried" not in visitor.locator("#log").inner_text()
    visitor.screenshot(path=str(artifacts / "chat-visitor-reply.png"))
    operator.screenshot(path=str(artifacts / "chat-inbox-conversation.png"))

    # The visitor types (the operator sees it), then sends a script payload: text on both sides.
    composer.press_sequentially("Th")
    expect(operator.locator("#typing")).to_have_text("The visitor is typing…")
    composer.fill(XSS)
    composer.press("Enter")
    expect(operator.locator("#transcript .msg-body").last).to_have_text(XSS)
    expect(visitor.locator("#log li .body").last).to_have_text("You said: " + XSS)
    assert visitor.locator("[data-supportdesk-widget] img").count() == 0
    assert operator.locator("#transcript img").count() == 0

    # A reload continues the same conversation; a new message still reaches the operator.
    visitor.reload()
    visitor.get_by_role("button", name="Open chat").click()
    expect(visitor.locator("#log li .body")).to_have_text(
        [
            "You said: Hello, where is my parcel?",
            "It ships today.\nYou'll get a tracking email.",
            "You said: " + XSS,
        ]
    )
    visitor.get_by_label("Your message").fill("Thanks!")
    visitor.get_by_label("Your message").press("Enter")
    expect(operator.locator("#transcript .msg-body").last).to_have_text("Thanks!")

    # The inbox re-rendered from the server shows the payload as text too.
    operator.reload()
    expect(operator.locator("#transcript .msg-body")).to_have_count(5)
    expect(operator.locator("#transcript .msg-body").nth(3)).to_have_text(XSS)
    visitor.screenshot(path=str(artifacts / "chat-visitor-after-reload.png"))
    operator.screenshot(path=str(artifacts / "chat-inbox-after-reload.png"))
    assert dialogs == []


def test_operator_assigns_and_resolves_and_the_visitor_sees_it(
    two_contexts: tuple[BrowserContext, BrowserContext],
    customer_site: CustomerSite,
    daphne_url: str,
    artifacts: Path,
) -> None:
    visitor_ctx, operator_ctx = two_contexts
    visitor, operator = visitor_ctx.new_page(), operator_ctx.new_page()
    visitor.goto(customer_site.origin + "/")
    visitor.get_by_role("button", name="Open chat").click()
    visitor.get_by_role("button", name="Skip").click()
    visitor.get_by_label("Your message").fill("Can I change my address?")
    visitor.get_by_label("Your message").press("Enter")
    expect(visitor.locator("#log li .meta")).to_be_hidden()

    _sign_in(operator, daphne_url)
    operator.goto(f"{daphne_url}/w/acme/inbox/")
    operator.locator(".conversation-row", has_text="Can I change my address?").get_by_role(
        "link"
    ).click()
    expect(operator.locator("#live-state")).to_have_text("Live")

    # The visitor closes the widget with Escape; a reply raises the launcher's unread badge.
    visitor.keyboard.press("Escape")
    expect(visitor.get_by_role("dialog", name="Chat")).to_be_hidden()
    expect(visitor.locator("#bubble")).to_be_focused()
    operator.get_by_label("Reply", exact=True).fill("Yes: what is the new address?")
    operator.get_by_label("Reply", exact=True).press("Enter")
    expect(visitor.locator("#badge")).to_have_text("1")
    expect(visitor.get_by_role("button", name="Open chat, 1 unread message")).to_be_visible()
    visitor.screenshot(path=str(artifacts / "chat-visitor-unread-badge.png"))
    visitor.locator("#bubble").press("Enter")
    expect(visitor.locator("#badge")).to_be_hidden()
    expect(visitor.get_by_label("Your message")).to_be_focused()

    operator.get_by_role("button", name="Assign to me").click()
    expect(operator.locator("#conversation-assignee")).to_have_text("Adam Admin")
    expect(operator.get_by_role("button", name="Unassign")).to_be_visible()
    expect(operator.get_by_role("button", name="Assign to me")).to_be_hidden()

    operator.get_by_role("button", name="Resolve").click()
    expect(operator.locator("#conversation-status")).to_have_text("resolved")
    expect(visitor.locator("#status")).to_have_text(re.compile("resolved"))
    operator.screenshot(path=str(artifacts / "chat-inbox-resolved.png"))

    operator.get_by_role("button", name="Reopen").click()
    expect(operator.locator("#conversation-status")).to_have_text("open")
    operator.get_by_role("button", name="Unassign").click()
    expect(operator.locator("#conversation-assignee")).to_have_text("Unassigned")


def test_widget_on_an_origin_that_is_not_allowed_says_so(
    page: Page, daphne_url: str, seeded_demo: None
) -> None:
    _warm_up(daphne_url)
    site = CustomerSite()  # its origin is not in the brand's allowed origins
    try:
        brand = demo_brand()
        assert brand is not None
        site.embed(app_url=daphne_url, widget_key=brand.widget_key)
        page.goto(site.origin + "/")
        page.get_by_role("button", name="Open chat").click()
        page.get_by_role("button", name="Skip").click()
        expect(page.locator("#status")).to_have_text("Chat is not available on this site.")
    finally:
        site.close()


def test_widget_of_a_suspended_workspace_says_chat_is_paused(
    page: Page, customer_site: CustomerSite, artifacts: Path
) -> None:
    acme = Workspace.objects.get(slug="acme")
    workspace_set_status(workspace=acme, status="suspended", actor=None, reason="browser test")

    page.goto(customer_site.origin + "/")
    page.get_by_role("button", name="Open chat").click()

    expect(page.locator("#status")).to_have_text(
        "Chat is paused right now. Please try again later."
    )
    expect(page.get_by_role("button", name="Start chat")).to_be_hidden()  # no pre-chat form
    page.get_by_label("Your message").fill("Hello?")
    expect(page.get_by_role("button", name="Send")).to_be_disabled()
    page.screenshot(path=str(artifacts / "chat-widget-suspended.png"))


def test_widget_reconnects_replays_and_resends_after_going_offline(
    two_contexts: tuple[BrowserContext, BrowserContext],
    customer_site: CustomerSite,
    daphne_url: str,
    artifacts: Path,
) -> None:
    visitor_ctx, operator_ctx = two_contexts
    visitor, operator = visitor_ctx.new_page(), operator_ctx.new_page()
    visitor.goto(customer_site.origin + "/")
    visitor.get_by_role("button", name="Open chat").click()
    visitor.get_by_role("button", name="Skip").click()
    composer = visitor.get_by_label("Your message")
    composer.fill("First, online")
    composer.press("Enter")
    expect(visitor.locator("#log li .meta")).to_be_hidden()
    _sign_in(operator, daphne_url)
    operator.goto(f"{daphne_url}/w/acme/inbox/")
    operator.locator(".conversation-row", has_text="First, online").get_by_role("link").click()
    expect(operator.locator("#live-state")).to_have_text("Live")

    # The visitor's network drops: the widget says so and keeps what they write.
    visitor_ctx.set_offline(True)
    expect(visitor.locator("#status")).to_contain_text("Offline")
    composer.fill("Second, written offline")
    composer.press("Enter")
    expect(visitor.locator("#log li .meta").last).to_have_text(re.compile("Sending|Not sent yet"))
    operator.get_by_label("Reply", exact=True).fill("Reply sent while you were away")
    operator.get_by_label("Reply", exact=True).press("Enter")
    visitor.screenshot(path=str(artifacts / "chat-visitor-offline.png"))

    # Back online: the missed reply is replayed and the pending message goes out once.
    visitor_ctx.set_offline(False)
    expect(visitor.locator("#log li .body")).to_have_text(
        [
            "You said: First, online",
            "Reply sent while you were away",
            "You said: Second, written offline",
        ]
    )
    expect(visitor.locator("#status")).to_be_hidden()
    expect(operator.locator("#transcript .msg-body")).to_have_text(
        ["First, online", "Reply sent while you were away", "Second, written offline"]
    )

    # A second tab of the same visitor continues the same conversation.
    second_tab = visitor_ctx.new_page()
    second_tab.goto(customer_site.origin + "/")
    second_tab.get_by_role("button", name="Open chat").click()
    expect(second_tab.locator("#log li .body")).to_have_count(3)
    second_tab.get_by_label("Your message").fill("Third, from another tab")
    second_tab.get_by_label("Your message").press("Enter")
    expect(visitor.locator("#log li .body").last).to_have_text("You said: Third, from another tab")
    expect(operator.locator("#transcript .msg-body").last).to_have_text("Third, from another tab")
