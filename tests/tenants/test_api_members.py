"""API: w/<slug>/members/ and w/<slug>/members/<id>/."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.fields import DateTimeField

from tenants.models import Membership, Role, Workspace, WorkspaceStatus
from tenants.scope import platform_scope, workspace_scope
from tests.factories import MembershipFactory, UserFactory

from .api_helpers import (
    Tenant,
    assert_error,
    assert_no_foreign_data,
    client_for,
    send,
    snapshot,
    ws_url,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


def _member_body(membership: Membership) -> dict[str, Any]:
    return {
        "id": membership.pk,
        "email": membership.user.email,
        "name": membership.user.get_full_name(),
        "role": membership.role,
        "created_at": DateTimeField().to_representation(membership.created_at),
    }


def _members(tenant: Tenant) -> dict[str, str]:
    """email -> role of every member, read inside the tenant's scope."""
    with workspace_scope(tenant.workspace.pk):
        return dict(Membership.objects.values_list("user__email", "role"))


# ------------------------------------------------------------------ happy paths


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ADMIN, Role.OWNER])
def test_every_member_lists_the_members_of_their_workspace_only(
    alpha: Tenant, beta: Tenant, role: str
) -> None:
    response = client_for(alpha.member(role).user).get(alpha.url("members/"))
    assert response.status_code == 200
    assert response.json() == [
        _member_body(alpha.owner),
        _member_body(alpha.admin),
        _member_body(alpha.operator),
    ]
    assert response.json()[0]["name"] == "Alpha Owner"
    assert_no_foreign_data(response, beta)


def test_operator_reads_one_member(alpha: Tenant) -> None:
    response = client_for(alpha.operator.user).get(alpha.url(f"members/{alpha.admin.pk}/"))
    assert response.status_code == 200
    assert response.json() == _member_body(alpha.admin)


def test_owner_invites_a_new_person(alpha: Tenant, beta: Tenant) -> None:
    # given an email nobody uses yet, typed with capitals and spaces
    before = snapshot()
    # when the owner adds it as an admin
    response = send(
        client_for(alpha.owner.user),
        "POST",
        alpha.url("members/"),
        {"email": "  New.Person@Example.TEST ", "role": "admin"},
    )
    # then a membership for a new, password-less account is created in alpha only
    assert response.status_code == 201
    with workspace_scope(alpha.workspace.pk):
        created = Membership.objects.select_related("user").get(pk=response.json()["id"])
    assert response.json() == _member_body(created)
    assert (created.user.email, created.user.username, created.role) == (
        "new.person@example.test",
        "new.person@example.test",
        Role.ADMIN,
    )
    assert created.user.has_usable_password() is False
    assert created.workspace_id == alpha.workspace.pk
    after = snapshot()
    assert len(after["users"]) == len(before["users"]) + 1
    assert [m for m in after["memberships"] if m["id"] != created.pk] == before["memberships"]
    assert _members(beta) == {
        "beta-owner@beta.test": "owner",
        "beta-admin@beta.test": "admin",
        "beta-operator@beta.test": "operator",
    }


def test_owner_adds_someone_who_already_has_an_account_elsewhere(
    alpha: Tenant, beta: Tenant
) -> None:
    # given beta's operator (an existing account)
    existing = beta.operator.user
    before = snapshot()
    # when alpha's owner adds that email
    response = send(
        client_for(alpha.owner.user),
        "POST",
        alpha.url("members/"),
        {"email": existing.email.upper(), "role": "operator"},
    )
    # then the same account joins alpha, and beta's rows are untouched
    assert response.status_code == 201
    with workspace_scope(alpha.workspace.pk):
        created = Membership.objects.get(pk=response.json()["id"])
    assert created.user_id == existing.pk
    after = snapshot()
    assert after["users"] == before["users"]
    assert [m for m in after["memberships"] if m["id"] != created.pk] == before["memberships"]


def test_owner_adds_an_account_whose_username_is_that_email(alpha: Tenant) -> None:
    # given an account that signs in as "old@example.test" but has since changed its email
    account = UserFactory.create(username="old@example.test", email="new-address@example.test")
    # when the owner adds "old@example.test"
    response = send(
        client_for(alpha.owner.user),
        "POST",
        alpha.url("members/"),
        {"email": "old@example.test", "role": "operator"},
    )
    # then that account joins (no duplicate account, no server error)
    assert response.status_code == 201, response.content
    with workspace_scope(alpha.workspace.pk):
        assert Membership.objects.get(pk=response.json()["id"]).user_id == account.pk


