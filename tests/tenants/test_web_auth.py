"""Sign-in and sign-out pages: Django auth, CSRF, and the Redis-backed login throttle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.test import Client, override_settings
from limits import parse

from tests.factories import PASSWORD, WorkspaceFactory
from tests.tenants.web_helpers import (
    BAD_CREDENTIALS,
    LOGIN_URL,
    THROTTLED,
    WRONG_PASSWORD,
    home_url,
    is_logged_in,
    logged_in_client,
    member_of,
    post_login,
    read_page,
)

pytestmark = pytest.mark.django_db

ACCOUNT_LIMIT = parse(settings.LOGIN_THROTTLE_PER_ACCOUNT).amount


@pytest.fixture
def failed_logins() -> Iterator[list[str]]:
    """Usernames for which Django checked a password and found it wrong."""
    seen: list[str] = []

    def record(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
        seen.append(credentials.get("username", ""))

    user_login_failed.connect(record)
    yield seen
    user_login_failed.disconnect(record)


# ------------------------------------------------------------------ login and logout


def test_login_page_renders_the_form_for_anonymous_visitors() -> None:
    response = Client().get(LOGIN_URL)

    assert response.status_code == 200
    assert response.templates[0].name == "registration/login.html"
    assert read_page(response).headings == ["Sign in"]
    assert read_page(response).alerts == []


def test_single_workspace_user_logs_in_and_lands_on_their_workspace() -> None:
    # given a user in exactly one workspace
    workspace = WorkspaceFactory(name="Acme Widgets")
    user = member_of(workspace)
    client = Client()

    # when they sign in with the right password
    response = post_login(client, user.username, follow=True)

    # then /w/ sends them straight on to the workspace's home
    assert response.redirect_chain == [("/w/", 302), (home_url(workspace), 302)]
    assert response.status_code == 200
    assert read_page(response).headings == ["Acme Widgets"]
    assert client.session["_auth_user_id"] == str(user.pk)


def test_multi_workspace_user_logs_in_and_sees_the_switcher_list() -> None:
    first = WorkspaceFactory(name="Acme Widgets")
    second = WorkspaceFactory(name="Blue Harbor")
    user = member_of(second, first)
    client = Client()

    response = post_login(client, user.username, follow=True)

    assert response.redirect_chain == [("/w/", 302)]
    assert response.status_code == 200
    assert read_page(response).workspace_links == [
        (home_url(first), "Acme Widgets"),
        (home_url(second), "Blue Harbor"),
    ]
    assert is_logged_in(client)


def test_login_honours_a_local_next_and_ignores_a_foreign_one() -> None:
    first, second = WorkspaceFactory(), WorkspaceFactory()
    user = member_of(first, second)

    to_local = Client().post(
        LOGIN_URL, {"username": user.username, "password": PASSWORD, "next": home_url(second)}
    )
    to_foreign = Client().post(
        LOGIN_URL,
        {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert (to_local.status_code, to_local["Location"]) == (302, home_url(second))
    assert (to_foreign.status_code, to_foreign["Location"]) == (302, "/w/")


def test_wrong_password_shows_the_error_and_does_not_log_in(failed_logins: list[str]) -> None:
    user = member_of(WorkspaceFactory())
    client = Client()

    response = post_login(client, user.username, WRONG_PASSWORD)

    assert response.status_code == 200
    assert read_page(response).alerts == [BAD_CREDENTIALS]
    assert f'value="{user.username}"' in response.content.decode()  # the email is kept
    assert not is_logged_in(client)
    assert failed_logins == [user.username]


def test_unknown_account_gets_the_same_error_as_a_wrong_password() -> None:
    user = member_of(WorkspaceFactory())

    wrong_password = post_login(Client(), user.username, WRONG_PASSWORD)
    unknown_account = post_login(Client(), "nobody@example.test", WRONG_PASSWORD)

    assert (
        read_page(wrong_password).alerts == read_page(unknown_account).alerts == [BAD_CREDENTIALS]
    )
    assert wrong_password.status_code == unknown_account.status_code == 200


def test_login_post_without_csrf_token_is_refused() -> None:
    user = member_of(WorkspaceFactory())
    client = Client(enforce_csrf_checks=True)

    response = post_login(client, user.username)

    assert response.status_code == 403
    assert not is_logged_in(client)


def test_login_post_with_the_csrf_token_from_the_form_succeeds() -> None:
    """The control for the test above: same client settings, token included."""
    user = member_of(WorkspaceFactory())
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN_URL)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(
        LOGIN_URL,
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )

    assert (response.status_code, response["Location"]) == (302, "/w/")
    assert is_logged_in(client)


def test_logout_is_post_only() -> None:
    workspace = WorkspaceFactory()
    client = logged_in_client(member_of(workspace))

    response = client.get("/logout/")

    assert response.status_code == 405
    assert is_logged_in(client)
    assert client.get(home_url(workspace)).status_code == 200


def test_logout_post_ends_the_session_and_returns_to_login() -> None:
    workspace = WorkspaceFactory()
    client = logged_in_client(member_of(workspace))
    assert read_page(client.get(home_url(workspace))).logout_form_action == "/logout/"

    response = client.post("/logout/")

    assert (response.status_code, response["Location"]) == (302, LOGIN_URL)
    assert not is_logged_in(client)
    after = client.get(home_url(workspace))
    assert (after.status_code, after["Location"]) == (
        302,
        f"{LOGIN_URL}?next={home_url(workspace)}",
    )


def test_logout_without_csrf_token_is_refused() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_of(WorkspaceFactory()))

    response = client.post("/logout/")

    assert response.status_code == 403
    assert is_logged_in(client)


def test_signed_in_user_visiting_login_is_sent_on() -> None:
    client = logged_in_client(member_of(WorkspaceFactory(), WorkspaceFactory()))

    response = client.get(LOGIN_URL)

    assert (response.status_code, response["Location"]) == (302, "/w/")


# ------------------------------------------------------------------ throttling


def _exhaust_account(client: Client, username: str) -> None:
    for attempt in range(ACCOUNT_LIMIT):
        response = post_login(client, username, WRONG_PASSWORD)
        assert response.status_code == 200, f"attempt {attempt + 1} was throttled too early"


def test_account_limit_blocks_the_next_attempt_even_with_the_right_password() -> None:
    # given ACCOUNT_LIMIT failed attempts on one account from one address
    user = member_of(WorkspaceFactory())
    client = Client()
    _exhaust_account(client, user.username)

    # when the next attempt has the right password
    response = post_login(client, user.username)

    # then it is refused with 429 and the throttle message, and nobody is logged in
    assert response.status_code == 429
    assert read_page(response).alerts == [THROTTLED]
    assert not is_logged_in(client)


def test_throttled_attempt_does_not_check_the_password(failed_logins: list[str]) -> None:
    """A throttled request must not reach the password hasher (or the failure signal)."""
    user = member_of(WorkspaceFactory())
    client = Client()
    _exhaust_account(client, user.username)
    assert len(failed_logins) == ACCOUNT_LIMIT

    response = post_login(client, user.username, WRONG_PASSWORD)

    assert response.status_code == 429
    assert read_page(response).alerts == [THROTTLED]
    assert len(failed_logins) == ACCOUNT_LIMIT
    assert f'value="{user.username}"' in response.content.decode()


def test_account_limit_ignores_case_whitespace_and_compatibility_forms() -> None:
    """Variants Django's login form folds onto the same account share its window."""
    user = member_of(WorkspaceFactory(), email="casey@example.test")
    client = Client()
    _exhaust_account(client, "casey@example.test")

    upper = post_login(client, "  CASEY@example.test ")
    fullwidth = post_login(client, "\uff43asey@example.test")  # FULLWIDTH LATIN SMALL LETTER C

    assert upper.status_code == 429
    assert fullwidth.status_code == 429
    assert not is_logged_in(client)
    assert user.username == "casey@example.test"


