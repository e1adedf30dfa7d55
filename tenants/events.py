"""Realtime notices about access: a workspace's status changed, a member was removed.

Open websockets must not outlive the access that let them in: chat's consumers join these
groups and, on a notice, close (a suspended or terminated workspace, a removed member). Sent
after commit, like every realtime event; the group names contain the workspace id.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def workspace_group(workspace_id: int) -> str:
    """Every socket of the workspace (widget and inbox)."""
    return f"w{workspace_id}.access"


def member_group(workspace_id: int, user_id: int) -> str:
    """Every inbox socket of one member."""
    return f"w{workspace_id}.u{user_id}.access"


def _send(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # sockets re-check access on their next frame anyway
        logger.exception("access notice to %s failed", group)


def workspace_status_changed_on_commit(*, workspace_id: int, status: str) -> None:
    event = {"type": "tenant.access_changed", "workspace_status": status}
    transaction.on_commit(lambda: _send(workspace_group(workspace_id), event))


def member_removed_on_commit(*, workspace_id: int, user_id: int) -> None:
    event = {"type": "tenant.access_changed", "member_removed": True}
    transaction.on_commit(lambda: _send(member_group(workspace_id, user_id), event))