def test_owner_changes_a_role(alpha: Tenant) -> None:
    before = snapshot()
    response = send(
        client_for(alpha.owner.user),
        "PATCH",
        alpha.url(f"members/{alpha.operator.pk}/"),
        {"role": "admin"},
    )
    assert response.status_code == 200
    with workspace_scope(alpha.workspace.pk):
        stored = Membership.objects.select_related("user").get(pk=alpha.operator.pk)
    assert stored.role == Role.ADMIN
    assert response.json() == _member_body(stored)
    after = snapshot()
    assert [m for m in after["memberships"] if m["id"] != stored.pk] == [
        m for m in before["memberships"] if m["id"] != stored.pk
    ]


def test_owner_removes_a_member_and_keeps_their_account(alpha: Tenant, beta: Tenant) -> None:
    before = snapshot()
    response = client_for(alpha.owner.user).delete(alpha.url(f"members/{alpha.admin.pk}/"))
    assert response.status_code == 204
    assert response.content == b""
    assert _members(alpha) == {
        "alpha-owner@alpha.test": "owner",
        "alpha-operator@alpha.test": "operator",
    }
    after = snapshot()
    assert after["users"] == before["users"]
    assert after["memberships"] == [m for m in before["memberships"] if m["id"] != alpha.admin.pk]
    assert len(_members(beta)) == 3


def test_an_owner_can_hand_over_and_step_down(alpha: Tenant) -> None:
    # given the sole owner promotes the admin to owner
    client = client_for(alpha.owner.user)
    promote = send(client, "PATCH", alpha.url(f"members/{alpha.admin.pk}/"), {"role": "owner"})
    # when they then demote themselves and another owner remains
    demote = send(client, "PATCH", alpha.url(f"members/{alpha.owner.pk}/"), {"role": "operator"})
    # then both succeed
    assert (promote.status_code, demote.status_code) == (200, 200)
    assert _members(alpha) == {
        "alpha-owner@alpha.test": "operator",
        "alpha-admin@alpha.test": "owner",
        "alpha-operator@alpha.test": "operator",
    }


def test_an_owner_may_leave_while_another_owner_remains(alpha: Tenant) -> None:
    MembershipFactory.create(
        workspace=alpha.workspace, role=Role.OWNER, user=UserFactory.create(email="co@alpha.test")
    )
    response = client_for(alpha.owner.user).delete(alpha.url(f"members/{alpha.owner.pk}/"))
    assert response.status_code == 204
    assert "alpha-owner@alpha.test" not in _members(alpha)


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ADMIN])
@pytest.mark.parametrize(
    ("method", "target", "body"),
    [
        ("POST", None, {"email": "sneaky@example.test", "role": "owner"}),
        ("PATCH", "operator", {"role": "owner"}),
        ("PATCH", "owner", {"role": "operator"}),
        ("PATCH", "self", {"role": "owner"}),
        ("DELETE", "owner", None),
        ("DELETE", "operator", None),
    ],
)
def test_only_owners_manage_members(
    alpha: Tenant, role: str, method: str, target: str | None, body: Any
) -> None:
    # given an admin or operator
    actor = alpha.member(role)
    member = {"owner": alpha.owner, "operator": alpha.operator, "self": actor, None: None}[target]
    url = alpha.url("members/" if member is None else f"members/{member.pk}/")
    before = snapshot()
    # when they add, promote, demote or remove someone
    response = send(client_for(actor.user), method, url, body)
    # then it is 403 insufficient_role and nothing changed
    assert_error(response, 403, "insufficient_role")
    assert snapshot() == before


def test_the_last_owner_cannot_demote_themselves(alpha: Tenant) -> None:
    before = snapshot()
    response = send(
        client_for(alpha.owner.user),
        "PATCH",
        alpha.url(f"members/{alpha.owner.pk}/"),
        {"role": "admin"},
    )
    error = assert_error(response, 409, "last_owner")
    assert error["message"] == "A workspace keeps at least one owner."
    assert snapshot() == before


def test_the_last_owner_cannot_leave(alpha: Tenant) -> None:
    before = snapshot()
    response = client_for(alpha.owner.user).delete(alpha.url(f"members/{alpha.owner.pk}/"))
    assert_error(response, 409, "last_owner")
    assert snapshot() == before


