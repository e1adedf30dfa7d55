"""API: auth/token/, me/, w/<slug>/ and the published schema and docs."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.fields import DateTimeField
from rest_framework.test import APIClient

from tenants.models import Plan, Role, Workspace, WorkspaceStatus
from tenants.scope import platform_scope
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

from .api_helpers import (
    API,
    Tenant,
    assert_error,
    assert_no_foreign_data,
    client_for,
    send,
    session_client,
    snapshot,
    token_client,
    ws_url,
)

pytestmark = pytest.mark.django_db


def _workspace_row(workspace: Workspace) -> Workspace:
    with platform_scope("test: read the workspace back"):
        return Workspace.objects.get(pk=workspace.pk)


def _workspace_body(workspace: Workspace) -> dict[str, object]:
    return {
        "id": workspace.pk,
        "name": workspace.name,
        "slug": workspace.slug,
        "plan": workspace.plan,
        "status": workspace.status,
        "created_at": DateTimeField().to_representation(workspace.created_at),
    }


def _set_status(workspace: Workspace, status: str) -> None:
    with platform_scope("test: change a workspace's status"):
        Workspace.objects.filter(pk=workspace.pk).update(status=status)


# ------------------------------------------------------------------ auth/token/


def test_token_is_issued_for_the_right_password_and_authenticates_later_calls(
    alpha: Tenant,
) -> None:
    # given the owner's credentials
    user = alpha.owner.user
    # when they obtain a token and call the API with it (no session, no CSRF token)
    response = APIClient().post(
        f"{API}/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    key = response.json()["token"]
    assert response.json() == {"token": Token.objects.get(user=user).key}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = client.get(f"{API}/me/")
    brands = client.get(alpha.url("brands/"))
    renamed = send(client, "PATCH", alpha.url(), {"name": "Alpha Renamed"})
    # then the token identifies the user for reads and writes
    assert me.status_code == 200 and me.json()["email"] == user.email
    assert brands.status_code == 200
    assert [b["name"] for b in brands.json()] == ["Alpha Store"]
    assert renamed.status_code == 200 and renamed.json()["name"] == "Alpha Renamed"
    assert _workspace_row(alpha.workspace).name == "Alpha Renamed"


def test_token_request_with_a_wrong_password_is_refused_and_issues_nothing(alpha: Tenant) -> None:
    # given a wrong password
    before = snapshot()
    # when a token is requested
    response = APIClient().post(
        f"{API}/auth/token/",
        {"username": alpha.owner.user.username, "password": "not-the-password"},
        format="json",
    )
    # then it is a validation error in the stable shape and no token exists
    error = assert_error(response, 400, "invalid")
    assert list(error["details"]) == ["non_field_errors"]
    assert snapshot() == before


def test_token_requests_are_throttled_like_the_login_page(alpha: Tenant) -> None:
    # given as many wrong guesses as the login page allows for one account
    client = APIClient()
    username = alpha.owner.user.username
    allowed = int(settings.LOGIN_THROTTLE_PER_ACCOUNT.split("/")[0])
    for _ in range(allowed):
        wrong = client.post(
            f"{API}/auth/token/", {"username": username, "password": "guess"}, format="json"
        )
        assert wrong.status_code == 400
    # when the next attempt comes, even with the right password
    response = client.post(
        f"{API}/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    # then it is refused as throttled and no token was issued
    assert_error(response, 429, "throttled")
    assert not Token.objects.filter(user=alpha.owner.user).exists()


def test_a_token_does_not_open_another_workspace(alpha: Tenant, beta: Tenant) -> None:
    # given alpha's owner holding a valid token
    client = token_client(alpha.owner.user)
    before = snapshot()
    # when they read and write beta's workspace with it
    read = client.get(beta.url())
    write = send(client, "PATCH", beta.url(), {"name": "Taken over"})
    # then beta answers exactly like a workspace that does not exist, and nothing changed
    unknown = client.get(ws_url("no-such-workspace"))
    assert_error(read, 404, "workspace_not_found")
    assert_error(write, 404, "workspace_not_found")
    assert read.json() == write.json() == unknown.json()
    assert_no_foreign_data(read, beta)
    assert snapshot() == before


# ------------------------------------------------------------------ me/


def test_me_lists_the_users_workspaces_with_roles_and_hides_terminated_ones(
    alpha: Tenant, beta: Tenant
) -> None:
    # given a user who owns alpha, operates in beta, and belonged to a terminated workspace
    user = alpha.owner.user
    MembershipFactory.create(workspace=beta.workspace, user=user, role=Role.OPERATOR)
    gone = WorkspaceFactory.create(
        name="Gamma Gone", slug="gamma", status=WorkspaceStatus.TERMINATED
    )
    MembershipFactory.create(workspace=gone, user=user, role=Role.OWNER)
    _set_status(beta.workspace, WorkspaceStatus.SUSPENDED)
    # when they ask who they are
    response = client_for(user).get(f"{API}/me/")
    # then they see both live workspaces, ordered by name, with their role in each
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": "alpha-owner@alpha.test",
        "workspaces": [
            {"slug": "alpha", "name": "Alpha Corp", "status": "active", "role": "owner"},
            {"slug": "beta", "name": "Beta Corp", "status": "suspended", "role": "operator"},
        ],
    }


def test_me_never_mentions_workspaces_the_user_is_not_in(alpha: Tenant, beta: Tenant) -> None:
    # given alpha's operator, who has no role in beta
    before = snapshot()
    # when they ask who they are, by session, by token and forced
    responses = [
        make_client(alpha.operator.user).get(f"{API}/me/")
        for make_client in (session_client, token_client, client_for)
    ]
    # then only alpha is listed and nothing of beta appears
    for response in responses:
        assert response.status_code == 200
        assert [w["slug"] for w in response.json()["workspaces"]] == ["alpha"]
        assert_no_foreign_data(response, beta)
    assert snapshot()["memberships"] == before["memberships"]


def test_me_for_a_user_without_workspaces_is_an_empty_list() -> None:
    user = UserFactory.create(email="lonely@example.test")
    response = client_for(user).get(f"{API}/me/")
    assert response.status_code == 200
    assert response.json() == {"id": user.pk, "email": "lonely@example.test", "workspaces": []}


# ------------------------------------------------------------------ w/<slug>/


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ADMIN, Role.OWNER])
def test_every_member_can_read_the_workspace(alpha: Tenant, beta: Tenant, role: str) -> None:
    response = client_for(alpha.member(role).user).get(alpha.url())
    assert response.status_code == 200
    assert response.json() == _workspace_body(alpha.workspace)
    assert_no_foreign_data(response, beta)


def test_admin_renames_the_workspace(alpha: Tenant, beta: Tenant) -> None:
    # given an admin
    before = snapshot()
    # when they rename the workspace (surrounding spaces are trimmed)
    response = send(client_for(alpha.admin.user), "PATCH", alpha.url(), {"name": "  Alpha Two  "})
    # then the new name is returned and stored, and nothing else changed
    assert response.status_code == 200
    stored = _workspace_row(alpha.workspace)
    assert stored.name == "Alpha Two"
    assert response.json() == _workspace_body(stored)
    after = snapshot()
    assert [w for w in after["workspaces"] if w["id"] != alpha.workspace.pk] == [
        w for w in before["workspaces"] if w["id"] != alpha.workspace.pk
    ]
    assert {k: after[k] for k in ("brands", "memberships")} == {
        k: before[k] for k in ("brands", "memberships")
    }


def test_owner_changes_the_plan_and_name(alpha: Tenant) -> None:
    response = send(
        client_for(alpha.owner.user),
        "PATCH",
        alpha.url(),
        {"name": "Alpha Enterprise", "plan": Plan.ENTERPRISE},
    )
    assert response.status_code == 200
    stored = _workspace_row(alpha.workspace)
    assert (stored.name, stored.plan) == ("Alpha Enterprise", Plan.ENTERPRISE)
    assert response.json() == _workspace_body(stored)


def test_admin_may_resend_the_current_plan_while_renaming(alpha: Tenant) -> None:
    # given the workspace is on Pro: an admin form that posts every field back is fine
    response = send(
        client_for(alpha.admin.user), "PATCH", alpha.url(), {"name": "Alpha B", "plan": Plan.PRO}
    )
    assert response.status_code == 200
    stored = _workspace_row(alpha.workspace)
    assert (stored.name, stored.plan) == ("Alpha B", Plan.PRO)


@pytest.mark.parametrize(
    ("role", "body"),
    [
        (Role.OPERATOR, {"name": "Operator rename"}),
        (Role.OPERATOR, {"plan": Plan.ENTERPRISE}),
        (Role.ADMIN, {"plan": Plan.ENTERPRISE}),
        (Role.ADMIN, {"name": "Half applied?", "plan": Plan.STARTER}),
    ],
)
def test_workspace_settings_need_the_right_role(alpha: Tenant, role: str, body: dict) -> None:
    # given a member below the needed role
    before = snapshot()
    # when they change settings they may not change
    response = send(client_for(alpha.member(role).user), "PATCH", alpha.url(), body)
    # then it is 403 insufficient_role and not even the allowed part was applied
    assert_error(response, 403, "insufficient_role")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"plan": "platinum"}, "plan"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": None}, "name"),
        ({"status": "active"}, "status"),
        ({"slug": "alpha-new"}, "slug"),
    ],
)
def test_invalid_workspace_changes_are_refused(alpha: Tenant, body: dict, field: str) -> None:
    before = snapshot()
    response = send(client_for(alpha.owner.user), "PATCH", alpha.url(), body)
    error = assert_error(response, 400, "invalid")
    assert list(error["details"]) == [field]
    assert snapshot() == before


def test_member_of_one_workspace_cannot_reach_another_by_slug(alpha: Tenant, beta: Tenant) -> None:
    # given alpha's owner
    client = client_for(alpha.owner.user)
    before = snapshot()
    # when they read and patch beta, and an unknown slug
    read = client.get(beta.url())
    patch = send(client, "PATCH", beta.url(), {"name": "Owned", "plan": Plan.STARTER})
    unknown = send(client, "PATCH", ws_url("no-such-workspace"), {"name": "Owned"})
    # then beta is indistinguishable from a workspace that does not exist, and nothing changed
    for response in (read, patch, unknown):
        assert_error(response, 404, "workspace_not_found")
        assert_no_foreign_data(response, beta)
    assert read.json() == patch.json() == unknown.json()
    assert snapshot() == before


def test_terminated_workspace_refuses_its_members(alpha: Tenant) -> None:
    # given alpha was terminated
    _set_status(alpha.workspace, WorkspaceStatus.TERMINATED)
    before = snapshot()
    client = client_for(alpha.owner.user)
    # when its owner reads it or tries to revive it by renaming
    read = client.get(alpha.url())
    patch = send(client, "PATCH", alpha.url(), {"name": "Back again"})
    # then both are 403 workspace_terminated and nothing changed
    assert_error(read, 403, "workspace_terminated")
    assert_error(patch, 403, "workspace_terminated")
    assert snapshot() == before


def test_suspended_workspace_is_still_manageable(alpha: Tenant) -> None:
    # given a suspended workspace (only AI and the widget pause)
    _set_status(alpha.workspace, WorkspaceStatus.SUSPENDED)
    response = send(client_for(alpha.admin.user), "PATCH", alpha.url(), {"name": "Alpha Paused"})
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    assert _workspace_row(alpha.workspace).name == "Alpha Paused"


# ------------------------------------------------------------------ schema and docs

API_PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/me/",
    "/api/v1/w/{workspace_slug}/",
    "/api/v1/w/{workspace_slug}/members/",
    "/api/v1/w/{workspace_slug}/members/{member_id}/",
    "/api/v1/w/{workspace_slug}/brands/",
    "/api/v1/w/{workspace_slug}/brands/{brand_id}/",
    "/api/v1/w/{workspace_slug}/brands/{brand_id}/rotate-widget-key/",
    "/api/v1/w/{workspace_slug}/redaction/",
    "/api/v1/w/{workspace_slug}/redaction/preview/",
    "/api/v1/widget/{widget_key}/config/",
    "/api/v1/widget/{widget_key}/session/",
    "/api/v1/w/{workspace_slug}/brands/{brand_id}/identity-secret/",
    "/api/v1/w/{workspace_slug}/conversations/",
    "/api/v1/w/{workspace_slug}/conversations/{conversation_id}/",
    "/api/v1/w/{workspace_slug}/conversations/{conversation_id}/assign/",
    "/api/v1/w/{workspace_slug}/conversations/{conversation_id}/unassign/",
    "/api/v1/w/{workspace_slug}/conversations/{conversation_id}/resolve/",
    "/api/v1/w/{workspace_slug}/conversations/{conversation_id}/reopen/",
    "/api/v1/w/{workspace_slug}/ai/settings/",
    "/api/v1/w/{workspace_slug}/ai/keys/",
    "/api/v1/w/{workspace_slug}/ai/keys/{provider}/",
    "/api/v1/w/{workspace_slug}/ai/endpoints/",
    "/api/v1/w/{workspace_slug}/ai/endpoints/{endpoint_id}/",
    "/api/v1/w/{workspace_slug}/ai/ledger/",
    "/api/v1/w/{workspace_slug}/ai/ledger/export/",
    "/api/v1/w/{workspace_slug}/ai/agents/",
    "/api/v1/w/{workspace_slug}/ai/agents/{brand_id}/",
    "/api/v1/w/{workspace_slug}/ai/artifacts/{artifact_id}/",
    "/api/v1/w/{workspace_slug}/ai/conversations/{conversation_id}/",
    "/api/v1/w/{workspace_slug}/ai/conversations/{conversation_id}/replies/",
    "/api/v1/w/{workspace_slug}/ai/conversations/{conversation_id}/reply-translations/",
    "/api/v1/w/{workspace_slug}/ai/conversations/{conversation_id}/summary/",
    "/api/v1/w/{workspace_slug}/ai/features/",
    "/api/v1/w/{workspace_slug}/ai/saved-replies/",
    "/api/v1/w/{workspace_slug}/ai/saved-replies/{reply_id}/",
]


def test_schema_is_an_openapi_document_listing_every_endpoint() -> None:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "SupportDesk API"
    assert sorted(document["paths"]) == sorted(API_PATHS)
    methods = {path: sorted(ops) for path, ops in document["paths"].items()}
    assert methods["/api/v1/w/{workspace_slug}/"] == ["get", "patch"]
    assert methods["/api/v1/w/{workspace_slug}/members/{member_id}/"] == ["delete", "get", "patch"]
    assert methods["/api/v1/w/{workspace_slug}/brands/{brand_id}/rotate-widget-key/"] == ["post"]


def test_docs_page_is_html() -> None:
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"swagger-ui" in response.content
    assert b"/api/schema/" in response.content
