"""Helpers for the server-rendered pages: log in through the real form, read what a page shows.

Pages are read with the standard-library HTML parser so assertions name the element they are
about (the switcher select, the workspace list, the alert) instead of grepping the raw HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse

from tenants.models import Role, Workspace
from tests.factories import PASSWORD, MembershipFactory, UserFactory

LOGIN_URL = "/login/"
WRONG_PASSWORD = "not-the-password-at-all"
BAD_CREDENTIALS = "Your email and password didn't match. Please try again."
THROTTLED = "Too many sign-in attempts. Wait a few minutes and try again."
SUSPENDED_BANNER = (
    "This workspace is suspended: AI features and the chat widget are paused. "
    "You can still sign in and read."
)


def member_of(*workspaces: Workspace, role: str = Role.OPERATOR, **user_fields: Any) -> Any:
    """A user with a membership (of ``role``) in each of ``workspaces``."""
    user = UserFactory(**user_fields)
    for workspace in workspaces:
        MembershipFactory(workspace=workspace, user=user, role=role)
    return user


def post_login(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def logged_in_client(user: AbstractBaseUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


def home_url(workspace: Workspace) -> str:
    return reverse("workspace-home", args=[workspace.slug])


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class Page:
    """What a rendered page shows, element by element."""

    switcher_options: list[Option] | None = None  # None: no switcher <select> on the page
    current_workspace_label: str | None = None  # the plain label shown for a single workspace
    workspace_links: list[tuple[str, str]] = field(default_factory=list)  # (href, name)
    alerts: list[str] = field(default_factory=list)  # role="alert"
    banners: list[str] = field(default_factory=list)  # role="status"
    headings: list[str] = field(default_factory=list)  # <h1>
    logout_form_action: str | None = None


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._capture: tuple[str, str, dict[str, str]] | None = None  # (kind, tag, attrs)
        self._depth = 0
        self._text: list[str] = []
        self._in_switcher = False
        self._in_ws_list = False

    def _start_capture(self, kind: str, tag: str, attrs: dict[str, str]) -> None:
        self._capture, self._depth, self._text = (kind, tag, attrs), 1, []

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attr_list}
        if self._capture is not None:
            if tag == self._capture[1]:
                self._depth += 1
            return
        if tag == "select" and attrs.get("id") == "workspace-switcher":
            self._in_switcher = True
            self.page.switcher_options = []
        elif tag == "ul" and "ws-list" in attrs.get("class", "").split():
            self._in_ws_list = True
        elif tag == "option" and self._in_switcher:
            self._start_capture("option", tag, attrs)
        elif tag == "a" and self._in_ws_list:
            self._start_capture("ws-link", tag, attrs)
        elif attrs.get("role") == "alert":
            self._start_capture("alert", tag, attrs)
        elif attrs.get("role") == "status":
            self._start_capture("banner", tag, attrs)
        elif tag == "span" and "current-ws" in attrs.get("class", "").split():
            self._start_capture("current-ws", tag, attrs)
        elif tag == "h1":
            self._start_capture("h1", tag, attrs)
        elif tag == "form" and "logout" in attrs.get("class", "").split():
            self.page.logout_form_action = attrs.get("action")

    def handle_endtag(self, tag: str) -> None:
        if self._capture is not None:
            if tag != self._capture[1]:
                return
            self._depth -= 1
            if self._depth == 0:
                self._finish_capture()
            return
        if tag == "select":
            self._in_switcher = False
        elif tag == "ul":
            self._in_ws_list = False

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            self._text.append(data)

    def _finish_capture(self) -> None:
        assert self._capture is not None
        kind, _tag, attrs = self._capture
        text = " ".join("".join(self._text).split())
        self._capture = None
        if kind == "option":
            assert self.page.switcher_options is not None
            self.page.switcher_options.append(
                Option(attrs.get("value", ""), text, "selected" in attrs)
            )
        elif kind == "ws-link":
            self.page.workspace_links.append((attrs.get("href", ""), text))
        elif kind == "alert":
            self.page.alerts.append(text)
        elif kind == "banner":
            self.page.banners.append(text)
        elif kind == "current-ws":
            self.page.current_workspace_label = text
        elif kind == "h1":
            self.page.headings.append(text)


def read_page(response: Any) -> Page:
    parser = _PageParser()
    parser.feed(response.content.decode())
    parser.close()
    return parser.page


def admin_form_data(response: Any) -> dict[str, Any]:
    """The POST body a browser would send back for an admin add/change page, unchanged.

    Built from the rendered form and inline formsets (management forms and hidden ids included),
    so a test only states the fields it changes."""
    forms: list[Any] = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data: dict[str, Any] = {}
    for form in forms:
        for name, form_field in form.fields.items():
            value = form_field.prepare_value(form[name].value())
            if value is not None:
                data[form.add_prefix(name)] = value
    return data