def test_the_last_owner_may_keep_the_owner_role(alpha: Tenant) -> None:
    response = send(
        client_for(alpha.owner.user),
        "PATCH",
        alpha.url(f"members/{alpha.owner.pk}/"),
        {"role": "owner"},
    )
    assert response.status_code == 200
    assert _members(alpha)["alpha-owner@alpha.test"] == "owner"


def test_adding_an_existing_member_again_is_a_conflict(alpha: Tenant) -> None:
    before = snapshot()
    response = send(
        client_for(alpha.owner.user),
        "POST",
        alpha.url("members/"),
        {"email": " ALPHA-Operator@alpha.test", "role": "admin"},
    )
    error = assert_error(response, 409, "already_member")
    assert error["message"] == "alpha-operator@alpha.test is already a member of this workspace."
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("POST", {"email": "not-an-email", "role": "admin"}, "email"),
        ("POST", {"email": "x@example.test", "role": "superuser"}, "role"),
        ("POST", {"role": "admin"}, "email"),
        ("POST", {"email": "x@example.test"}, "role"),
        ("POST", {"email": "x@example.test", "role": "admin", "workspace": 1}, "workspace"),
        ("PATCH", {"role": "god"}, "role"),
        ("PATCH", {}, "role"),
        ("PATCH", {"role": "admin", "user": 1}, "user"),
    ],
)
def test_invalid_member_input_is_refused(
    alpha: Tenant, method: str, body: dict, field: str
) -> None:
    url = alpha.url("members/" if method == "POST" else f"members/{alpha.operator.pk}/")
    before = snapshot()
    response = send(client_for(alpha.owner.user), method, url, body)
    error = assert_error(response, 400, "invalid")
    assert list(error["details"]) == [field]
    assert snapshot() == before


# ------------------------------------------------------------------ across workspaces


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "members/", None),
        ("POST", "members/", {"email": "spy@example.test", "role": "owner"}),
        ("GET", "members/{id}/", None),
        ("PATCH", "members/{id}/", {"role": "operator"}),
        ("DELETE", "members/{id}/", None),
    ],
)
def test_member_of_alpha_cannot_reach_betas_members_by_slug(
    alpha: Tenant, beta: Tenant, method: str, suffix: str, body: Any
) -> None:
    # given alpha's owner and beta's owner membership id
    client = client_for(alpha.owner.user)
    path = suffix.format(id=beta.owner.pk)
    before = snapshot()
    # when they call beta's URL, and the same URL under an unknown slug
    response = send(client, method, beta.url(path), body)
    unknown = send(client, method, ws_url("no-such-workspace", path), body)
    # then both are the same 404 and nothing changed anywhere
    assert_error(response, 404, "workspace_not_found")
    assert response.json() == unknown.json()
    assert_no_foreign_data(response, beta)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "body"),
    [("GET", None), ("PATCH", {"role": "operator"}), ("DELETE", None)],
)
@pytest.mark.parametrize("also_member_of_beta", [False, True])
def test_betas_member_id_under_alphas_url_is_not_found(
    alpha: Tenant, beta: Tenant, method: str, body: Any, also_member_of_beta: bool
) -> None:
    # given alpha's owner (possibly also beta's owner) and beta's owner membership id
    if also_member_of_beta:
        MembershipFactory.create(workspace=beta.workspace, user=alpha.owner.user, role=Role.OWNER)
    client = client_for(alpha.owner.user)
    before = snapshot()
    # when they use beta's id under alpha's URL, and an id that does not exist
    response = send(client, method, alpha.url(f"members/{beta.owner.pk}/"), body)
    missing = send(client, method, alpha.url("members/987654321/"), body)
    # then both are the same 404 not_found and nothing changed in either workspace
    assert_error(response, 404, "not_found")
    assert response.json() == missing.json()
    assert_no_foreign_data(response, beta)
    assert snapshot() == before
    with platform_scope("test: beta's owner is still there"):
        assert Membership.objects.unscoped().get(pk=beta.owner.pk).role == Role.OWNER


def test_terminated_workspace_refuses_member_changes(alpha: Tenant) -> None:
    with platform_scope("test: terminate alpha"):
        Workspace.objects.filter(pk=alpha.workspace.pk).update(status=WorkspaceStatus.TERMINATED)
    client = client_for(alpha.owner.user)
    before = snapshot()
    add = send(
        client, "POST", alpha.url("members/"), {"email": "late@example.test", "role": "admin"}
    )
    remove = client.delete(alpha.url(f"members/{alpha.operator.pk}/"))
    assert_error(add, 403, "workspace_terminated")
    assert_error(remove, 403, "workspace_terminated")
    assert snapshot() == before
