"""Password changes go through Django's validators (length, common, numeric, similarity)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("83749201938475", "entirely numeric"),
    ],
)
def test_weak_new_password_is_refused_and_old_one_still_works(
    client: Client, new_password: str, message: str
) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_wrong_old_password_is_refused(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    new = "a-much-better-passphrase-42"
    response = client.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_strong_new_password_is_accepted_and_session_kept(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    new = "a-much-better-passphrase-42"
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/password/done/"
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get("/account/password/done/").status_code == 200


def test_password_change_needs_login(client: Client) -> None:
    response = client.get("/account/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
