"""POST /api/v1/widget/<widget_key>/session/ (docs/protocol.md, "Session")."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from chat import services, tokens
from chat.models import Visitor
from tenants.scope import workspace_scope
from tests.tenants.api_helpers import API, Tenant, assert_error, assert_no_foreign_data

from .helpers import ORIGIN, chat_snapshot, set_status, visitor_says

pytestmark = pytest.mark.django_db


def post(widget_key: str, body: dict[str, Any], origin: str | None = ORIGIN) -> Any:
    client = APIClient()
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    return client.post(f"{API}/widget/{widget_key}/session/", body, format="json", **headers)


def test_new_visitor_gets_a_token_and_cors_for_its_origin(alpha: Tenant) -> None:
    response = post(alpha.brand.widget_key, {"name": "Jane", "page_url": ORIGIN + "/cart"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["visitor"] == {"name": "Jane"}
    assert body["conversation"] is None
    assert body["brand"] == {"name": "Alpha Store", "default_language": "en"}
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in response["Vary"]
    claims = tokens.visitor_token_read(body["token"])
    assert claims is not None
    assert (claims.workspace_id, claims.brand_id) == (alpha.workspace.pk, alpha.brand.pk)
    with workspace_scope(alpha.workspace.pk):
        visitor = Visitor.objects.get(pk=claims.visitor_id)
    assert (visitor.name, visitor.page_url, visitor.ip) == ("Jane", ORIGIN + "/cart", "127.0.0.1")


def test_token_resumes_the_same_visitor_and_conversation(alpha: Tenant) -> None:
    first = post(alpha.brand.widget_key, {"name": "Jane"}).json()
    claims = tokens.visitor_token_read(first["token"])
    assert claims is not None
    with workspace_scope(alpha.workspace.pk):
        visitor = Visitor.objects.get(pk=claims.visitor_id)
    session = services.VisitorSession(token=first["token"], visitor=visitor, conversation=None)
    message = visitor_says(session, "Hello", "c-1")

    again = post(alpha.brand.widget_key, {"token": first["token"]})

    assert again.status_code == 200
    assert again.json()["conversation"] == {
        "id": message.conversation_id,
        "status": "open",
        "last_seq": 1,
    }
    assert again.json()["visitor"] == {"name": "Jane"}
    assert tokens.visitor_token_read(again.json()["token"]) == claims


def test_origin_not_allowed_or_missing_is_403_and_stores_nothing(alpha: Tenant) -> None:
    before = chat_snapshot()
    for origin in ("https://evil.example.net", None):
        response = post(alpha.brand.widget_key, {"name": "Jane"}, origin=origin)
        assert_error(response, 403, "origin_not_allowed", origin)
        assert "Access-Control-Allow-Origin" not in response
    assert chat_snapshot() == before


def test_unknown_widget_key_is_404(alpha: Tenant) -> None:
    assert_error(post("wk_nope", {}), 404, "not_found")


def test_suspended_workspace_is_403_workspace_suspended(alpha: Tenant) -> None:
    set_status(alpha.workspace, "suspended")
    response = post(alpha.brand.widget_key, {})
    assert_error(response, 403, "workspace_suspended")
    assert response["Access-Control-Allow-Origin"] == ORIGIN  # the widget can read why
    assert chat_snapshot()["visitors"] == []


def test_token_of_another_workspace_starts_a_fresh_visitor(alpha: Tenant, beta: Tenant) -> None:
    alpha_token = post(alpha.brand.widget_key, {"name": "Alice of alpha"}).json()["token"]

    response = post(beta.brand.widget_key, {"token": alpha_token})

    assert response.status_code == 200
    claims = tokens.visitor_token_read(response.json()["token"])
    old = tokens.visitor_token_read(alpha_token)
    assert claims is not None and old is not None
    assert claims.workspace_id == beta.workspace.pk and claims.visitor_id != old.visitor_id
    assert response.json()["visitor"] == {"name": ""}
    assert_no_foreign_data(response, alpha)


def test_identity_with_good_hmac_marks_the_visitor_verified_across_devices(alpha: Tenant) -> None:
    with workspace_scope(alpha.workspace.pk):
        secret = services.brand_identity_secret(brand=alpha.brand)
    identity = {"user_id": "42", "hmac": tokens.identity_hmac(secret=secret, user_id="42")}

    phone = post(alpha.brand.widget_key, {"identity": identity, "name": "Jane"})
    laptop = post(alpha.brand.widget_key, {"identity": identity})

    assert phone.status_code == laptop.status_code == 200
    a = tokens.visitor_token_read(phone.json()["token"])
    b = tokens.visitor_token_read(laptop.json()["token"])
    assert a is not None and b is not None and a.visitor_id == b.visitor_id
    with workspace_scope(alpha.workspace.pk):
        assert Visitor.objects.get(pk=a.visitor_id).verified_user_id == "42"


def test_identity_with_bad_hmac_is_400_and_stores_nothing(alpha: Tenant, beta: Tenant) -> None:
    with workspace_scope(beta.workspace.pk):
        beta_secret = services.brand_identity_secret(brand=beta.brand)
    before = chat_snapshot()
    for hmac in ("0" * 64, tokens.identity_hmac(secret=beta_secret, user_id="42")):
        response = post(alpha.brand.widget_key, {"identity": {"user_id": "42", "hmac": hmac}})
        assert_error(response, 400, "invalid_identity")
    assert_error(
        post(alpha.brand.widget_key, {"identity": {"user_id": "42", "hmac": "zz"}}), 400, "invalid"
    )
    assert chat_snapshot() == before


def test_preflight_answers_only_allowed_origins(alpha: Tenant) -> None:
    client = APIClient()
    url = f"{API}/widget/{alpha.brand.widget_key}/session/"
    good = client.options(url, HTTP_ORIGIN=ORIGIN)
    bad = client.options(url, HTTP_ORIGIN="https://evil.example.net")
    assert good.status_code == 204
    assert good["Access-Control-Allow-Origin"] == ORIGIN
    assert "Content-Type" in good["Access-Control-Allow-Headers"]
    assert bad.status_code == 403 and "Access-Control-Allow-Origin" not in bad
