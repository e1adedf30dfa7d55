"""The inbox pages: who may see them, what they list, and that stored text stays text."""

from __future__ import annotations

import pytest

from chat.models import Conversation, Message
from chat.services import conversation_mark_read
from tenants.models import Role
from tenants.scope import workspace_scope
from tests.factories import BrandFactory, WorkspaceFactory
from tests.tenants.web_helpers import LOGIN_URL, logged_in_client, member_of

from .helpers import (
    add_message,
    conversation_url,
    inbox_url,
    read_inbox,
    set_state,
    start_conversation,
)

pytestmark = pytest.mark.django_db

XSS = "<img src=x onerror=alert(1)>"
XSS_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def acme():
    workspace = WorkspaceFactory(name="Acme", slug="acme")
    return workspace, BrandFactory(workspace=workspace, name="Acme Store")


@pytest.fixture
def globex():
    workspace = WorkspaceFactory(name="Globex", slug="globex")
    return workspace, BrandFactory(workspace=workspace, name="Globex Support")


def _counts(*workspaces) -> dict[str, tuple[int, int]]:
    out = {}
    for workspace in workspaces:
        with workspace_scope(workspace.pk):
            out[workspace.slug] = (Conversation.objects.count(), Message.objects.count())
    return out


# ------------------------------------------------------------------ access


@pytest.mark.parametrize("which", ["inbox", "conversation"])
def test_signed_out_visitor_is_sent_to_login(client, acme, which) -> None:
    workspace, brand = acme
    conversation = start_conversation(brand, "Hello")
    url = inbox_url(workspace) if which == "inbox" else conversation_url(workspace, conversation.pk)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={url}"


@pytest.mark.parametrize("slug", ["globex", "no-such-workspace"])
def test_foreign_and_unknown_workspace_inbox_are_the_same_404(acme, globex, slug) -> None:
    workspace, _brand = acme
    operator = member_of(workspace)

    response = logged_in_client(operator).get(f"/w/{slug}/inbox/")

    assert response.status_code == 404
    assert "Globex" not in response.content.decode()


def test_foreign_conversation_id_is_the_same_404_as_a_missing_one_and_changes_nothing(
    acme, globex
) -> None:
    (acme_ws, _), (globex_ws, globex_brand) = acme, globex
    operator = member_of(acme_ws)
    foreign = start_conversation(globex_brand, "Globex secret question", name="Gina Globex")
    before = _counts(acme_ws, globex_ws)
    client = logged_in_client(operator)

    foreign_response = client.get(conversation_url(acme_ws, foreign.pk))
    missing_response = client.get(conversation_url(acme_ws, foreign.pk + 1000))

    assert foreign_response.status_code == missing_response.status_code == 404
    assert "Globex secret question" not in foreign_response.content.decode()
    assert "Gina Globex" not in foreign_response.content.decode()
    assert _counts(acme_ws, globex_ws) == before


def test_operator_sees_only_their_workspaces_conversations(acme, globex) -> None:
    (acme_ws, acme_brand), (_globex_ws, globex_brand) = acme, globex
    operator = member_of(acme_ws)
    mine = start_conversation(acme_brand, "Where is my order?", name="Ann Acme")
    start_conversation(globex_brand, "Globex secret question", name="Gina Globex")

    response = logged_in_client(operator).get(inbox_url(acme_ws))

    page = read_inbox(response)
    assert response.status_code == 200
    assert page.row_ids == [mine.pk]
    assert page.row_names == ["Ann Acme"]
    body = response.content.decode()
    assert "Gina Globex" not in body
    assert "Globex secret question" not in body


# ------------------------------------------------------------------ the list


def test_filters_mine_unassigned_all_and_status(acme) -> None:
    workspace, brand = acme
    operator = member_of(workspace)
    other = member_of(workspace)
    unassigned = start_conversation(brand, "one", name="Una")
    assigned_to_me = start_conversation(brand, "two", name="Mia")
    assigned_to_other = start_conversation(brand, "three", name="Otto")
    resolved = start_conversation(brand, "four", name="Rex")
    set_state(assigned_to_me, assignee=operator)
    set_state(assigned_to_other, assignee=other)
    set_state(resolved, status="resolved")
    client = logged_in_client(operator)

    def ids(**query: str) -> set[int]:
        return set(read_inbox(client.get(inbox_url(workspace, **query))).row_ids)

    assert ids() == {unassigned.pk, assigned_to_me.pk, assigned_to_other.pk}
    assert ids(assignee="mine") == {assigned_to_me.pk}
    assert ids(assignee="unassigned") == {unassigned.pk}
    assert ids(assignee="all", status="resolved") == {resolved.pk}
    assert ids(assignee="all", status="pending") == set()
    assert ids(assignee="nonsense", status="nonsense") == ids()
    page = read_inbox(client.get(inbox_url(workspace, assignee="mine", status="open")))
    assert page.current_filters == ["assignee=mine", "status=open"]