def test_another_account_from_the_same_address_is_not_blocked() -> None:
    victim = member_of(WorkspaceFactory())
    other = member_of(WorkspaceFactory())
    _exhaust_account(Client(), victim.username)
    client = Client()

    response = post_login(client, other.username)

    assert (response.status_code, response["Location"]) == (302, "/w/")
    assert client.session["_auth_user_id"] == str(other.pk)


def test_the_same_account_from_another_address_is_not_blocked() -> None:
    user = member_of(WorkspaceFactory())
    _exhaust_account(Client(REMOTE_ADDR="203.0.113.7"), user.username)
    client = Client(REMOTE_ADDR="198.51.100.9")

    response = post_login(client, user.username)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_successful_login_clears_the_account_window() -> None:
    # given ACCOUNT_LIMIT - 1 failures, then a good password
    user = member_of(WorkspaceFactory())
    for _ in range(ACCOUNT_LIMIT - 1):
        assert post_login(Client(), user.username, WRONG_PASSWORD).status_code == 200
    assert post_login(Client(), user.username).status_code == 302

    # then a full new allowance of attempts is available, and only the one after it is refused
    client = Client()
    statuses = [
        post_login(client, user.username, WRONG_PASSWORD).status_code
        for _ in range(ACCOUNT_LIMIT + 1)
    ]
    assert statuses == [200] * ACCOUNT_LIMIT + [429]


@override_settings(LOGIN_THROTTLE_PER_IP="3/5minutes")
def test_address_limit_blocks_every_account_from_that_address_only() -> None:
    users = [member_of(WorkspaceFactory()) for _ in range(4)]
    for user in users[:3]:
        assert post_login(Client(), user.username, WRONG_PASSWORD).status_code == 200

    blocked = post_login(Client(), users[3].username)
    elsewhere = post_login(Client(REMOTE_ADDR="198.51.100.9"), users[3].username)

    assert blocked.status_code == 429
    assert read_page(blocked).alerts == [THROTTLED]
    assert elsewhere.status_code == 302
