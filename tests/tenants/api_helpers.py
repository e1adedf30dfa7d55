"""Shared pieces of the /api/v1/ tests: two fully populated workspaces, clients, URL builders,
the error-shape assertion and a platform-wide snapshot for "nothing changed" checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tenants.models import Brand, Membership, Role, Workspace
from tenants.scope import platform_scope, workspace_scope
from tests.factories import BrandFactory, MembershipFactory, UserFactory, WorkspaceFactory

API = "/api/v1"


@dataclass
class Tenant:
    """One workspace with an owner, an admin, an operator and one brand, all with distinctive
    names so a response body can be searched for them."""

    workspace: Workspace
    owner: Membership
    admin: Membership
    operator: Membership
    brand: Brand

    def member(self, role: str) -> Membership:
        return {Role.OWNER: self.owner, Role.ADMIN: self.admin, Role.OPERATOR: self.operator}[
            Role(role)
        ]

    def url(self, suffix: str = "") -> str:
        return ws_url(self.workspace.slug, suffix)

    def markers(self) -> list[str]:
        """Strings that identify this tenant's rows; none may appear in another tenant's answers."""
        with platform_scope("test: collect a tenant's identifying strings"):
            brands = list(Brand.objects.unscoped().filter(workspace=self.workspace))
            members = list(
                Membership.objects.unscoped()
                .filter(workspace=self.workspace)
                .select_related("user")
            )
        return [
            self.workspace.name,
            # the bare slug is a short word that a random widget key could contain by chance
            f'"{self.workspace.slug}"',
            f"/w/{self.workspace.slug}/",
            *(b.name for b in brands),
            *(b.widget_key for b in brands),
            *(m.user.email for m in members),
        ]


def make_tenant(label: str) -> Tenant:
    """``label`` is a lowercase word such as "alpha"; it prefixes every name in the tenant.

    Built with the factories and saved in bulk inside the workspace scope (as the factories
    do), because every API test needs two of these and one row at a time is slow."""
    workspace = WorkspaceFactory.create(name=f"{label.title()} Corp", slug=label)
    roles = (Role.OWNER, Role.ADMIN, Role.OPERATOR)
    users = get_user_model().objects.bulk_create(
        [
            UserFactory.build(
                email=f"{label}-{role}@{label}.test",
                first_name=label.title(),
                last_name=role.title(),
            )
            for role in roles
        ]
    )
    with workspace_scope(workspace.pk):
        owner, admin, operator = Membership.objects.bulk_create(
            [
                MembershipFactory.build(workspace=workspace, user=user, role=role)
                for user, role in zip(users, roles, strict=True)
            ]
        )
        brand = BrandFactory.build(
            workspace=workspace,
            name=f"{label.title()} Store",
            allowed_origins=[f"https://shop.{label}.test"],
        )
        brand.save()
    return Tenant(workspace, owner, admin, operator, brand)


def ws_url(slug: str, suffix: str = "") -> str:
    return f"{API}/w/{slug}/{suffix}"


def client_for(user: Any) -> APIClient:
    """A client DRF treats as ``user`` (force_authenticate): like a token client, the middleware
    sees no user and the API view binds the scopes itself. The quickest path, used by default."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def session_client(user: Any, *, enforce_csrf_checks: bool = False) -> APIClient:
    """A signed-in browser session: the middleware binds the user before the API view runs."""
    client = APIClient(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


def token_client(user: Any) -> APIClient:
    """A client that authenticates with a DRF token header (the integration path)."""
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def send(client: APIClient, method: str, url: str, body: Any = None) -> Any:
    """Send ``body`` as JSON (no body at all when it is None)."""
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method.lower())(url, **kwargs)


def assert_error(response: Any, status: int, code: str, note: object = "") -> dict[str, Any]:
    """The one error shape: {"error": {"code", "message", "details"}}, with a useful message.

    ``note`` names the case in a failure report when one test sends several requests."""
    assert response.status_code == status, (note, response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json", note
    body = response.json()
    assert list(body) == ["error"], note
    error = body["error"]
    assert sorted(error) == ["code", "details", "message"], note
    assert error["code"] == code, (note, error)
    assert isinstance(error["message"], str) and error["message"].strip(), note
    assert isinstance(error["details"], dict), note
    return dict(error)


def assert_no_foreign_data(response: Any, *foreign: Tenant) -> None:
    content = response.content.decode()
    for tenant in foreign:
        for marker in tenant.markers():
            assert marker not in content, f"{marker!r} leaked into the response"


def snapshot() -> dict[str, list[Any]]:
    """Every workspace, brand, membership, user and token, read across tenants."""
    user_model = get_user_model()
    with platform_scope("test: snapshot every tenant's rows"):
        return {
            "workspaces": list(Workspace.objects.order_by("pk").values()),
            "brands": list(Brand.objects.unscoped().order_by("pk").values()),
            "memberships": list(Membership.objects.unscoped().order_by("pk").values()),
            "users": list(
                user_model.objects.order_by("pk").values(
                    "pk", "username", "email", "password", "is_active"
                )
            ),
            "tokens": list(Token.objects.order_by("user_id").values("user_id", "key")),
        }
