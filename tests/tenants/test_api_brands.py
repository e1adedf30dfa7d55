"""API: w/<slug>/brands/, brands/<id>/, brands/<id>/rotate-widget-key/ and widget/<key>/config/."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.fields import DateTimeField
from rest_framework.test import APIClient

from tenants.models import Brand, Role, Workspace, WorkspaceStatus
from tenants.scope import platform_scope, workspace_scope
from tests.factories import BrandFactory, MembershipFactory

from .api_helpers import (
    API,
    Tenant,
    assert_error,
    assert_no_foreign_data,
    client_for,
    send,
    snapshot,
    ws_url,
)

pytestmark = pytest.mark.django_db


def _brand_body(brand: Brand) -> dict[str, Any]:
    return {
        "id": brand.pk,
        "name": brand.name,
        "widget_key": brand.widget_key,
        "allowed_origins": brand.allowed_origins,
        "default_language": brand.default_language,
        "created_at": DateTimeField().to_representation(brand.created_at),
    }


def _brands(tenant: Tenant) -> list[Brand]:
    with workspace_scope(tenant.workspace.pk):
        return list(Brand.objects.all())


def _stored(tenant: Tenant, brand_id: int) -> Brand:
    with workspace_scope(tenant.workspace.pk):
        return Brand.objects.get(pk=brand_id)


def _set_status(workspace: Workspace, status: str) -> None:
    with platform_scope("test: change a workspace's status"):
        Workspace.objects.filter(pk=workspace.pk).update(status=status)


def _widget_config(key: str, origin: str | None = None) -> Any:
    url = f"{API}/widget/{key}/config/"
    return APIClient().get(url, HTTP_ORIGIN=origin) if origin else APIClient().get(url)


# ------------------------------------------------------------------ happy paths


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ADMIN, Role.OWNER])
def test_every_member_lists_their_workspaces_brands_only(
    alpha: Tenant, beta: Tenant, role: str
) -> None:
    second = BrandFactory.create(workspace=alpha.workspace, name="Alpha Outlet")
    response = client_for(alpha.member(role).user).get(alpha.url("brands/"))
    assert response.status_code == 200
    assert response.json() == [_brand_body(second), _brand_body(alpha.brand)]
    assert_no_foreign_data(response, beta)


def test_operator_reads_one_brand(alpha: Tenant) -> None:
    response = client_for(alpha.operator.user).get(alpha.url(f"brands/{alpha.brand.pk}/"))
    assert response.status_code == 200
    assert response.json() == _brand_body(alpha.brand)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OWNER])
def test_admins_and_owners_create_a_brand(alpha: Tenant, beta: Tenant, role: str) -> None:
    # given an admin or owner
    before = snapshot()
    # when they create a brand with messy but valid origins
    response = send(
        client_for(alpha.member(role).user),
        "POST",
        alpha.url("brands/"),
        {
            "name": "  Alpha Kids ",
            "allowed_origins": [
                "HTTPS://Kids.Alpha.TEST/",
                "https://kids.alpha.test",
                "http://localhost:8000",
            ],
            "default_language": "pt-BR",
        },
    )
    # then the brand is stored in alpha, normalised, with a fresh public widget key
    assert response.status_code == 201
    created = _stored(alpha, response.json()["id"])
    assert response.json() == _brand_body(created)
    assert created.workspace_id == alpha.workspace.pk
    assert created.name == "Alpha Kids"
    assert created.allowed_origins == ["https://kids.alpha.test", "http://localhost:8000"]
    assert created.default_language == "pt-BR"
    assert created.widget_key.startswith("wk_") and len(created.widget_key) > 30
    after = snapshot()
    assert [b for b in after["brands"] if b["id"] != created.pk] == before["brands"]
    assert [b.name for b in _brands(beta)] == ["Beta Store"]


def test_a_brand_needs_only_a_name(alpha: Tenant) -> None:
    response = send(client_for(alpha.admin.user), "POST", alpha.url("brands/"), {"name": "Bare"})
    assert response.status_code == 201
    created = _stored(alpha, response.json()["id"])
    assert (created.allowed_origins, created.default_language) == ([], "en")


def test_admin_updates_a_brand(alpha: Tenant) -> None:
    before = snapshot()
    response = send(
        client_for(alpha.admin.user),
        "PATCH",
        alpha.url(f"brands/{alpha.brand.pk}/"),
        {
            "name": "Alpha Shop",
            "allowed_origins": ["https://www.alpha.test"],
            "default_language": "de",
        },
    )
    assert response.status_code == 200
    stored = _stored(alpha, alpha.brand.pk)
    assert (stored.name, stored.allowed_origins, stored.default_language) == (
        "Alpha Shop",
        ["https://www.alpha.test"],
        "de",
    )
    assert stored.widget_key == alpha.brand.widget_key
    assert response.json() == _brand_body(stored)
    after = snapshot()
    assert [b for b in after["brands"] if b["id"] != stored.pk] == [
        b for b in before["brands"] if b["id"] != stored.pk
    ]


def test_a_partial_update_leaves_other_fields_alone(alpha: Tenant) -> None:
    response = send(
        client_for(alpha.admin.user),
        "PATCH",
        alpha.url(f"brands/{alpha.brand.pk}/"),
        {"allowed_origins": []},
    )
    assert response.status_code == 200
    stored = _stored(alpha, alpha.brand.pk)
    assert (stored.name, stored.allowed_origins, stored.default_language) == (
        "Alpha Store",
        [],
        "en",
    )


def test_admin_deletes_a_brand(alpha: Tenant) -> None:
    other = BrandFactory.create(workspace=alpha.workspace, name="Alpha Outlet")
    before = snapshot()
    response = client_for(alpha.admin.user).delete(alpha.url(f"brands/{alpha.brand.pk}/"))
    assert response.status_code == 204
    assert response.content == b""
    assert _brands(alpha) == [other]
    assert snapshot()["brands"] == [b for b in before["brands"] if b["id"] != alpha.brand.pk]


def test_admin_rotates_the_widget_key_and_the_old_key_stops_working(alpha: Tenant) -> None:
    # given the brand's current key works
    old_key = alpha.brand.widget_key
    assert _widget_config(old_key).status_code == 200
    # when an admin rotates it
    response = client_for(alpha.admin.user).post(
        alpha.url(f"brands/{alpha.brand.pk}/rotate-widget-key/")
    )
    # then a new key is returned and stored, the old one is unknown, the new one works
    assert response.status_code == 200
    stored = _stored(alpha, alpha.brand.pk)
    assert stored.widget_key != old_key and stored.widget_key.startswith("wk_")
    assert response.json() == _brand_body(stored)
    assert_error(_widget_config(old_key), 404, "not_found")
    assert _widget_config(stored.widget_key).json()["brand"] == "Alpha Store"


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("POST", "brands/", {"name": "Operator brand"}),
        ("PATCH", "brands/{id}/", {"name": "Operator rename"}),
        ("DELETE", "brands/{id}/", None),
        ("POST", "brands/{id}/rotate-widget-key/", None),
    ],
)
def test_operators_cannot_change_brands(alpha: Tenant, method: str, suffix: str, body: Any) -> None:
    before = snapshot()
    response = send(
        client_for(alpha.operator.user), method, alpha.url(suffix.format(id=alpha.brand.pk)), body
    )
    error = assert_error(response, 403, "insufficient_role")
    assert error["message"] == "This needs the admin role in this workspace."
    assert snapshot() == before


def test_duplicate_brand_name_is_a_conflict(alpha: Tenant) -> None:
    before = snapshot()
    response = send(
        client_for(alpha.admin.user), "POST", alpha.url("brands/"), {"name": " Alpha Store "}
    )
    error = assert_error(response, 409, "brand_exists")
    assert error["message"] == "A brand named 'Alpha Store' already exists in this workspace."
    assert snapshot() == before


def test_renaming_onto_an_existing_brand_name_is_a_conflict(alpha: Tenant) -> None:
    other = BrandFactory.create(workspace=alpha.workspace, name="Alpha Outlet")
    before = snapshot()
    response = send(
        client_for(alpha.admin.user),
        "PATCH",
        alpha.url(f"brands/{other.pk}/"),
        {"name": "Alpha Store"},
    )
    assert_error(response, 409, "brand_exists")
    assert snapshot() == before


def test_the_same_brand_name_is_fine_in_another_workspace(alpha: Tenant, beta: Tenant) -> None:
    response = send(
        client_for(alpha.admin.user), "POST", alpha.url("brands/"), {"name": "Beta Store"}
    )
    assert response.status_code == 201
    assert [b.name for b in _brands(alpha)] == ["Alpha Store", "Beta Store"]
    assert [b.name for b in _brands(beta)] == ["Beta Store"]


INVALID_ORIGINS = [
    "shop.example.com",
    "ftp://shop.example.com",
    "javascript://shop.example.com",
    "https://shop.example.com/path",
    "https://shop.example.com?x=1",
    "https://shop.example.com#top",
    "https://user:secret@shop.example.com",
    "https://shop.example.com:99999",
    "https://shop.example.com:port",
    "https://shop.example.com:0",
    "https://",
    "https://[::1",
    "https://[fe80::1%25eth0]",
    "https://shop example.com",
    "https://shop_example.com",
    "https://-shop.example.com",
]


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_invalid_origins_are_refused(alpha: Tenant, method: str) -> None:
    client = client_for(alpha.admin.user)
    url = alpha.url("brands/" if method == "POST" else f"brands/{alpha.brand.pk}/")
    before = snapshot()
    for origin in INVALID_ORIGINS:
        body = {"name": "Alpha Origins", "allowed_origins": ["https://ok.alpha.test", origin]}
        error = assert_error(send(client, method, url, body), 400, "invalid_origins", origin)
        assert error["message"] == (
            f"{origin!r} is not an origin: use scheme://host[:port] with no path."
        )
        assert error["details"] == {"origin": origin}
    assert snapshot() == before


def test_origins_with_default_ports_and_ipv6_hosts_match_what_browsers_send(alpha: Tenant) -> None:
    # given origins written with an explicit default port and an IPv6 literal
    response = send(
        client_for(alpha.admin.user),
        "PATCH",
        alpha.url(f"brands/{alpha.brand.pk}/"),
        {
            "allowed_origins": [
                "https://shop.alpha.test:443",
                "http://shop.alpha.test:80",
                "http://[::1]:8000",
                "https://shop.alpha.test:8443",
            ]
        },
    )
    # then they are stored the way a browser writes the Origin header
    assert response.status_code == 200
    stored = _stored(alpha, alpha.brand.pk)
    assert stored.allowed_origins == [
        "https://shop.alpha.test",
        "http://shop.alpha.test",
        "http://[::1]:8000",
        "https://shop.alpha.test:8443",
    ]
    # and the widget answers CORS for the browser's form of the origin
    config = _widget_config(stored.widget_key, origin="https://shop.alpha.test")
    assert config["Access-Control-Allow-Origin"] == "https://shop.alpha.test"


def test_too_many_origins_are_refused(alpha: Tenant) -> None:
    before = snapshot()
    origins = [f"https://s{n}.alpha.test" for n in range(51)]
    response = send(
        client_for(alpha.admin.user),
        "POST",
        alpha.url("brands/"),
        {"name": "Many", "allowed_origins": origins},
    )
    error = assert_error(response, 400, "invalid")
    assert list(error["details"]) == ["allowed_origins"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"name": ""}, 400, "invalid", "name"),
        ({"name": "   "}, 400, "invalid", "name"),
        ({"name": "x" * 121}, 400, "invalid", "name"),
        ({"name": "Nul\u0000byte"}, 400, "invalid", "name"),
        ({"name": "Ok", "allowed_origins": "https://a.test"}, 400, "invalid", "allowed_origins"),
        ({"name": "Ok", "allowed_origins": [""]}, 400, "invalid", "allowed_origins"),
        ({"name": "Ok", "allowed_origins": [None]}, 400, "invalid", "allowed_origins"),
        ({"name": "Ok", "default_language": "e"}, 400, "invalid_language", None),
        ({"name": "Ok", "default_language": "en_GB"}, 400, "invalid_language", None),
        ({"name": "Ok", "default_language": "12"}, 400, "invalid_language", None),
        ({"name": "Ok", "widget_key": "wk_mine"}, 400, "invalid", "widget_key"),
        ({"name": "Ok", "workspace": 1}, 400, "invalid", "workspace"),
    ],
)
def test_invalid_brand_input_is_refused(
    alpha: Tenant, body: dict, status: int, code: str, field: str | None
) -> None:
    before = snapshot()
    response = send(client_for(alpha.admin.user), "POST", alpha.url("brands/"), body)
    error = assert_error(response, status, code)
    assert list(error["details"]) == ([field] if field else [])
    assert snapshot() == before


def test_the_widget_key_cannot_be_set_by_patch(alpha: Tenant) -> None:
    before = snapshot()
    response = send(
        client_for(alpha.owner.user),
        "PATCH",
        alpha.url(f"brands/{alpha.brand.pk}/"),
        {"widget_key": "wk_chosen"},
    )
    error = assert_error(response, 400, "invalid")
    assert error["details"] == {"widget_key": ["Unknown field."]}
    assert snapshot() == before


# ------------------------------------------------------------------ across workspaces

BRAND_CALLS = [
    ("GET", "brands/", None),
    ("POST", "brands/", {"name": "Planted"}),
    ("GET", "brands/{id}/", None),
    ("PATCH", "brands/{id}/", {"name": "Hijacked", "allowed_origins": ["https://evil.test"]}),
    ("DELETE", "brands/{id}/", None),
    ("POST", "brands/{id}/rotate-widget-key/", None),
]


@pytest.mark.parametrize(("method", "suffix", "body"), BRAND_CALLS)
def test_member_of_alpha_cannot_reach_betas_brands_by_slug(
    alpha: Tenant, beta: Tenant, method: str, suffix: str, body: Any
) -> None:
    client = client_for(alpha.owner.user)
    path = suffix.format(id=beta.brand.pk)
    before = snapshot()
    response = send(client, method, beta.url(path), body)
    unknown = send(client, method, ws_url("no-such-workspace", path), body)
    assert_error(response, 404, "workspace_not_found")
    assert response.json() == unknown.json()
    assert_no_foreign_data(response, beta)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "suffix", "body"), [c for c in BRAND_CALLS if "{id}" in c[1]])
@pytest.mark.parametrize("also_member_of_beta", [False, True])
def test_betas_brand_id_under_alphas_url_is_not_found(
    alpha: Tenant, beta: Tenant, method: str, suffix: str, body: Any, also_member_of_beta: bool
) -> None:
    # given alpha's owner (possibly an owner of beta too) and beta's brand id
    if also_member_of_beta:
        MembershipFactory.create(workspace=beta.workspace, user=alpha.owner.user, role=Role.OWNER)
    client = client_for(alpha.owner.user)
    before = snapshot()
    # when they use beta's brand id under alpha's URL, and an id that does not exist
    response = send(client, method, alpha.url(suffix.format(id=beta.brand.pk)), body)
    missing = send(client, method, alpha.url(suffix.format(id=987654321)), body)
    # then both are the same 404 not_found and neither workspace changed
    assert_error(response, 404, "not_found")
    assert response.json() == missing.json()
    assert_no_foreign_data(response, beta)
    assert snapshot() == before
    assert _stored(beta, beta.brand.pk).widget_key == beta.brand.widget_key


def test_terminated_workspace_refuses_brand_changes(alpha: Tenant) -> None:
    _set_status(alpha.workspace, WorkspaceStatus.TERMINATED)
    client = client_for(alpha.admin.user)
    before = snapshot()
    for method, suffix, body in BRAND_CALLS:
        response = send(client, method, alpha.url(suffix.format(id=alpha.brand.pk)), body)
        assert_error(response, 403, "workspace_terminated")
    assert snapshot() == before


# ------------------------------------------------------------------ widget/<key>/config/


def test_widget_config_for_an_active_brand(alpha: Tenant) -> None:
    response = _widget_config(alpha.brand.widget_key)
    assert response.status_code == 200
    assert response.json() == {"brand": "Alpha Store", "default_language": "en", "status": "active"}
    assert "Access-Control-Allow-Origin" not in response


def test_widget_config_allows_cors_only_for_the_brands_origins(alpha: Tenant, beta: Tenant) -> None:
    key = alpha.brand.widget_key
    allowed = _widget_config(key, origin="https://shop.alpha.test")
    other = _widget_config(key, origin="https://evil.test")
    betas_origin = _widget_config(key, origin="https://shop.beta.test")
    assert allowed["Access-Control-Allow-Origin"] == "https://shop.alpha.test"
    for response in (other, betas_origin):
        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response
    # every answer depends on Origin, so a shared cache must not hand one origin's to another
    for response in (allowed, other, betas_origin):
        assert "Origin" in [v.strip() for v in response["Vary"].split(",")]


def test_widget_config_never_mentions_other_brands(alpha: Tenant, beta: Tenant) -> None:
    BrandFactory.create(workspace=alpha.workspace, name="Alpha Hidden")
    response = _widget_config(beta.brand.widget_key)
    assert response.json() == {"brand": "Beta Store", "default_language": "en", "status": "active"}
    assert_no_foreign_data(response, alpha)


def test_widget_config_for_a_suspended_workspace_says_so(alpha: Tenant) -> None:
    # given alpha is suspended
    _set_status(alpha.workspace, WorkspaceStatus.SUSPENDED)
    # when the widget on an allowed page asks for its config
    response = _widget_config(alpha.brand.widget_key, origin="https://shop.alpha.test")
    # then it gets a clear state it can read cross-origin, and no brand details
    error = assert_error(response, 403, "workspace_suspended")
    assert "suspended" in error["message"]
    assert response["Access-Control-Allow-Origin"] == "https://shop.alpha.test"
    assert "Alpha Store" not in response.content.decode()


def test_widget_config_for_a_terminated_workspace(alpha: Tenant) -> None:
    _set_status(alpha.workspace, WorkspaceStatus.TERMINATED)
    assert_error(_widget_config(alpha.brand.widget_key), 403, "workspace_terminated")


@pytest.mark.parametrize(
    "key", ["wk_" + "x" * 32, "not-a-widget-key", "wk_" + "y" * 70, "WK_UPPER"]
)
def test_widget_config_for_an_unknown_key_is_not_found(alpha: Tenant, key: str) -> None:
    response = _widget_config(key, origin="https://shop.alpha.test")
    assert_error(response, 404, "not_found")
    assert "Access-Control-Allow-Origin" not in response


def test_widget_config_ignores_the_visitors_session(alpha: Tenant, beta: Tenant) -> None:
    # a signed-in member of alpha gets exactly what an anonymous visitor gets for beta's key
    response = client_for(alpha.owner.user).get(f"{API}/widget/{beta.brand.widget_key}/config/")
    assert response.status_code == 200
    assert response.json() == {"brand": "Beta Store", "default_language": "en", "status": "active"}
