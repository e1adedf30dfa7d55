"""API errors: one stable shape {"error": {"code", "message", "details"}} on every endpoint, never
a 500, never another tenant's data, and nothing written when a request is refused."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tenants.models import Role, Workspace, WorkspaceStatus
from tenants.scope import platform_scope
from tests.factories import PASSWORD

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
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Call:
    """One endpoint and method, with a body that would succeed for alpha's owner."""

    method: str
    path: str  # under /api/v1/, with {slug}, {brand}, {member}, {key} placeholders
    body: Any = None
    ok: int = 200

    def url(self, tenant: Tenant) -> str:
        return f"{API}/" + self.path.format(
            slug=tenant.workspace.slug,
            brand=tenant.brand.pk,
            member=tenant.operator.pk,
            key=tenant.brand.widget_key,
        )

    @property
    def in_workspace(self) -> bool:
        return self.path.startswith("w/")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


TOKEN = Call("POST", "auth/token/", {"username": "alpha-owner@alpha.test", "password": PASSWORD})
WIDGET = Call("GET", "widget/{key}/config/")
CALLS = [
    TOKEN,
    Call("GET", "me/"),
    Call("GET", "w/{slug}/"),
    Call("PATCH", "w/{slug}/", {"name": "Alpha Renamed"}),
    Call("GET", "w/{slug}/members/"),
    Call("POST", "w/{slug}/members/", {"email": "new@example.test", "role": "operator"}, 201),
    Call("GET", "w/{slug}/members/{member}/"),
    Call("PATCH", "w/{slug}/members/{member}/", {"role": "admin"}),
    Call("DELETE", "w/{slug}/members/{member}/", ok=204),
    Call("GET", "w/{slug}/brands/"),
    Call("POST", "w/{slug}/brands/", {"name": "Alpha New"}, 201),
    Call("GET", "w/{slug}/brands/{brand}/"),
    Call("PATCH", "w/{slug}/brands/{brand}/", {"name": "Alpha Renamed Store"}),
    Call("DELETE", "w/{slug}/brands/{brand}/", ok=204),
    Call("POST", "w/{slug}/brands/{brand}/rotate-widget-key/"),
    WIDGET,
]
WORKSPACE_CALLS = [c for c in CALLS if c.in_workspace]
WRITES = [c for c in WORKSPACE_CALLS if c.method != "GET"]
BODY_CALLS = [c for c in CALLS if c.body is not None]
WORKSPACE_BODY_CALLS = [c for c in BODY_CALLS if c.in_workspace]


def _raw(client: APIClient, call: Call, tenant: Tenant, content: Any, **extra: Any) -> Any:
    return client.generic(
        call.method, call.url(tenant), content, content_type="application/json", **extra
    )


@pytest.mark.parametrize("call", CALLS, ids=str)
@pytest.mark.parametrize("auth", ["forced", "session", "token"])
def test_every_call_in_the_table_succeeds_for_the_owner(
    alpha: Tenant, call: Call, auth: str
) -> None:
    """Guards the table: each refusal below is a refusal, not a broken request. Also shows that
    a browser session and a token reach every endpoint."""
    user = alpha.owner.user
    client = {"forced": client_for, "session": session_client, "token": token_client}[auth](user)
    response = send(client, call.method, call.url(alpha), call.body)
    assert response.status_code == call.ok, response.content


# ------------------------------------------------------------------ bodies

MALFORMED = {
    "truncated": '{"name": ',
    "single quotes": "{'name': 'single quotes'}",
    "NaN": '{"name": NaN}',
    "two documents": "{}{}",
    "not UTF-8": b'{"name": "\xff"}',
    # deeper than the decoder follows, yet well inside the body limit
    "nested 20000 deep": "[" * 20_000 + "]" * 20_000,
}


@pytest.mark.parametrize("call", BODY_CALLS, ids=str)
def test_malformed_json_is_400_malformed_body(alpha: Tenant, call: Call) -> None:
    client = client_for(alpha.owner.user)
    before = snapshot()
    for name, content in MALFORMED.items():
        assert len(content) < settings.API_MAX_BODY_BYTES
        error = assert_error(_raw(client, call, alpha, content), 400, "malformed_body", name)
        assert error["message"].startswith("JSON parse error - "), name
    assert snapshot() == before


def test_deep_nesting_is_reported_as_such(alpha: Tenant) -> None:
    content = MALFORMED["nested 20000 deep"]
    response = _raw(client_for(alpha.admin.user), Call("POST", "w/{slug}/brands/"), alpha, content)
    error = assert_error(response, 400, "malformed_body")
    assert error["message"] == "JSON parse error - the document is nested too deeply."


