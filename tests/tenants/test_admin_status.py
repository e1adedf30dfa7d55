"""Platform admin (Django admin for staff) and the audited workspace status service."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tenants.errors import ServiceError
from tenants.models import Brand, Membership, Role, Workspace, WorkspaceStatus, WorkspaceStatusEvent
from tenants.scope import in_platform_scope, workspace_scope
from tenants.services import workspace_set_status
from tests.factories import (
    PASSWORD,
    BrandFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)
from tests.tenants.web_helpers import admin_form_data, logged_in_client

pytestmark = pytest.mark.django_db

REASON_REQUIRED = "Say why the status changes."


@pytest.fixture
def staff() -> object:
    return UserFactory(email="sam@platform.test", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff) -> Client:
    return logged_in_client(staff)


@pytest.fixture
def two_tenants() -> dict[str, object]:
    acme = WorkspaceFactory(name="Acme Widgets")
    harbor = WorkspaceFactory(name="Blue Harbor")
    return {
        "acme": acme,
        "harbor": harbor,
        "brands": [BrandFactory(workspace=acme), BrandFactory(workspace=harbor)],
        "memberships": [
            MembershipFactory(workspace=acme, role=Role.OWNER),
            MembershipFactory(workspace=harbor, role=Role.ADMIN),
        ],
    }


def _change_url(workspace: Workspace) -> str:
    return f"/admin/tenants/workspace/{workspace.pk}/change/"


def _status_of(workspace: Workspace) -> str:
    return Workspace.objects.get(pk=workspace.pk).status


# ------------------------------------------------------------------ listing across workspaces


def test_staff_lists_workspaces_of_everyone(staff_client: Client, two_tenants) -> None:
    response = staff_client.get("/admin/tenants/workspace/")

    assert response.status_code == 200
    listed = {w.pk for w in response.context["cl"].result_list}
    assert listed == {two_tenants["acme"].pk, two_tenants["harbor"].pk}


def test_staff_lists_brands_of_every_workspace(staff_client: Client, two_tenants) -> None:
    response = staff_client.get("/admin/tenants/brand/")

    assert response.status_code == 200
    listed = {b.pk for b in response.context["cl"].result_list}
    assert listed == {b.pk for b in two_tenants["brands"]}
    assert response.context["cl"].result_count == 2


def test_staff_lists_memberships_of_every_workspace(staff_client: Client, two_tenants) -> None:
    response = staff_client.get("/admin/tenants/membership/")

    assert response.status_code == 200
    listed = {m.pk for m in response.context["cl"].result_list}
    assert listed == {m.pk for m in two_tenants["memberships"]}


def test_staff_edits_a_brand_of_any_workspace(staff_client: Client, two_tenants) -> None:
    brand = two_tenants["brands"][1]
    url = f"/admin/tenants/brand/{brand.pk}/change/"
    data = admin_form_data(staff_client.get(url))
    data["name"] = "Renamed by staff"

    response = staff_client.post(url, data)

    assert (response.status_code, response["Location"]) == (302, "/admin/tenants/brand/")
    with workspace_scope(two_tenants["harbor"].pk):
        assert Brand.objects.get(pk=brand.pk).name == "Renamed by staff"


def test_admin_brand_form_still_enforces_the_per_workspace_unique_name(
    staff_client: Client, two_tenants
) -> None:
    harbor = two_tenants["harbor"]
    BrandFactory(workspace=harbor, name="Taken")
    brand = two_tenants["brands"][1]
    url = f"/admin/tenants/brand/{brand.pk}/change/"
    data = admin_form_data(staff_client.get(url))
    original_name = data["name"]
    data["name"] = "Taken"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "__all__": ["Brand with this Workspace and Name already exists."]
    }
    with workspace_scope(harbor.pk):
        assert Brand.objects.get(pk=brand.pk).name == original_name


def test_staff_adds_a_membership_and_a_duplicate_is_a_form_error(
    staff_client: Client, two_tenants
) -> None:
    harbor = two_tenants["harbor"]
    newcomer = UserFactory()
    existing = two_tenants["memberships"][1]  # already in harbor
    url = "/admin/tenants/membership/add/"

    added = staff_client.post(
        url, {"workspace": harbor.pk, "user": newcomer.pk, "role": Role.OPERATOR}
    )
    duplicate = staff_client.post(
        url, {"workspace": harbor.pk, "user": existing.user.pk, "role": Role.OWNER}
    )

    assert (added.status_code, added["Location"]) == (302, "/admin/tenants/membership/")
    assert duplicate.status_code == 200
    assert duplicate.context["adminform"].form.errors == {
        "__all__": ["Membership with this Workspace and User already exists."]
    }
    with workspace_scope(harbor.pk):
        assert sorted(Membership.objects.values_list("user_id", "role")) == sorted(
            [(existing.user.pk, Role.ADMIN), (newcomer.pk, Role.OPERATOR)]
        )


def test_admin_request_does_not_leave_the_platform_scope_behind(
    staff_client: Client, two_tenants
) -> None:
    assert staff_client.get("/admin/tenants/brand/").status_code == 200

    assert in_platform_scope() is False
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.platform', true)")
        assert cursor.fetchone() == ("",)
        cursor.execute("SELECT count(*) FROM tenants_brand")
        assert cursor.fetchone() == (0,)


def test_non_staff_users_cannot_reach_admin(two_tenants) -> None:
    member = two_tenants["memberships"][0].user
    client = logged_in_client(member)

    index = client.get("/admin/")
    brands = client.get("/admin/tenants/brand/")

    assert (index.status_code, index["Location"]) == (302, "/admin/login/?next=/admin/")
    assert (brands.status_code, brands["Location"]) == (
        302,
        "/admin/login/?next=/admin/tenants/brand/",
    )


def test_anonymous_visitors_cannot_reach_admin(two_tenants) -> None:
    response = Client().get("/admin/tenants/membership/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/admin/login/?next=/admin/tenants/membership/",
    )


def test_workspace_owner_cannot_log_into_admin(two_tenants) -> None:
    owner = two_tenants["memberships"][0].user
    client = Client()

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": owner.username, "password": PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# ------------------------------------------------------------------ status changes in admin


def test_status_change_without_reason_is_a_form_error_and_changes_nothing(
    staff_client: Client,
) -> None:
    workspace = WorkspaceFactory(name="Acme Widgets")
    data = admin_form_data(staff_client.get(_change_url(workspace)))
    data["status"] = WorkspaceStatus.SUSPENDED
    data["status_reason"] = "   "

    response = staff_client.post(_change_url(workspace), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"status_reason": [REASON_REQUIRED]}
    assert _status_of(workspace) == WorkspaceStatus.ACTIVE
    assert WorkspaceStatusEvent.objects.count() == 0


def test_status_change_with_reason_is_audited(staff_client: Client, staff) -> None:
    # given an active workspace
    workspace = WorkspaceFactory(name="Acme Widgets")
    data = admin_form_data(staff_client.get(_change_url(workspace)))
    data["status"] = WorkspaceStatus.SUSPENDED
    data["status_reason"] = "Invoice 1042 unpaid for 60 days"
    before = timezone.now()

    # when staff suspends it with a reason
    response = staff_client.post(_change_url(workspace), data)

    # then the status changes and one event records who, from, to, why and when
    assert (response.status_code, response["Location"]) == (302, "/admin/tenants/workspace/")
    assert _status_of(workspace) == WorkspaceStatus.SUSPENDED
    event = WorkspaceStatusEvent.objects.get()
    assert (event.workspace_id, event.from_status, event.to_status) == (
        workspace.pk,
        WorkspaceStatus.ACTIVE,
        WorkspaceStatus.SUSPENDED,
    )
    assert (event.actor, event.actor_label) == (staff, "sam@platform.test")
    assert event.reason == "Invoice 1042 unpaid for 60 days"
    assert event.created_at.tzinfo is not None
    assert before <= event.created_at <= timezone.now()


def test_status_change_keeps_the_other_edited_fields(staff_client: Client) -> None:
    workspace = WorkspaceFactory(name="Acme Widgets")
    data = admin_form_data(staff_client.get(_change_url(workspace)))
    data.update(name="Acme Renamed", status=WorkspaceStatus.TERMINATED, status_reason="Closed")

    staff_client.post(_change_url(workspace), data)

    workspace.refresh_from_db()
    assert (workspace.name, workspace.status) == ("Acme Renamed", WorkspaceStatus.TERMINATED)
    assert list(WorkspaceStatusEvent.objects.values_list("from_status", "to_status")) == [
        (WorkspaceStatus.ACTIVE, WorkspaceStatus.TERMINATED)
    ]


def test_second_status_change_posts_back_the_event_inline(staff_client: Client) -> None:
    """The change form carries the existing events as a read-only inline; saving again works."""
    workspace = WorkspaceFactory()
    for status, reason in [(WorkspaceStatus.SUSPENDED, "Unpaid"), (WorkspaceStatus.ACTIVE, "Paid")]:
        data = admin_form_data(staff_client.get(_change_url(workspace)))
        data.update(status=status, status_reason=reason)
        assert staff_client.post(_change_url(workspace), data).status_code == 302

    assert _status_of(workspace) == WorkspaceStatus.ACTIVE
    assert list(WorkspaceStatusEvent.objects.values_list("to_status", "reason")) == [
        (WorkspaceStatus.ACTIVE, "Paid"),
        (WorkspaceStatus.SUSPENDED, "Unpaid"),
    ]


def test_editing_other_fields_needs_no_reason_and_writes_no_event(staff_client: Client) -> None:
    workspace = WorkspaceFactory(name="Acme Widgets")
    data = admin_form_data(staff_client.get(_change_url(workspace)))
    data["name"] = "Acme Renamed"

    response = staff_client.post(_change_url(workspace), data)

    assert response.status_code == 302
    workspace.refresh_from_db()
    assert (workspace.name, workspace.status) == ("Acme Renamed", WorkspaceStatus.ACTIVE)
    assert WorkspaceStatusEvent.objects.count() == 0


def test_status_events_are_read_only_in_admin(staff_client: Client, staff) -> None:
    workspace = WorkspaceFactory()
    event = workspace_set_status(
        workspace=workspace, status=WorkspaceStatus.SUSPENDED, actor=staff, reason="Unpaid"
    )
    assert event is not None
    url = f"/admin/tenants/workspacestatusevent/{event.pk}/"

    add = staff_client.get("/admin/tenants/workspacestatusevent/add/")
    delete = staff_client.post(f"{url}delete/", {"post": "yes"})
    change = staff_client.post(f"{url}change/", {"reason": "rewritten"})

    assert add.status_code == 403
    assert delete.status_code == 403
    assert change.status_code == 403
    event.refresh_from_db()
    assert event.reason == "Unpaid"


# ------------------------------------------------------------------ the service directly


def test_set_status_writes_the_event_and_changes_the_status(staff) -> None:
    workspace = WorkspaceFactory()

    event = workspace_set_status(
        workspace=workspace, status=WorkspaceStatus.TERMINATED, actor=staff, reason="  Fraud  "
    )

    assert event is not None
    assert (event.from_status, event.to_status, event.reason) == (
        WorkspaceStatus.ACTIVE,
        WorkspaceStatus.TERMINATED,
        "Fraud",
    )
    assert (event.actor, event.actor_label) == (staff, "sam@platform.test")
    assert workspace.status == WorkspaceStatus.TERMINATED
    assert _status_of(workspace) == WorkspaceStatus.TERMINATED


def test_set_status_without_actor_is_labelled_system() -> None:
    workspace = WorkspaceFactory()

    event = workspace_set_status(
        workspace=workspace, status=WorkspaceStatus.SUSPENDED, actor=None, reason="Chargeback"
    )

    assert event is not None
    assert (event.actor, event.actor_label) == (None, "system")


def test_set_status_to_the_current_status_is_a_no_op(staff) -> None:
    workspace = WorkspaceFactory(status=WorkspaceStatus.SUSPENDED)

    event = workspace_set_status(
        workspace=workspace, status=WorkspaceStatus.SUSPENDED, actor=staff, reason="Again"
    )

    assert event is None
    assert _status_of(workspace) == WorkspaceStatus.SUSPENDED
    assert WorkspaceStatusEvent.objects.count() == 0


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_set_status_requires_a_reason(staff, reason) -> None:
    workspace = WorkspaceFactory()

    with pytest.raises(ServiceError) as raised:
        workspace_set_status(
            workspace=workspace, status=WorkspaceStatus.SUSPENDED, actor=staff, reason=reason
        )

    assert raised.value.code == "reason_required"
    assert _status_of(workspace) == WorkspaceStatus.ACTIVE
    assert WorkspaceStatusEvent.objects.count() == 0


@pytest.mark.parametrize("status", ["paused", "ACTIVE", ""])
def test_set_status_rejects_unknown_statuses(staff, status: str) -> None:
    workspace = WorkspaceFactory()

    with pytest.raises(ServiceError) as raised:
        workspace_set_status(workspace=workspace, status=status, actor=staff, reason="Why not")

    assert raised.value.code == "invalid_status"
    assert raised.value.message == f"Unknown status {status!r}."
    assert _status_of(workspace) == WorkspaceStatus.ACTIVE
    assert WorkspaceStatusEvent.objects.count() == 0


def test_membership_rows_survive_a_status_change(staff, two_tenants) -> None:
    """Suspending is reversible: it touches the status only, never the tenant's rows."""
    acme = two_tenants["acme"]
    workspace_set_status(workspace=acme, status=WorkspaceStatus.SUSPENDED, actor=staff, reason="x")

    with workspace_scope(acme.pk):
        assert list(Membership.objects.values_list("role", flat=True)) == [Role.OWNER]
        assert Brand.objects.count() == 1
