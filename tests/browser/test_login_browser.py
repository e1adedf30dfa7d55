"""The done-condition of the foundation: the product serves its login page and the seeded
admin signs in, in a real Chromium against a real Daphne."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tenants.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_seeded_admin_signs_in_and_lands_in_the_acme_workspace(
    page: Page, daphne_url: str, seeded_demo: None, artifacts: Path
) -> None:
    page.goto(f"{daphne_url}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.screenshot(path=str(artifacts / "login-page.png"))

    page.get_by_label("Email").fill("admin@acme.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/w/acme/$"))
    expect(page.locator("#workspace-title")).to_have_text("Acme")
    expect(page.get_by_text("You are admin here.", exact=False)).to_be_visible()
    expect(page.get_by_text("Acme Store")).to_be_visible()
    page.screenshot(path=str(artifacts / "admin-workspace-home.png"))

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_wrong_password_is_refused_with_a_clear_message(
    page: Page, daphne_url: str, seeded_demo: None
) -> None:
    page.goto(f"{daphne_url}/login/")
    page.get_by_label("Email").fill("admin@acme.test")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("didn't match")
    expect(page).to_have_url(re.compile(r"/login/"))


def test_operator_in_two_workspaces_switches_between_them(
    page: Page, daphne_url: str, seeded_demo: None
) -> None:
    page.goto(f"{daphne_url}/login/")
    page.get_by_label("Email").fill("operator@acme.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/w/$"))
    page.get_by_role("link", name="Globex").click()
    expect(page.locator("#workspace-title")).to_have_text("Globex")
    page.locator("#workspace-switcher").select_option(label="Acme (operator)")
    expect(page.locator("#workspace-title")).to_have_text("Acme")


def test_demo_page_embeds_the_widget_from_its_script_tag(
    page: Page, daphne_url: str, seeded_demo: None, artifacts: Path
) -> None:
    page.goto(f"{daphne_url}/demo/")
    bubble = page.get_by_role("button", name="Open chat")
    expect(bubble).to_be_visible()
    bubble.click()
    expect(page.get_by_role("dialog", name="Chat")).to_be_visible()
    expect(page.locator("#title")).to_have_text("Acme Store")
    page.screenshot(path=str(artifacts / "demo-widget.png"))
