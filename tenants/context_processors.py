from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .selectors import workspaces_for_user


def workspaces(request: HttpRequest) -> dict[str, Any]:
    """The workspace switcher: the user's workspaces and the current one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "switcher_workspaces": lambda: workspaces_for_user(user),
        "current_workspace": getattr(request, "workspace", None),
        "current_membership": getattr(request, "membership", None),
    }
