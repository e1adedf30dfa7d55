"""/api/v1/w/<slug>/conversations/…: the inbox list, one conversation, and its actions."""

from __future__ import annotations

import pytest

from chat.models import Conversation
from tenants.scope import workspace_scope
from tests.tenants.api_helpers import (
    Tenant,
    assert_error,
    assert_no_foreign_data,
    client_for,
    send,
)

from .helpers import chat_snapshot, open_session, operator_says, visitor_says

pytestmark = pytest.mark.django_db


def conversation_of(tenant: Tenant, name: str, body: str = "Hello") -> Conversation:
    session = open_session(
        tenant.brand, name=name, email=f"{name.lower()}@{tenant.workspace.slug}.test"
    )
    return visitor_says(session, body, "c-1").conversation


def test_list_filters_mine_unassigned_all_and_status(alpha: Tenant) -> None:
    mine = conversation_of(alpha, "Ann")
    other = conversation_of(alpha, "Bob")
    free = conversation_of(alpha, "Cid")
    with workspace_scope(alpha.workspace.pk):
        Conversation.objects.filter(pk=mine.pk).update(assignee=alpha.operator.user)
        Conversation.objects.filter(pk=other.pk).update(
            assignee=alpha.admin.user, status="resolved"
        )
    client = client_for(alpha.operator.user)

    def ids(query: str) -> list[int]:
        response = client.get(alpha.url(f"conversations/{query}"))
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    assert ids("") == sorted([mine.pk, other.pk, free.pk])
    assert ids("?assignee=mine") == [mine.pk]
    assert ids("?assignee=unassigned") == [free.pk]
    assert ids("?status=resolved") == [other.pk]
    assert ids("?assignee=all&status=open") == sorted([mine.pk, free.pk])
    assert_error(client.get(alpha.url("conversations/?assignee=nobody")), 400, "invalid")


def test_list_row_shape_with_unread_and_preview(alpha: Tenant) -> None:
    conversation = conversation_of(alpha, "Ann", "Where is my parcel?")
    operator_says(conversation, alpha.operator.user, "secret note", client_id="n", is_private=True)

    row = client_for(alpha.operator.user).get(alpha.url("conversations/")).json()["results"][0]

    assert row["id"] == conversation.pk
    assert row["unread"] == 1
    assert row["preview"] == "Where is my parcel?"
    assert row["visitor"] == {
        "id": conversation.visitor_id,
        "name": "Ann",
        "email": "ann@alpha.test",
        "verified": False,
    }
    assert row["assignee"] is None and row["status"] == "open" and row["last_seq"] == 2


def test_detail_has_messages_including_private_notes(alpha: Tenant) -> None:
    conversation = conversation_of(alpha, "Ann")
    operator_says(conversation, alpha.operator.user, "note", client_id="n", is_private=True)
    response = client_for(alpha.operator.user).get(alpha.url(f"conversations/{conversation.pk}/"))
    assert response.status_code == 200
    messages = response.json()["messages"]
    assert [(m["seq"], m["sender"], m["private"]) for m in messages] == [
        (1, "visitor", False),
        (2, "operator", True),
    ]


def test_assign_unassign_resolve_reopen(alpha: Tenant) -> None:
    conversation = conversation_of(alpha, "Ann")
    client = client_for(alpha.operator.user)
    base = f"conversations/{conversation.pk}/"

    assigned = send(client, "POST", alpha.url(base + "assign/"))
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["assignee"]["id"] == alpha.operator.user.pk
    resolved = send(client, "POST", alpha.url(base + "resolve/"))
    assert resolved.json()["status"] == "resolved"
    reopened = send(client, "POST", alpha.url(base + "reopen/"))
    assert reopened.json()["status"] == "open"
    unassigned = send(client, "POST", alpha.url(base + "unassign/"))
    assert unassigned.json()["assignee"] is None

    admin = client_for(alpha.admin.user)
    given = send(admin, "POST", alpha.url(base + "assign/"), {"user_id": alpha.operator.user.pk})
    assert given.json()["assignee"]["id"] == alpha.operator.user.pk


def test_operator_cannot_assign_or_take_from_others_and_nothing_changes(alpha: Tenant) -> None:
    conversation = conversation_of(alpha, "Ann")
    with workspace_scope(alpha.workspace.pk):
        Conversation.objects.filter(pk=conversation.pk).update(assignee=alpha.admin.user)
    client = client_for(alpha.operator.user)
    base = f"conversations/{conversation.pk}/"
    before = chat_snapshot()

    assert_error(
        send(client, "POST", alpha.url(base + "assign/"), {"user_id": alpha.owner.user.pk}),
        403,
        "insufficient_role",
    )
    assert_error(send(client, "POST", alpha.url(base + "unassign/")), 403, "insufficient_role")
    assert chat_snapshot() == before


def test_admin_cannot_assign_a_non_member(alpha: Tenant, beta: Tenant) -> None:
    conversation = conversation_of(alpha, "Ann")
    before = chat_snapshot()
    response = send(
        client_for(alpha.admin.user),
        "POST",
        alpha.url(f"conversations/{conversation.pk}/assign/"),
        {"user_id": beta.operator.user.pk},
    )
    assert_error(response, 400, "invalid_assignee")
    assert chat_snapshot() == before


def test_cross_workspace_is_not_found_and_nothing_changes(alpha: Tenant, beta: Tenant) -> None:
    theirs = conversation_of(alpha, "Ann")
    beta_client = client_for(beta.owner.user)
    before = chat_snapshot()

    for action in ("", "assign/", "unassign/", "resolve/", "reopen/"):
        method = "GET" if not action else "POST"
        response = send(beta_client, method, beta.url(f"conversations/{theirs.pk}/{action}"))
        assert_error(response, 404, "not_found", action)
        assert_no_foreign_data(response, alpha)
    listing = beta_client.get(beta.url("conversations/"))
    assert listing.json()["results"] == []
    # and through alpha's URL, where beta's owner is not a member:
    response = send(beta_client, "POST", alpha.url(f"conversations/{theirs.pk}/resolve/"))
    assert_error(response, 404, "workspace_not_found")
    assert chat_snapshot() == before


def test_identity_secret_for_admins_only_and_rotation(alpha: Tenant, beta: Tenant) -> None:
    url = alpha.url(f"brands/{alpha.brand.pk}/identity-secret/")
    admin = client_for(alpha.admin.user)

    first = admin.get(url)
    assert first.status_code == 200
    assert first.json()["identity_secret"].startswith("ids_")
    assert admin.get(url).json() == first.json()
    rotated = send(admin, "POST", url)
    assert rotated.json()["identity_secret"] != first.json()["identity_secret"]
    assert_error(client_for(alpha.operator.user).get(url), 403, "insufficient_role")
    foreign = client_for(beta.owner.user).get(beta.url(f"brands/{alpha.brand.pk}/identity-secret/"))
    assert_error(foreign, 404, "not_found")
