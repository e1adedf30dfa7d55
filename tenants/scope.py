"""The tenant scope: a context variable bound together with a transaction-local PostgreSQL setting.

Every door into the system (the request middleware, the base API view, the consumer mixin, the task
decorator) binds the scope with these context managers and they always reset it, in ``finally`` for
the context variable and by transaction end / explicit restore for the database setting.

Row-level security policies read the same values:
    app.workspace_id  -> rows of that workspace
    app.user_id       -> a user's own memberships (for the workspace switcher)
    app.platform='on' -> platform jobs (the explicit, greppable escape: ``platform_scope``)

``set_config(..., true)`` only lives as long as the transaction, so each binder opens
``transaction.atomic()`` itself (a savepoint when already inside one).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, transaction

logger = logging.getLogger(__name__)

_workspace_id: ContextVar[int | None] = ContextVar("supportdesk_workspace_id", default=None)
_user_id: ContextVar[int | None] = ContextVar("supportdesk_user_id", default=None)
_platform_reason: ContextVar[str | None] = ContextVar("supportdesk_platform_reason", default=None)


class WorkspaceNotBound(RuntimeError):
    """A tenant-owned table was queried with no workspace bound: a bug, never an empty answer."""


class PlatformScopeRequired(RuntimeError):
    """``.unscoped()`` was used outside ``platform_scope()``."""


def bound_workspace_id() -> int | None:
    return _workspace_id.get()


def current_workspace_id() -> int:
    workspace_id = _workspace_id.get()
    if workspace_id is None:
        raise WorkspaceNotBound(
            "No workspace is bound: tenant-owned rows can only be read inside workspace_scope() "
            "(or .unscoped() inside platform_scope() for platform jobs)."
        )
    return workspace_id


def bound_user_id() -> int | None:
    return _user_id.get()


def in_platform_scope() -> bool:
    return _platform_reason.get() is not None


def _set_local(setting: str, value: str, *, using: str) -> str:
    """Set a transaction-local setting and return its previous value ('' when unset)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(current_setting(%s, true), ''), set_config(%s, %s, true)",
            [setting, setting, value],
        )
        row = cursor.fetchone()
    return str(row[0]) if row else ""


@contextmanager
def _bind(
    var: ContextVar, value: object, setting: str, db_value: str, using: str
) -> Iterator[None]:
    outermost = not connections[using].in_atomic_block
    with transaction.atomic(using=using):
        previous = _set_local(setting, db_value, using=using)
        token = var.set(value)
        try:
            yield
        finally:
            var.reset(token)
        # Normal exit only: on an exception the savepoint rollback reverts the setting itself.
        # The outermost block needs no restore: its commit ends the transaction-local setting.
        if not outermost and not connections[using].needs_rollback:
            _set_local(setting, previous, using=using)


@contextmanager
def workspace_scope(workspace_id: int, *, using: str = "default") -> Iterator[None]:
    """Bind a workspace: scoped managers filter on it and RLS admits only its rows."""
    if not isinstance(workspace_id, int) or isinstance(workspace_id, bool) or workspace_id <= 0:
        raise ValueError(f"workspace_scope needs a positive integer id, not {workspace_id!r}")
    with _bind(_workspace_id, workspace_id, "app.workspace_id", str(workspace_id), using):
        yield


@contextmanager
def user_scope(user_id: int | None, *, using: str = "default") -> Iterator[None]:
    """Bind the authenticated user (lets RLS show a user their own memberships)."""
    if user_id is None:
        yield
        return
    with _bind(_user_id, user_id, "app.user_id", str(user_id), using):
        yield


@contextmanager
def platform_scope(reason: str, *, using: str = "default") -> Iterator[None]:
    """The explicit escape for platform jobs (Django admin, widget-key resolution, retention).

    Inside it ``Model.objects.unscoped()`` works and RLS admits every row. Always give a reason:
    it is logged, and grepping ``platform_scope(`` lists every place that crosses tenants.
    """
    if not reason:
        raise ValueError("platform_scope needs a reason")
    logger.debug("platform scope entered: %s", reason)
    with _bind(_platform_reason, reason, "app.platform", "on", using):
        yield
