"""Row-level security: the second wall under the scoped managers."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from tenants.models import TenantModel
from tenants.scope import platform_scope, user_scope, workspace_scope
from tests.factories import BrandFactory, MembershipFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def test_tests_run_as_the_runtime_role_without_bypassrls() -> None:
    role, superuser, bypass = _raw(
        "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )[0]
    assert role == "supportdesk_app"
    assert superuser is False
    assert bypass is False


def test_raw_sql_sees_only_bound_workspace_and_nothing_when_unbound() -> None:
    """The RLS proof: raw SQL, no ORM filter, sees A's rows under A and no rows unbound."""
    ws_a, ws_b = WorkspaceFactory(), WorkspaceFactory()
    brand_a = BrandFactory(workspace=ws_a, name="A brand")
    BrandFactory(workspace=ws_b, name="B brand 1")
    BrandFactory(workspace=ws_b, name="B brand 2")
    MembershipFactory(workspace=ws_a)
    MembershipFactory(workspace=ws_b)

    with workspace_scope(ws_a.pk):
        brands = _raw("SELECT id, workspace_id FROM tenants_brand")
        members = _raw("SELECT workspace_id FROM tenants_membership")
    assert brands == [(brand_a.pk, ws_a.pk)]
    assert members == [(ws_a.pk,)]

    assert _raw("SELECT id FROM tenants_brand") == []
    assert _raw("SELECT id FROM tenants_membership") == []

    with platform_scope("test: count everything"):
        assert _raw("SELECT count(*) FROM tenants_brand") == [(3,)]


def test_rls_refuses_writing_a_row_into_another_workspace() -> None:
    ws_a, ws_b = WorkspaceFactory(), WorkspaceFactory()
    with (
        workspace_scope(ws_a.pk),
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
    ):
        _raw(
            "INSERT INTO tenants_brand (workspace_id, name, widget_key, allowed_origins, "
            "default_language, created_at) VALUES (%s, 'x', 'wk_x', '{}', 'en', now())",
            [ws_b.pk],
        )
    with platform_scope("test"):
        assert _raw("SELECT count(*) FROM tenants_brand") == [(0,)]


def test_rls_update_and_delete_cannot_touch_foreign_rows() -> None:
    ws_a, ws_b = WorkspaceFactory(), WorkspaceFactory()
    foreign = BrandFactory(workspace=ws_b, name="Foreign")
    with workspace_scope(ws_a.pk), connection.cursor() as cursor:
        cursor.execute("UPDATE tenants_brand SET name = 'hacked'")
        assert cursor.rowcount == 0
        cursor.execute("DELETE FROM tenants_brand")
        assert cursor.rowcount == 0
    with workspace_scope(ws_b.pk):
        assert _raw("SELECT name FROM tenants_brand WHERE id = %s", [foreign.pk]) == [("Foreign",)]


def test_user_binding_shows_only_own_memberships_across_workspaces() -> None:
    mine = MembershipFactory()
    MembershipFactory(user=mine.user)
    MembershipFactory()  # someone else's
    with user_scope(mine.user.pk):
        rows = _raw("SELECT user_id FROM tenants_membership")
    assert len(rows) == 2 and {r[0] for r in rows} == {mine.user.pk}
    # The user binding only reads: it cannot create memberships anywhere.
    with user_scope(mine.user.pk), pytest.raises(ProgrammingError), transaction.atomic():
        _raw(
            "INSERT INTO tenants_membership (workspace_id, user_id, role, created_at) "
            "VALUES (%s, %s, 'owner', now())",
            [WorkspaceFactory().pk, mine.user.pk],
        )


def test_scope_ends_with_its_block_even_inside_an_outer_transaction() -> None:
    ws = WorkspaceFactory()
    BrandFactory(workspace=ws)
    with transaction.atomic():
        with workspace_scope(ws.pk):
            assert len(_raw("SELECT id FROM tenants_brand")) == 1
        assert _raw("SELECT id FROM tenants_brand") == []
        assert _raw("SELECT current_setting('app.workspace_id', true)") == [("",)]


def test_scope_is_unwound_after_an_exception() -> None:
    ws = WorkspaceFactory()
    BrandFactory(workspace=ws)
    with transaction.atomic():
        with pytest.raises(RuntimeError), workspace_scope(ws.pk):
            raise RuntimeError("boom")
        assert _raw("SELECT id FROM tenants_brand") == []


def test_every_tenant_table_has_forced_rls_with_a_policy() -> None:
    tables = [m._meta.db_table for m in apps.get_models() if issubclass(m, TenantModel)]
    assert "tenants_brand" in tables and "tenants_membership" in tables
    for table in tables:
        enabled, forced = _raw(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = %s", [table]
        )[0]
        policies = _raw("SELECT polname FROM pg_policy WHERE polrelid = %s::regclass", [table])
        assert (enabled, forced) == (True, True), table
        assert ("tenant_isolation",) in policies, table
