"""Workspace pages: the switcher, home pages, and what suspended / terminated workspaces show."""

from __future__ import annotations

import pytest
from django.test import Client

from tenants.models import Role, WorkspaceStatus
from tests.factories import BrandFactory, MembershipFactory, WorkspaceFactory
from tests.tenants.web_helpers import (
    LOGIN_URL,
    SUSPENDED_BANNER,
    Option,
    home_url,
    logged_in_client,
    member_of,
    post_login,
    read_page,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_workspaces_and_a_stranger() -> tuple[object, ...]:
    """A user in Acme (operator) and Blue Harbor (admin); Cobalt exists with someone else."""
    acme = WorkspaceFactory(name="Acme Widgets", slug="acme-widgets")
    harbor = WorkspaceFactory(name="Blue Harbor", slug="blue-harbor")
    cobalt = WorkspaceFactory(name="Cobalt Secret", slug="cobalt-secret")
    user = member_of(acme, email="pat@example.test")
    MembershipFactory(workspace=harbor, user=user, role=Role.ADMIN)
    MembershipFactory(workspace=cobalt, user__email="carol@cobalt.test", role=Role.OWNER)
    BrandFactory(workspace=cobalt, name="Cobalt Hidden Brand")
    return user, acme, harbor, cobalt


# ------------------------------------------------------------------ the switcher


def test_workspace_list_shows_exactly_the_users_workspaces(two_workspaces_and_a_stranger) -> None:
    user, acme, harbor, _cobalt = two_workspaces_and_a_stranger

    response = logged_in_client(user).get("/w/")

    page = read_page(response)
    assert response.status_code == 200
    assert page.workspace_links == [
        (home_url(acme), "Acme Widgets"),
        (home_url(harbor), "Blue Harbor"),
    ]
    assert page.switcher_options == [
        Option("", "Choose…", False),
        Option(home_url(acme), "Acme Widgets (operator)", False),
        Option(home_url(harbor), "Blue Harbor (admin)", False),
    ]
    assert "Cobalt" not in response.content.decode()


@pytest.mark.parametrize("current", ["acme", "harbor"])
def test_switcher_on_each_workspace_page_lists_both_and_selects_the_current(
    two_workspaces_and_a_stranger, current: str
) -> None:
    user, acme, harbor, _cobalt = two_workspaces_and_a_stranger
    workspace = {"acme": acme, "harbor": harbor}[current]

    response = logged_in_client(user).get(home_url(workspace))

    assert response.status_code == 200
    assert read_page(response).switcher_options == [
        Option(home_url(acme), "Acme Widgets (operator)", workspace is acme),
        Option(home_url(harbor), "Blue Harbor (admin)", workspace is harbor),
    ]
    assert read_page(response).headings == [workspace.name]
    assert "Cobalt" not in response.content.decode()


def test_single_workspace_user_gets_a_label_not_a_switcher() -> None:
    workspace = WorkspaceFactory(name="Acme Widgets")
    client = logged_in_client(member_of(workspace))

    page = read_page(client.get(home_url(workspace)))

    assert page.switcher_options is None
    assert page.current_workspace_label == "Acme Widgets"


def test_workspace_list_with_one_workspace_redirects_unless_all_is_asked() -> None:
    workspace = WorkspaceFactory(name="Acme Widgets")
    client = logged_in_client(member_of(workspace))

    redirected = client.get("/w/")
    listed = client.get("/w/?all")

    assert (redirected.status_code, redirected["Location"]) == (302, home_url(workspace))
    assert read_page(listed).workspace_links == [(home_url(workspace), "Acme Widgets")]


def test_user_without_workspaces_is_told_how_to_get_one() -> None:
    WorkspaceFactory(name="Cobalt Secret")
    client = logged_in_client(member_of())

    response = client.get("/w/")

    assert response.status_code == 200
    assert read_page(response).workspace_links == []
    assert "You are not a member of any workspace yet." in response.content.decode()
    assert "Cobalt" not in response.content.decode()


def test_workspace_home_shows_only_its_own_brands_and_members(
    two_workspaces_and_a_stranger,
) -> None:
    user, acme, harbor, _cobalt = two_workspaces_and_a_stranger
    BrandFactory(workspace=acme, name="Acme Store")
    BrandFactory(workspace=harbor, name="Harbor Help")

    response = logged_in_client(user).get(home_url(acme))

    assert response.status_code == 200
    assert [b.name for b in response.context["brands"]] == ["Acme Store"]
    assert [m.user.email for m in response.context["members"]] == ["pat@example.test"]
    content = response.content.decode()
    assert "Harbor Help" not in content
    assert "Cobalt Hidden Brand" not in content
    assert "carol@cobalt.test" not in content


def test_widget_snippet_is_shown_to_admins_only(two_workspaces_and_a_stranger) -> None:
    user, acme, harbor, _cobalt = two_workspaces_and_a_stranger
    acme_brand = BrandFactory(workspace=acme, name="Acme Store")
    harbor_brand = BrandFactory(workspace=harbor, name="Harbor Help")
    client = logged_in_client(user)

    as_operator = client.get(home_url(acme)).content.decode()
    as_admin = client.get(home_url(harbor)).content.decode()

    assert acme_brand.widget_key not in as_operator
    assert f'data-widget-key="{harbor_brand.widget_key}"' in as_admin


# ------------------------------------------------------------------ not found and not signed in


def test_foreign_and_unknown_workspaces_are_the_same_404(two_workspaces_and_a_stranger) -> None:
    user, _acme, _harbor, cobalt = two_workspaces_and_a_stranger
    client = logged_in_client(user)

    foreign = client.get(home_url(cobalt))
    unknown = client.get("/w/no-such-workspace/")

    assert foreign.status_code == unknown.status_code == 404
    assert foreign.content == unknown.content
    assert b"Cobalt" not in foreign.content


def test_anonymous_visitor_is_sent_to_login_for_workspace_pages() -> None:
    workspace = WorkspaceFactory()
    client = Client()

    home = client.get(home_url(workspace))
    unknown = client.get("/w/no-such-workspace/")
    listing = client.get("/w/")
    root = client.get("/")

    assert (home.status_code, home["Location"]) == (302, f"{LOGIN_URL}?next={home_url(workspace)}")
    assert (unknown.status_code, unknown["Location"]) == (
        302,
        f"{LOGIN_URL}?next=/w/no-such-workspace/",
    )
    assert (listing.status_code, listing["Location"]) == (302, f"{LOGIN_URL}?next=/w/")
    assert (root.status_code, root["Location"]) == (302, LOGIN_URL)


# ------------------------------------------------------------------ workspace status


def test_suspended_workspace_members_can_log_in_and_read_with_a_banner() -> None:
    # given a suspended workspace with a brand
    workspace = WorkspaceFactory(name="Acme Widgets", status=WorkspaceStatus.SUSPENDED)
    BrandFactory(workspace=workspace, name="Acme Store")
    user = member_of(workspace)
    client = Client()

    # when its member signs in
    response = post_login(client, user.username, follow=True)

    # then they reach the home page, which reads normally under the suspended banner
    assert response.redirect_chain == [("/w/", 302), (home_url(workspace), 302)]
    assert response.status_code == 200
    page = read_page(response)
    assert page.banners == [SUSPENDED_BANNER]
    assert page.headings == ["Acme Widgets"]
    assert [b.name for b in response.context["brands"]] == ["Acme Store"]


def test_active_workspace_has_no_banner() -> None:
    workspace = WorkspaceFactory()
    response = logged_in_client(member_of(workspace)).get(home_url(workspace))

    assert response.status_code == 200
    assert read_page(response).banners == []


def test_suspended_workspace_is_marked_in_the_list() -> None:
    active = WorkspaceFactory(name="Acme Widgets")
    suspended = WorkspaceFactory(name="Blue Harbor", status=WorkspaceStatus.SUSPENDED)
    client = logged_in_client(member_of(active, suspended))

    response = client.get("/w/")

    assert read_page(response).workspace_links == [
        (home_url(active), "Acme Widgets"),
        (home_url(suspended), "Blue Harbor"),
    ]
    assert response.content.decode().count('<span class="pill warn">suspended</span>') == 1


def test_suspended_workspace_widget_config_answers_workspace_suspended() -> None:
    active_brand = BrandFactory(workspace=WorkspaceFactory(), name="Open Shop")
    suspended_brand = BrandFactory(
        workspace=WorkspaceFactory(status=WorkspaceStatus.SUSPENDED), name="Paused Shop"
    )
    client = Client()

    active = client.get(f"/api/v1/widget/{active_brand.widget_key}/config/")
    suspended = client.get(f"/api/v1/widget/{suspended_brand.widget_key}/config/")

    assert active.status_code == 200
    assert active.json() == {"brand": "Open Shop", "default_language": "en", "status": "active"}
    assert suspended.status_code == 403
    assert suspended.json()["error"]["code"] == "workspace_suspended"
    assert suspended.json()["error"]["message"] == (
        "This workspace is suspended: AI features and the chat widget are paused. "
        "Contact support to restore it."
    )


def test_terminated_workspace_page_is_a_403_terminated_page() -> None:
    workspace = WorkspaceFactory(name="Acme Widgets", status=WorkspaceStatus.TERMINATED)
    client = logged_in_client(member_of(workspace))

    response = client.get(home_url(workspace))

    assert response.status_code == 403
    assert response.templates[0].name == "tenants/terminated.html"
    assert read_page(response).headings == ["Workspace closed"]
    assert "Acme Widgets has been terminated and can no longer be used." in (
        response.content.decode()
    )


def test_terminated_workspace_of_someone_else_is_still_a_plain_404() -> None:
    terminated = WorkspaceFactory(status=WorkspaceStatus.TERMINATED)
    MembershipFactory(workspace=terminated)
    client = logged_in_client(member_of(WorkspaceFactory()))

    response = client.get(home_url(terminated))

    assert response.status_code == 404
    assert response.content == client.get("/w/no-such-workspace/").content


def test_terminated_workspace_disappears_from_the_switcher() -> None:
    # given a user in two live workspaces and one terminated one
    acme = WorkspaceFactory(name="Acme Widgets")
    harbor = WorkspaceFactory(name="Blue Harbor")
    closed = WorkspaceFactory(name="Closed Corp", status=WorkspaceStatus.TERMINATED)
    client = logged_in_client(member_of(acme, harbor, closed))

    listing = read_page(client.get("/w/"))
    on_home = read_page(client.get(home_url(acme)))
    on_terminated = read_page(client.get(home_url(closed)))

    live = [
        Option(home_url(acme), "Acme Widgets (operator)", False),
        Option(home_url(harbor), "Blue Harbor (operator)", False),
    ]
    assert listing.workspace_links == [
        (home_url(acme), "Acme Widgets"),
        (home_url(harbor), "Blue Harbor"),
    ]
    assert on_home.switcher_options == [
        Option(home_url(acme), "Acme Widgets (operator)", True),
        Option(home_url(harbor), "Blue Harbor (operator)", False),
    ]
    assert on_terminated.switcher_options == [Option("", "Choose…", False), *live]


def test_terminated_workspace_api_answers_workspace_terminated() -> None:
    workspace = WorkspaceFactory(status=WorkspaceStatus.TERMINATED)
    brand = BrandFactory(workspace=workspace)
    client = logged_in_client(member_of(workspace))

    widget = Client().get(f"/api/v1/widget/{brand.widget_key}/config/")
    workspace_api = client.get(f"/api/v1/w/{workspace.slug}/")

    assert widget.status_code == 403
    assert widget.json() == {
        "error": {
            "code": "workspace_terminated",
            "message": "This workspace has been terminated.",
            "details": {},
        }
    }
    assert workspace_api.status_code == 403
    assert workspace_api.json()["error"]["code"] == "workspace_terminated"
