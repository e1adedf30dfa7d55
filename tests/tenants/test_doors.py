"""The doors that bind a workspace (page views, Celery tasks) and the per-request transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings

from tenants.doors import workspace_task
from tenants.models import Brand, Role, Workspace, WorkspaceStatus
from tenants.scope import WorkspaceNotBound, bound_user_id, bound_workspace_id, workspace_scope
from tests.factories import BrandFactory, WorkspaceFactory
from tests.tenants.doors_urls import ViewExploded
from tests.tenants.web_helpers import LOGIN_URL, logged_in_client, member_of, read_page

pytestmark = pytest.mark.django_db

with_door_urls = override_settings(ROOT_URLCONF="tests.tenants.doors_urls")


def _db_setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(current_setting(%s, true), '')", [name])
        row = cursor.fetchone()
    return str(row[0])


def _assert_nothing_bound() -> None:
    assert bound_workspace_id() is None
    assert bound_user_id() is None
    assert _db_setting("app.workspace_id") == ""
    assert _db_setting("app.user_id") == ""
    assert _db_setting("app.platform") == ""
    with pytest.raises(WorkspaceNotBound):
        Brand.objects.count()


# ------------------------------------------------------------------ workspace_task


calls: list[dict[str, Any]] = []


@workspace_task
def brand_names_task(label: str, *, workspace: Workspace) -> dict[str, Any]:
    result = {
        "label": label,
        "workspace": workspace.slug,
        "bound": bound_workspace_id(),
        "brands": sorted(Brand.objects.values_list("name", flat=True)),
    }
    calls.append(result)
    return result


@workspace_task
def failing_task(*, workspace: Workspace) -> None:
    Brand.objects.count()  # works here: the scope is bound
    raise ViewExploded("task failed inside the scope")


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    calls.clear()


def test_task_runs_inside_the_workspace_scope_and_unbinds_after() -> None:
    # given two workspaces with a brand each
    mine = WorkspaceFactory(slug="mine")
    BrandFactory(workspace=mine, name="Mine")
    BrandFactory(workspace=WorkspaceFactory(), name="Theirs")

    # when the task runs for one of them
    result = brand_names_task("job-1", workspace_id=mine.pk)

    # then it saw only that workspace, bound, and nothing is bound afterwards
    assert result == {"label": "job-1", "workspace": "mine", "bound": mine.pk, "brands": ["Mine"]}
    _assert_nothing_bound()


def test_task_for_a_suspended_workspace_still_runs() -> None:
    """Only terminated and missing workspaces are skipped (suspension pauses AI, not jobs)."""
    suspended = WorkspaceFactory(status=WorkspaceStatus.SUSPENDED)

    result = brand_names_task("job", workspace_id=suspended.pk)

    assert result is not None
    assert result["bound"] == suspended.pk


def test_task_for_a_terminated_workspace_does_nothing() -> None:
    terminated = WorkspaceFactory(status=WorkspaceStatus.TERMINATED)

    assert brand_names_task("job", workspace_id=terminated.pk) is None
    assert calls == []


def test_task_for_a_missing_workspace_does_nothing() -> None:
    gone = WorkspaceFactory()
    gone_id = gone.pk
    gone.delete()

    assert brand_names_task("job", workspace_id=gone_id) is None
    assert brand_names_task("job", workspace_id=0) is None
    assert calls == []


@pytest.mark.parametrize("as_bad_id", [str, float, lambda pk: [pk], lambda pk: None, bool])
def test_task_rejects_non_integer_workspace_ids(as_bad_id: Any) -> None:
    # given an id in a form a lenient cast would accept for an existing workspace
    workspace = WorkspaceFactory()
    bad_id = as_bad_id(workspace.pk)

    with pytest.raises(TypeError, match="workspace_id must be an integer"):
        brand_names_task("job", workspace_id=bad_id)
    assert calls == []


def test_task_needs_workspace_id_as_a_keyword() -> None:
    workspace = WorkspaceFactory()

    with pytest.raises(TypeError):
        brand_names_task("job", workspace.pk)  # type: ignore[call-arg]
    assert calls == []


def test_task_failure_unbinds_the_scope() -> None:
    workspace = WorkspaceFactory()

    with pytest.raises(ViewExploded):
        failing_task(workspace_id=workspace.pk)

    _assert_nothing_bound()


# ------------------------------------------------------------------ workspace_view


@with_door_urls
def test_view_binds_the_workspace_and_request_and_unbinds_after() -> None:
    workspace = WorkspaceFactory(slug="mine")
    BrandFactory(workspace=workspace, name="Mine")
    BrandFactory(workspace=WorkspaceFactory(), name="Theirs")
    client = logged_in_client(member_of(workspace, role=Role.ADMIN))

    response = client.get("/test-doors/w/mine/probe/")

    assert response.status_code == 200
    assert response.json() == {
        "workspace": "mine",
        "role": "admin",
        "bound_workspace_id": workspace.pk,
        "platform_scope": False,
        "brands": ["Mine"],
        "rls_visible_brands": 1,
    }
    _assert_nothing_bound()


@with_door_urls
def test_view_answers_the_same_404_for_foreign_and_unknown_workspaces() -> None:
    foreign = WorkspaceFactory(slug="foreign")
    BrandFactory(workspace=foreign, name="Foreign brand")
    client = logged_in_client(member_of(WorkspaceFactory()))

    to_foreign = client.get("/test-doors/w/foreign/probe/")
    to_unknown = client.get("/test-doors/w/unknown/probe/")

    assert to_foreign.status_code == to_unknown.status_code == 404
    assert to_foreign.content == to_unknown.content
    _assert_nothing_bound()


@with_door_urls
def test_view_sends_anonymous_visitors_to_login() -> None:
    WorkspaceFactory(slug="mine")

    response = Client().get("/test-doors/w/mine/probe/")

    assert (response.status_code, response["Location"]) == (
        302,
        f"{LOGIN_URL}?next=/test-doors/w/mine/probe/",
    )


@with_door_urls
def test_view_enforces_the_minimum_role() -> None:
    workspace = WorkspaceFactory(name="Acme Widgets", slug="acme")
    operator = logged_in_client(member_of(workspace, role=Role.OPERATOR))
    admin = logged_in_client(member_of(workspace, role=Role.ADMIN))
    owner = logged_in_client(member_of(workspace, role=Role.OWNER))

    refused = operator.get("/test-doors/w/acme/admins-only/")

    assert refused.status_code == 403
    assert read_page(refused).headings == ["Not allowed"]
    assert "This page needs the admin role in Acme Widgets." in refused.content.decode()
    assert admin.get("/test-doors/w/acme/admins-only/").content == b"admin area"
    assert owner.get("/test-doors/w/acme/admins-only/").content == b"admin area"
    _assert_nothing_bound()


@with_door_urls
def test_view_refuses_a_terminated_workspace_before_binding() -> None:
    workspace = WorkspaceFactory(slug="closed", status=WorkspaceStatus.TERMINATED)
    client = logged_in_client(member_of(workspace))

    response = client.get("/test-doors/w/closed/probe/")

    assert response.status_code == 403
    assert read_page(response).headings == ["Workspace closed"]
    _assert_nothing_bound()


# ------------------------------------------------------------------ the request transaction


@with_door_urls
def test_view_exception_rolls_back_its_writes() -> None:
    client = Client(raise_request_exception=False)

    response = client.post("/test-doors/workspace-then-raise/", {"slug": "half-written"})

    assert response.status_code == 500
    assert not Workspace.objects.filter(slug="half-written").exists()
    _assert_nothing_bound()


@with_door_urls
def test_a_500_response_rolls_back_the_writes_of_an_anonymous_request() -> None:
    response = Client().post("/test-doors/workspace-then-500/", {"slug": "half-written"})

    assert response.status_code == 500
    assert not Workspace.objects.filter(slug="half-written").exists()


@with_door_urls
def test_a_500_response_rolls_back_the_writes_of_a_signed_in_request() -> None:
    client = logged_in_client(member_of(WorkspaceFactory()))

    response = client.post("/test-doors/workspace-then-500/", {"slug": "half-written"})

    assert response.status_code == 500
    assert not Workspace.objects.filter(slug="half-written").exists()
    _assert_nothing_bound()


@with_door_urls
def test_a_500_response_rolls_back_tenant_writes_made_inside_the_workspace_scope() -> None:
    workspace = WorkspaceFactory(slug="mine")
    client = logged_in_client(member_of(workspace))

    broken = client.post("/test-doors/w/mine/brand-then-500/", {"name": "Half written"})
    fine = client.post("/test-doors/w/mine/brand-then-ok/", {"name": "Fully written"})

    assert (broken.status_code, fine.status_code) == (500, 200)
    with workspace_scope(workspace.pk):
        assert list(Brand.objects.values_list("name", flat=True)) == ["Fully written"]
    _assert_nothing_bound()


@with_door_urls
def test_a_successful_response_keeps_its_writes() -> None:
    """The control for the rollback tests: the same write with a 200 stays."""
    response = Client().post("/test-doors/workspace-then-ok/", {"slug": "fully-written"})

    assert response.status_code == 200
    assert Workspace.objects.get(slug="fully-written").name == "Fully written"


@with_door_urls
def test_staff_on_a_workspace_page_get_the_workspace_scope_not_the_platform_scope() -> None:
    """Platform scope (RLS admits every row) is for Django admin only, even for staff."""
    workspace = WorkspaceFactory(slug="mine")
    BrandFactory(workspace=workspace, name="Mine")
    BrandFactory(workspace=WorkspaceFactory(), name="Theirs")
    staff = member_of(workspace, is_staff=True, is_superuser=True)

    response = logged_in_client(staff).get("/test-doors/w/mine/probe/")

    assert response.status_code == 200
    assert response.json()["platform_scope"] is False
    assert response.json()["rls_visible_brands"] == 1
    _assert_nothing_bound()