@pytest.mark.parametrize("call", WORKSPACE_BODY_CALLS, ids=str)
def test_unknown_fields_are_400_invalid_and_named(alpha: Tenant, call: Call) -> None:
    before = snapshot()
    response = send(
        client_for(alpha.owner.user), call.method, call.url(alpha), {**call.body, "workspace_id": 2}
    )
    error = assert_error(response, 400, "invalid")
    assert error["message"] == "The request has invalid fields."
    assert error["details"] == {"workspace_id": ["Unknown field."]}
    assert snapshot() == before


@pytest.mark.parametrize("call", BODY_CALLS, ids=str)
def test_json_that_is_not_an_object_is_400_invalid(alpha: Tenant, call: Call) -> None:
    client = client_for(alpha.owner.user)
    before = snapshot()
    for n, body in enumerate(([], ["name"], "name", 42, None, True)):
        # one address per request, so the sign-in throttle on auth/token/ stays out of the way
        response = _raw(client, call, alpha, json.dumps(body), REMOTE_ADDR=f"192.0.2.{n}")
        error = assert_error(response, 400, "invalid", body)
        assert list(error["details"]) == ["non_field_errors"], body
    assert snapshot() == before


@pytest.mark.parametrize("call", WORKSPACE_BODY_CALLS, ids=str)
def test_wrongly_typed_values_are_400_never_500(alpha: Tenant, call: Call) -> None:
    client = client_for(alpha.owner.user)
    before = snapshot()
    for value in ({"nested": "object"}, ["a", "list"], None, "\u0000", "x" * 300):
        body = dict.fromkeys(call.body, value)
        error = assert_error(send(client, call.method, call.url(alpha), body), 400, "invalid", body)
        assert sorted(error["details"]) == sorted(call.body), body
    assert snapshot() == before


@pytest.mark.parametrize("call", [c for c in CALLS if c.method != "GET" or c.in_workspace], ids=str)
def test_oversized_bodies_are_413_before_anything_else(alpha: Tenant, call: Call) -> None:
    # given a body one byte over the limit (valid JSON, so only its size is wrong)
    limit = settings.API_MAX_BODY_BYTES
    content = json.dumps(call.body or {})
    content += " " * (limit + 1 - len(content))
    assert len(content.encode()) == limit + 1
    before = snapshot()
    # when it is sent, signed in or not
    for client in (client_for(alpha.owner.user), APIClient()):
        response = _raw(client, call, alpha, content)
        # then it is refused unread
        error = assert_error(response, 413, "payload_too_large")
        assert error["message"] == f"The request body is limited to {limit} bytes."
    assert snapshot() == before


