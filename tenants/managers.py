"""Fail-closed managers for tenant-owned tables."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from .scope import (
    PlatformScopeRequired,
    WorkspaceNotBound,
    bound_user_id,
    current_workspace_id,
    in_platform_scope,
)

M = TypeVar("M", bound=models.Model)


class WorkspaceScopedManager(models.Manager[M]):
    """Every query is filtered on the bound workspace; with none bound it raises.

    ``.unscoped()`` is the greppable escape, allowed only inside ``platform_scope()``.
    """

    def get_queryset(self) -> models.QuerySet[M]:
        return super().get_queryset().filter(workspace_id=current_workspace_id())

    def unscoped(self) -> models.QuerySet[M]:
        if not in_platform_scope():
            raise PlatformScopeRequired(
                ".unscoped() crosses workspaces: call it inside platform_scope(reason=...)."
            )
        return super().get_queryset()

    def create(self, **kwargs: Any) -> M:
        if "workspace" not in kwargs and "workspace_id" not in kwargs:
            kwargs["workspace_id"] = current_workspace_id()
        return super().create(**kwargs)


class MembershipManager(WorkspaceScopedManager[M]):
    def own(self, user_id: int) -> models.QuerySet[M]:
        """The bound user's own memberships across workspaces (the switcher, login redirect).

        Allowed only for the user bound by user_scope(); RLS admits exactly these rows.
        """
        if bound_user_id() != user_id:
            raise WorkspaceNotBound("own() needs user_scope() bound to that same user.")
        return super(WorkspaceScopedManager, self).get_queryset().filter(user_id=user_id)
