"""Redaction settings and preview API: roles, validation, cross-workspace isolation."""

from __future__ import annotations

from typing import Any

import pytest

from redaction.models import RedactionSettings
from tenants.scope import platform_scope
from tests.tenants.api_helpers import assert_error, client_for, make_tenant, send

pytestmark = pytest.mark.django_db


def settings_rows() -> list[tuple[Any, ...]]:
    with platform_scope("test: snapshot redaction settings"):
        return list(
            RedactionSettings.objects.unscoped()
            .order_by("workspace_id")
            .values_list("workspace_id", "disabled_types", "deny_patterns", "allow_terms")
        )


GOOD = {
    "deny_patterns": [{"name": "account", "pattern": r"ACC-\d{6}"}],
    "allow_terms": ["Quillfeather Outdoors"],
    "disabled_types": ["CUSTOM"],
}


def test_defaults_list_the_required_types() -> None:
    alpha = make_tenant("alpha")
    response = client_for(alpha.operator.user).get(alpha.url("redaction/"))
    assert response.status_code == 200
    body = response.json()
    assert "PERSON" in body["required_types"] and "CUSTOM" not in body["required_types"]
    assert body["deny_patterns"] == [] and body["allow_terms"] == []


def test_admin_sets_the_policy_and_preview_applies_it() -> None:
    alpha = make_tenant("alpha")
    client = client_for(alpha.admin.user)
    response = send(client, "put", alpha.url("redaction/"), {**GOOD, "disabled_types": []})
    assert response.status_code == 200, response.content
    assert response.json()["deny_patterns"] == GOOD["deny_patterns"]
    preview = send(
        client,
        "post",
        alpha.url("redaction/preview/"),
        {"text": "Quillfeather Outdoors acc ACC-123456, Zed Q", "known": ["Zed Q"]},
    )
    assert preview.status_code == 200
    assert preview.json()["redacted"] == "Quillfeather Outdoors acc <CUSTOM_1>, <PERSON_1>"


def test_operator_cannot_change_the_policy_or_preview() -> None:
    alpha = make_tenant("alpha")
    before = settings_rows()
    client = client_for(alpha.operator.user)
    assert_error(send(client, "put", alpha.url("redaction/"), GOOD), 403, "insufficient_role")
    assert_error(
        send(client, "post", alpha.url("redaction/preview/"), {"text": "x"}),
        403,
        "insufficient_role",
    )
    assert settings_rows() == before


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"disabled_types": ["PERSON"]}, "required_type"),
        ({"disabled_types": ["NOPE"]}, "invalid_types"),
        ({"deny_patterns": [{"name": "bad", "pattern": "("}]}, "invalid_pattern"),
        ({"deny_patterns": [{"name": "empty", "pattern": "a*"}]}, "invalid_pattern"),
        ({"deny_patterns": [{"name": "slow", "pattern": "(a+)+$"}]}, "pattern_too_slow"),
        ({"allow_terms": ["x"]}, "invalid_allow_terms"),
        ({"unknown": 1}, "invalid"),
    ],
)
def test_bad_policies_are_refused_and_nothing_changes(body: dict[str, Any], code: str) -> None:
    alpha = make_tenant("alpha")
    client = client_for(alpha.admin.user)
    send(client, "put", alpha.url("redaction/"), GOOD)
    before = settings_rows()
    assert_error(send(client, "put", alpha.url("redaction/"), body), 400, code)
    assert settings_rows() == before


def test_another_workspace_can_neither_read_nor_change_it() -> None:
    alpha, beta = make_tenant("alpha"), make_tenant("beta")
    send(client_for(alpha.admin.user), "put", alpha.url("redaction/"), GOOD)
    before = settings_rows()
    intruder = client_for(beta.owner.user)
    assert_error(intruder.get(alpha.url("redaction/")), 404, "workspace_not_found")
    assert_error(
        send(intruder, "put", alpha.url("redaction/"), {"allow_terms": []}),
        404,
        "workspace_not_found",
    )
    own = intruder.get(beta.url("redaction/")).json()
    assert own["deny_patterns"] == [] and own["allow_terms"] == []
    assert settings_rows() == before


def test_preview_refuses_oversized_text() -> None:
    alpha = make_tenant("alpha")
    response = send(
        client_for(alpha.admin.user),
        "post",
        alpha.url("redaction/preview/"),
        {"text": "x" * 20_001},
    )
    assert response.status_code in (400, 413)
