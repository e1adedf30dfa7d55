"""The doors that bind a workspace: page views and Celery tasks (the API has its base view in
tenants/api/base.py; websocket consumers get their mixin with chat/). Each resolves and authorizes
the workspace, binds the scope and always unbinds it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Role, Workspace, role_at_least
from .scope import platform_scope, workspace_scope
from .selectors import NotFound, access_workspace

F = TypeVar("F", bound=Callable[..., Any])


def workspace_view(min_role: str = Role.OPERATOR) -> Callable[[F], F]:
    """For page views under /w/<workspace_slug>/: login, membership, role, status, then the scope.

    An unknown workspace and one the user does not belong to are the same 404.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(
            request: HttpRequest, workspace_slug: str, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                workspace, membership = access_workspace(request.user, workspace_slug)
            except NotFound:
                raise Http404("No such workspace.") from None
            if workspace.is_terminated:
                return render(
                    request, "tenants/terminated.html", {"workspace": workspace}, status=403
                )
            if not role_at_least(membership.role, min_role):
                return render(
                    request,
                    "tenants/forbidden.html",
                    {"workspace": workspace, "needed": min_role},
                    status=403,
                )
            request.workspace = workspace  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]
            with workspace_scope(workspace.pk):
                return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def workspace_task(func: F) -> F:
    """For Celery tasks: ``workspace_id`` is a required keyword; the task body runs in its scope.

    A task for a terminated or missing workspace does nothing (returns None) instead of failing.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, workspace_id: int, **kwargs: Any) -> Any:
        if not isinstance(workspace_id, int) or isinstance(workspace_id, bool):
            raise TypeError("workspace_id must be an integer")
        workspace = Workspace.objects.filter(pk=workspace_id).first()
        if workspace is None or workspace.is_terminated:
            return None
        with workspace_scope(workspace_id):
            return func(*args, workspace=workspace, **kwargs)

    return wrapper  # type: ignore[return-value]


__all__ = ["platform_scope", "workspace_task", "workspace_view"]