def test_a_body_of_exactly_the_limit_is_accepted(alpha: Tenant) -> None:
    limit = settings.API_MAX_BODY_BYTES
    content = json.dumps({"name": "Alpha Exact"})
    content += " " * (limit - len(content))
    response = client_for(alpha.admin.user).generic(
        "POST", alpha.url("brands/"), content, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["name"] == "Alpha Exact"


@pytest.mark.parametrize("call", WORKSPACE_BODY_CALLS, ids=str)
def test_form_encoded_bodies_are_415(alpha: Tenant, call: Call) -> None:
    before = snapshot()
    response = client_for(alpha.owner.user).generic(
        call.method,
        call.url(alpha),
        "name=Alpha+Form",
        content_type="application/x-www-form-urlencoded",
    )
    error = assert_error(response, 415, "unsupported_media_type")
    assert "application/x-www-form-urlencoded" in error["message"]
    assert snapshot() == before


# ------------------------------------------------------------------ who is calling


@pytest.mark.parametrize("call", [c for c in CALLS if c not in (TOKEN, WIDGET)], ids=str)
def test_unauthenticated_calls_are_refused(alpha: Tenant, call: Call) -> None:
    before = snapshot()
    response = send(APIClient(), call.method, call.url(alpha), call.body)
    # 403 rather than 401: session authentication comes first and sends no WWW-Authenticate
    error = assert_error(response, 403, "not_authenticated")
    assert error["message"] == "Authentication credentials were not provided."
    assert_no_foreign_data(response, alpha)
    assert snapshot() == before


@pytest.mark.parametrize("call", WORKSPACE_CALLS, ids=str)
def test_bad_tokens_are_refused(alpha: Tenant, call: Call) -> None:
    before = snapshot()
    for header, code in [
        ("Token not-a-real-token", "authentication_failed"),
        ("Token", "authentication_failed"),
        ("Token a b", "authentication_failed"),
        ("Bearer x", "not_authenticated"),  # not a Token header: as good as no credentials
    ]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        assert_error(send(client, call.method, call.url(alpha), call.body), 403, code, header)
    assert snapshot() == before


@pytest.mark.parametrize("call", WRITES, ids=str)
def test_session_writes_need_the_csrf_token(alpha: Tenant, call: Call) -> None:
    # given a browser session with CSRF checks on, and no CSRF token sent
    client = session_client(alpha.owner.user, enforce_csrf_checks=True)
    before = snapshot()
    response = send(client, call.method, call.url(alpha), call.body)
    error = assert_error(response, 403, "forbidden")
    assert error["message"].startswith("CSRF Failed")
    assert snapshot() == before


# ------------------------------------------------------------------ workspace state


@pytest.mark.parametrize("call", WORKSPACE_CALLS, ids=str)
def test_a_terminated_workspace_answers_workspace_terminated(alpha: Tenant, call: Call) -> None:
    with platform_scope("test: terminate alpha"):
        Workspace.objects.filter(pk=alpha.workspace.pk).update(status=WorkspaceStatus.TERMINATED)
    before = snapshot()
    for role in (Role.OWNER, Role.OPERATOR):
        response = send(
            client_for(alpha.member(role).user), call.method, call.url(alpha), call.body
        )
        error = assert_error(response, 403, "workspace_terminated", role)
        assert error["message"] == "This workspace has been terminated."
    assert snapshot() == before


def test_a_terminated_workspace_is_still_not_found_for_outsiders(
    alpha: Tenant, beta: Tenant
) -> None:
    # its status is not revealed to someone who was never a member
    with platform_scope("test: terminate beta"):
        Workspace.objects.filter(pk=beta.workspace.pk).update(status=WorkspaceStatus.TERMINATED)
    client = client_for(alpha.owner.user)
    before = snapshot()
    for call in WORKSPACE_CALLS:
        response = send(client, call.method, call.url(beta), call.body)
        assert_error(response, 404, "workspace_not_found", call)
        assert_no_foreign_data(response, beta)
    assert snapshot() == before


# ------------------------------------------------------------------ no foreign rows


@pytest.mark.parametrize("call", [c for c in CALLS if c.method == "GET"], ids=str)
def test_successful_reads_carry_no_foreign_rows(alpha: Tenant, beta: Tenant, call: Call) -> None:
    response = send(client_for(alpha.owner.user), call.method, call.url(alpha), None)
    assert response.status_code == 200
    assert_no_foreign_data(response, beta)


# ------------------------------------------------------------------ odd requests


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "w/{slug}/brands/{brand}/", "PUT"),
        ("POST", "w/{slug}/brands/{brand}/", "POST"),
        ("GET", "w/{slug}/brands/{brand}/rotate-widget-key/", "GET"),
        ("DELETE", "w/{slug}/", "DELETE"),
        ("DELETE", "me/", "DELETE"),
        ("POST", "widget/{key}/config/", "POST"),
        ("GET", "auth/token/", "GET"),
    ],
)
def test_unsupported_methods_are_405(alpha: Tenant, method: str, path: str, allowed: str) -> None:
    before = snapshot()
    body: dict[str, Any] | None = None if method == "GET" else {}
    response = send(client_for(alpha.owner.user), method, Call(method, path).url(alpha), body)
    error = assert_error(response, 405, "method_not_allowed")
    assert error["message"] == f'Method "{allowed}" not allowed.'
    assert snapshot() == before


def test_the_role_is_checked_before_the_method(alpha: Tenant) -> None:
    # an operator's PUT is refused on role before the method is even considered
    response = send(
        client_for(alpha.operator.user), "PUT", alpha.url(f"brands/{alpha.brand.pk}/"), {}
    )
    assert_error(response, 403, "insufficient_role")


def test_out_of_range_ids_are_not_found(alpha: Tenant) -> None:
    client = client_for(alpha.owner.user)
    for brand_id in ("0", "987654321", str(2**63), str(2**80)):
        assert_error(client.get(alpha.url(f"brands/{brand_id}/")), 404, "not_found", brand_id)
        member = client.get(alpha.url(f"members/{brand_id}/"))
        assert_error(member, 404, "not_found", brand_id)


def test_a_slug_longer_than_any_workspace_is_not_found(alpha: Tenant) -> None:
    response = client_for(alpha.owner.user).get(f"{API}/w/{'a' * 51}/")
    assert_error(response, 404, "workspace_not_found")


def test_non_numeric_ids_are_404_without_tenant_data(alpha: Tenant, beta: Tenant) -> None:
    # No route matches, so this is Django's own 404 page: the API error shape here needs an
    # API-aware handler404 in supportdesk/urls.py.
    response = client_for(alpha.owner.user).get(alpha.url("brands/abc/"))
    assert response.status_code == 404
    assert_no_foreign_data(response, alpha, beta)


def test_options_describes_the_endpoint_without_data(alpha: Tenant, beta: Tenant) -> None:
    response = client_for(alpha.operator.user).options(alpha.url("brands/"))
    assert response.status_code == 200
    assert response.json()["parses"] == ["application/json"]
    assert_no_foreign_data(response, alpha, beta)
