"""The scoped managers fail closed; access_* helpers answer the same for missing and foreign."""

from __future__ import annotations

import pytest

from tenants import selectors
from tenants.models import Brand, Membership
from tenants.scope import (
    PlatformScopeRequired,
    WorkspaceNotBound,
    bound_workspace_id,
    platform_scope,
    workspace_scope,
)
from tests.factories import BrandFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db


def test_scoped_manager_raises_when_no_workspace_is_bound() -> None:
    BrandFactory()
    with pytest.raises(WorkspaceNotBound):
        list(Brand.objects.all())
    with pytest.raises(WorkspaceNotBound):
        Membership.objects.count()


def test_scoped_manager_filters_on_the_bound_workspace() -> None:
    ws_a, ws_b = WorkspaceFactory(), WorkspaceFactory()
    a = BrandFactory(workspace=ws_a)
    BrandFactory(workspace=ws_b)
    with workspace_scope(ws_a.pk):
        assert list(Brand.objects.all()) == [a]
    assert bound_workspace_id() is None


def test_unscoped_requires_platform_scope() -> None:
    BrandFactory()
    BrandFactory()
    with pytest.raises(PlatformScopeRequired):
        Brand.objects.unscoped()
    with platform_scope("test"):
        assert Brand.objects.unscoped().count() == 2


def test_access_brand_same_answer_for_missing_and_foreign() -> None:
    ws_a, ws_b = WorkspaceFactory(), WorkspaceFactory()
    foreign = BrandFactory(workspace=ws_b)
    with workspace_scope(ws_a.pk):
        for candidate in (foreign.pk, 999_999_999, "abc", "1; DROP TABLE x", 2**80):
            with pytest.raises(selectors.NotFound):
                selectors.access_brand(candidate)


def test_create_in_scope_fills_the_workspace() -> None:
    ws = WorkspaceFactory()
    with workspace_scope(ws.pk):
        brand = Brand.objects.create(name="Scoped")
    assert brand.workspace_id == ws.pk


def test_workspace_scope_rejects_non_integer_ids() -> None:
    for bad in (None, "1", 0, -3, True):
        with pytest.raises(ValueError), workspace_scope(bad):  # type: ignore[arg-type]
            pass