def test_unread_counts_are_per_operator(acme) -> None:
    workspace, brand = acme
    reader = member_of(workspace)
    other = member_of(workspace)
    conversation = start_conversation(brand, "first")
    add_message(conversation, "visitor", "second")
    with workspace_scope(workspace.pk):
        conversation_mark_read(conversation=conversation, user_id=reader.pk, seq=1)

    assert read_inbox(logged_in_client(reader).get(inbox_url(workspace))).row_unread == [1]
    assert read_inbox(logged_in_client(other).get(inbox_url(workspace))).row_unread == [2]


# ------------------------------------------------------------------ one conversation


def test_conversation_page_shows_transcript_notes_ai_label_and_visitor_details(acme) -> None:
    workspace, brand = acme
    operator = member_of(workspace, role=Role.OPERATOR, first_name="Opal", last_name="Operator")
    conversation = start_conversation(
        brand,
        "My parcel is late",
        name="Vera Visitor",
        email="vera@example.com",
        page_url="https://shop.example.com/cart",
        user_agent="Mozilla/5.0 (X11; Linux) Chromium",
    )
    add_message(conversation, "operator", "Looking into it", sender_user=operator)
    add_message(
        conversation, "operator", "Courier says Tuesday", sender_user=operator, is_private=True
    )
    add_message(
        conversation, "ai_agent", "It should arrive Tuesday.", ai_metadata={"generated": True}
    )

    response = logged_in_client(operator).get(conversation_url(workspace, conversation.pk))

    page = read_inbox(response)
    assert response.status_code == 200
    assert [(m.seq, m.body) for m in page.transcript] == [
        (1, "My parcel is late"),
        (2, "Looking into it"),
        (3, "Courier says Tuesday"),
        (4, "It should arrive Tuesday."),
    ]
    assert [("is-private" in m.classes) for m in page.transcript] == [False, False, True, False]
    assert page.transcript[2].who.startswith("Private note")
    assert page.transcript[3].ai_label == "Generated by AI"
    assert page.visitor == {
        "Name": "Vera Visitor",
        "Email": "vera@example.com",
        "Page": "https://shop.example.com/cart",
        "Browser": "Mozilla/5.0 (X11; Linux) Chromium",
        "Brand": "Acme Store",
    }
    assert page.visible_actions == ["assign", "resolve"]
    assert page.config["conversation"] == {
        "id": conversation.pk,
        "status": "open",
        "assignee_id": None,
        "last_seq": 4,
    }
    assert page.config["socket_path"] == "/ws/inbox/acme/"
    assert page.config["api_base"] == "/api/v1/w/acme/conversations/"


def test_actions_follow_assignment_and_status(acme) -> None:
    workspace, brand = acme
    operator = member_of(workspace)
    conversation = start_conversation(brand, "hi")
    set_state(conversation, assignee=operator, status="resolved")

    page = read_inbox(logged_in_client(operator).get(conversation_url(workspace, conversation.pk)))

    assert page.visible_actions == ["unassign", "reopen"]


def test_stored_script_payloads_are_escaped_in_list_transcript_and_sidebar(acme) -> None:
    workspace, brand = acme
    operator = member_of(workspace)
    conversation = start_conversation(
        brand, XSS, name=XSS, page_url="javascript:alert(1)//<script>alert(2)</script>"
    )

    list_html = logged_in_client(operator).get(inbox_url(workspace)).content.decode()
    detail = logged_in_client(operator).get(conversation_url(workspace, conversation.pk))
    detail_html = detail.content.decode()

    for html in (list_html, detail_html):
        assert XSS not in html
        assert "<script>alert(2)</script>" not in html
        assert XSS_ESCAPED in html
    page = read_inbox(detail)
    assert page.transcript[0].body == XSS  # shown to the operator as the text it is
    assert page.visitor["Name"] == XSS
    assert '<a href="javascript:' not in detail_html


def test_inbox_links_from_the_workspace_home(acme) -> None:
    workspace, _brand = acme
    operator = member_of(workspace)

    html = logged_in_client(operator).get(f"/w/{workspace.slug}/").content.decode()

    assert f'href="{inbox_url(workspace)}"' in html
