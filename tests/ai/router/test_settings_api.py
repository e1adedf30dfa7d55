"""The AI settings API and page: BYOK keys (validated, masked, never returned or logged),
regions, own endpoints, the AI ledger (list + CSV), key rotation; roles and cross-workspace
negative tests that also prove nothing changed."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import Client

from ai.models import AILedgerEntry
from tenants.ai_models import KeyStatus, ProviderKey, WorkspaceAISettings, WorkspaceEndpoint
from tenants.keys import decrypt
from tenants.scope import platform_scope, workspace_scope
from tests.ai.fake_provider import FakeProvider, Fault
from tests.tenants.api_helpers import (
    Tenant,
    assert_error,
    assert_no_foreign_data,
    client_for,
    send,
)

from .helpers import BYOK_KEY, configure, endpoint, request_for, run, set_plan, store_key

pytestmark = pytest.mark.django_db


def _ai_rows() -> dict[str, list]:
    with platform_scope("test: snapshot AI tables"):
        return {
            "keys": list(ProviderKey.objects.unscoped().order_by("pk").values()),
            "endpoints": list(WorkspaceEndpoint.objects.unscoped().order_by("pk").values()),
            "settings": list(WorkspaceAISettings.objects.unscoped().order_by("pk").values()),
            "ledger": list(AILedgerEntry.objects.unscoped().order_by("pk").values()),
        }


@pytest.fixture
def openai_platform(settings, fake: FakeProvider) -> FakeProvider:
    settings.AI_ENDPOINTS = [endpoint("openai-uk", fake.openai_url, region="uk")]
    return fake


def test_saving_a_key_validates_it_and_only_ever_shows_the_last_4(
    openai_platform: FakeProvider, alpha: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    set_plan(alpha.workspace, "enterprise")
    admin = client_for(alpha.admin.user)

    response = send(admin, "POST", alpha.url("ai/keys/"), {"provider": "openai", "key": BYOK_KEY})

    assert response.status_code == 201, response.content
    assert response.json()["masked"] == "••••7Q9Z"
    assert response.json()["status"] == "active"
    check = openai_platform.last
    assert check.headers["authorization"] == f"Bearer {BYOK_KEY}"
    assert check.json["max_completion_tokens"] == 1
    listing = send(admin, "GET", alpha.url("ai/keys/"))
    assert [k["masked"] for k in listing.json()] == ["••••7Q9Z"]
    page = Client()
    page.force_login(alpha.admin.user)
    html = page.get(f"/w/{alpha.workspace.slug}/settings/ai/").content.decode()
    assert "••••7Q9Z" in html
    for body in (response.content, listing.content, html.encode()):
        assert BYOK_KEY.encode() not in body
    assert BYOK_KEY not in caplog.text
    with workspace_scope(alpha.workspace.pk):
        assert decrypt(ProviderKey.objects.get().encrypted_key) == BYOK_KEY
        assert list(AILedgerEntry.objects.values_list("feature", "key_source", "outcome")) == [
            ("key_check", "byok", "ok")
        ]


def test_a_key_the_provider_refuses_is_not_saved(
    openai_platform: FakeProvider, alpha: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    set_plan(alpha.workspace, "enterprise")
    openai_platform.push(Fault.http(401))
    response = send(
        client_for(alpha.admin.user),
        "POST",
        alpha.url("ai/keys/"),
        {"provider": "openai", "key": BYOK_KEY},
    )
    error = assert_error(response, 400, "key_rejected")
    assert "refused it (HTTP 401)" in error["message"]
    assert BYOK_KEY not in response.content.decode() and BYOK_KEY not in caplog.text
    with workspace_scope(alpha.workspace.pk):
        assert ProviderKey.objects.count() == 0


def test_byok_needs_the_enterprise_plan_and_the_admin_role(
    openai_platform: FakeProvider, alpha: Tenant
) -> None:
    body = {"provider": "openai", "key": BYOK_KEY}
    assert_error(
        send(client_for(alpha.admin.user), "POST", alpha.url("ai/keys/"), body),
        403,
        "byok_not_in_plan",
    )
    set_plan(alpha.workspace, "enterprise")
    assert_error(
        send(client_for(alpha.operator.user), "POST", alpha.url("ai/keys/"), body),
        403,
        "insufficient_role",
    )
    assert_error(
        send(client_for(alpha.operator.user), "GET", alpha.url("ai/ledger/")),
        403,
        "insufficient_role",
    )
    assert openai_platform.requests == []


def test_a_refused_key_shows_on_the_settings_page_and_api(
    openai_platform: FakeProvider, alpha: Tenant
) -> None:
    store_key(alpha.workspace, "openai")
    openai_platform.push(Fault.http(403))
    run(request_for(alpha.workspace.pk))  # falls back offline; the key is now refused
    listing = send(client_for(alpha.admin.user), "GET", alpha.url("ai/keys/")).json()
    assert listing[0]["status"] == KeyStatus.REJECTED
    assert "refused this key (HTTP 403)" in listing[0]["status_reason"]
    page = Client()
    page.force_login(alpha.admin.user)
    html = page.get(f"/w/{alpha.workspace.slug}/settings/ai/").content.decode()
    assert 'id="key-rejected-openai"' in html and "••••7Q9Z is off." in html


def test_regions_settings_round_trip_and_validation(alpha: Tenant) -> None:
    admin = client_for(alpha.admin.user)
    response = send(
        admin,
        "PUT",
        alpha.url("ai/settings/"),
        {"allowed_regions": ["uk", "eu"], "allow_offline_fallback": False},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["allowed_regions"] == ["uk", "eu"]
    assert body["region_preference"] == ["uk", "eu", "us", "local"]
    assert body["allow_offline_fallback"] is False
    assert body["byok_fallback_to_platform"] is False
    assert_error(
        send(admin, "PUT", alpha.url("ai/settings/"), {"allowed_regions": ["mars"]}), 400, "invalid"
    )
    assert_error(send(admin, "PUT", alpha.url("ai/settings/"), {"colour": "red"}), 400, "invalid")


def test_ledger_list_and_csv_export_hold_no_prompt(
    openai_platform: FakeProvider, alpha: Tenant
) -> None:
    secret_text = "Visitor: the parcel for <PERSON_1> at <ADDRESS_1> is late"
    run(request_for(alpha.workspace.pk, text=secret_text, redaction_counts={"PERSON": 1}))
    admin = client_for(alpha.admin.user)

    listing = send(admin, "GET", alpha.url("ai/ledger/"))
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert [(r["endpoint"], r["outcome"], r["redaction_counts"]) for r in rows] == [
        ("platform:openai-uk", "ok", {"PERSON": 1})
    ]
    export = admin.get(alpha.url("ai/ledger/export/"))
    assert export["Content-Type"] == "text/csv"
    text = b"".join(export.streaming_content).decode()
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == 1 and table[0]["redaction_counts"] == "PERSON=1"
    assert table[0]["payload_sha256"] == rows[0]["payload_sha256"]
    for body in (listing.content.decode(), text):
        assert "parcel" not in body and "<PERSON_1>" not in body


def test_another_workspace_sees_none_of_it_and_changes_nothing(
    openai_platform: FakeProvider, alpha: Tenant, beta: Tenant
) -> None:
    store_key(alpha.workspace, "openai")
    set_plan(beta.workspace, "enterprise")
    with workspace_scope(alpha.workspace.pk):
        own = WorkspaceEndpoint.objects.create(
            workspace=alpha.workspace,
            name="alpha-secret-endpoint",
            kind="openai_compatible",
            region="local",
            model="m",
            base_url="http://127.0.0.1:1/v1",
        )
    configure(alpha.workspace, allowed_regions=["uk"])
    run(request_for(alpha.workspace.pk))
    before = _ai_rows()
    beta_admin = client_for(beta.admin.user)

    for method, suffix, body in [
        ("GET", "ai/keys/", None),
        ("GET", "ai/endpoints/", None),
        ("GET", "ai/ledger/", None),
        ("GET", "ai/settings/", None),
    ]:
        response = send(beta_admin, method, beta.url(suffix), body)
        assert response.status_code == 200
        assert_no_foreign_data(response, alpha)
        assert "alpha-secret-endpoint" not in response.content.decode()
        assert "7Q9Z" not in response.content.decode()
    assert send(beta_admin, "GET", beta.url("ai/ledger/")).json()["results"] == []
    for method, suffix in [
        ("GET", f"ai/endpoints/{own.pk}/"),
        ("PATCH", f"ai/endpoints/{own.pk}/"),
        ("DELETE", f"ai/endpoints/{own.pk}/"),
        ("DELETE", "ai/keys/openai/"),
    ]:
        response = send(beta_admin, method, beta.url(suffix), {} if method == "PATCH" else None)
        assert_error(response, 404, "not_found", (method, suffix))
    for method, suffix in [("GET", "ai/keys/"), ("GET", "ai/ledger/"), ("PUT", "ai/settings/")]:
        response = send(beta_admin, method, alpha.url(suffix), {} if method == "PUT" else None)
        assert_error(response, 404, "workspace_not_found", (method, suffix))
    assert _ai_rows() == before


def test_workspace_endpoints_refuse_internal_addresses_unless_allowed(
    settings, alpha: Tenant
) -> None:
    set_plan(alpha.workspace, "enterprise")
    settings.AI_WORKSPACE_ENDPOINTS_ALLOW_PRIVATE = False
    admin = client_for(alpha.admin.user)
    base = {"name": "mine", "kind": "openai_compatible", "region": "local", "model": "m"}
    for url in ("http://10.0.0.5/v1", "https://127.0.0.1/v1", "https://localhost/v1"):
        response = send(admin, "POST", alpha.url("ai/endpoints/"), {**base, "base_url": url})
        assert_error(response, 400, "invalid", url)
    response = send(
        admin,
        "POST",
        alpha.url("ai/endpoints/"),
        {**base, "base_url": "https://llm.example.com/v1"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["ref"] == "workspace:mine"
    assert response.json()["breaker"] == "closed"


def test_key_rotation_re_encrypts_with_the_newest_key(settings, alpha: Tenant) -> None:
    store_key(alpha.workspace, "openai")
    old = list(settings.FIELD_ENCRYPTION_KEYS)
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, *old]
    out = io.StringIO()
    call_command("rotate_provider_keys", stdout=out)
    assert "Re-encrypted 1 provider key(s)" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is retired
    with workspace_scope(alpha.workspace.pk):
        assert decrypt(ProviderKey.objects.get().encrypted_key) == BYOK_KEY


def test_the_settings_page_is_for_admins_of_that_workspace_only(
    alpha: Tenant, beta: Tenant
) -> None:
    page = Client()
    page.force_login(alpha.operator.user)
    assert page.get(f"/w/{alpha.workspace.slug}/settings/ai/").status_code == 403
    page.force_login(beta.admin.user)
    assert page.get(f"/w/{alpha.workspace.slug}/settings/ai/").status_code == 404
    before = _ai_rows()
    response = page.post(
        f"/w/{alpha.workspace.slug}/settings/ai/",
        {"action": "regions", "preference": "us", "allowed": ["us"]},
    )
    assert response.status_code == 404
    assert _ai_rows() == before
    page.force_login(alpha.admin.user)
    home = page.get(f"/w/{alpha.workspace.slug}/").content.decode()
    assert f"/w/{alpha.workspace.slug}/settings/ai/" in home
    response = page.post(
        f"/w/{alpha.workspace.slug}/settings/ai/",
        {"action": "regions", "preference": "eu,uk", "allowed": ["uk", "eu"]},
    )
    assert response.status_code == 302
    with workspace_scope(alpha.workspace.pk):
        row = WorkspaceAISettings.objects.get()
    assert (row.region_preference, sorted(row.allowed_regions)) == (["eu", "uk"], ["eu", "uk"])
    assert row.allow_offline_fallback is False  # an unticked box is "off"


def test_endpoint_options_are_checked(alpha: Tenant) -> None:
    set_plan(alpha.workspace, "enterprise")
    admin = client_for(alpha.admin.user)
    base = {
        "name": "opt",
        "kind": "openai_compatible",
        "region": "local",
        "model": "m",
        "base_url": "http://127.0.0.1:1/v1",
    }
    for options in ({"timeout": "slow"}, {"timeout": 1000}, {"colour": "red"}, {"deployment": []}):
        response = send(admin, "POST", alpha.url("ai/endpoints/"), {**base, "options": options})
        assert_error(response, 400, "invalid", options)
    response = send(admin, "POST", alpha.url("ai/endpoints/"), {**base, "options": {"timeout": 5}})
    assert response.status_code == 201, response.content
    response = send(
        admin, "PATCH", alpha.url(f"ai/endpoints/{response.json()['id']}/"), {"enabled": False}
    )
    assert response.status_code == 200 and response.json()["enabled"] is False
