"""Open sockets do not outlive the access that let them in (tenants/events.py), and typing
notices are throttled per socket."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from tenants.scope import workspace_scope
from tenants.services import membership_remove, workspace_set_status
from tests.tenants.api_helpers import Tenant

from .helpers import (
    TIMEOUT,
    async_open_session,
    async_visitor_says,
    connected_visitor,
    next_of,
    operator_socket,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_suspending_a_workspace_closes_its_widget_sockets_at_once(
    alpha: Tenant, beta: Tenant
) -> None:
    alpha_session = await async_open_session(alpha.brand)
    beta_session = await async_open_session(beta.brand)
    alpha_visitor, _ = await connected_visitor(alpha.brand.widget_key, alpha_session.token)
    beta_visitor, _ = await connected_visitor(beta.brand.widget_key, beta_session.token)

    await sync_to_async(workspace_set_status)(
        workspace=alpha.workspace, status="suspended", actor=None, reason="test"
    )

    error = await alpha_visitor.receive_json_from(timeout=TIMEOUT)
    assert (error["type"], error["code"]) == ("error", "workspace_suspended")
    assert (await alpha_visitor.receive_output(timeout=TIMEOUT))["type"] == "websocket.close"
    # the other workspace's socket heard nothing and still works
    assert await beta_visitor.receive_nothing(timeout=0.3)
    await beta_visitor.send_json_to({"type": "ping"})
    assert await beta_visitor.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}
    await beta_visitor.disconnect()


async def test_a_removed_member_loses_their_open_inbox_at_once(alpha: Tenant) -> None:
    removed = await operator_socket(alpha.operator.user, "alpha")
    kept = await operator_socket(alpha.admin.user, "alpha")
    assert (await removed.connect(timeout=TIMEOUT))[0]
    assert (await kept.connect(timeout=TIMEOUT))[0]

    def remove_operator() -> None:
        with workspace_scope(alpha.workspace.pk):
            membership_remove(actor=alpha.owner, membership=alpha.operator)

    await sync_to_async(remove_operator)()

    error = await removed.receive_json_from(timeout=TIMEOUT)
    assert (error["type"], error["code"]) == ("error", "forbidden")
    assert (await removed.receive_output(timeout=TIMEOUT))["type"] == "websocket.close"
    assert await kept.receive_nothing(timeout=0.3)
    await kept.disconnect()


async def test_typing_floods_are_thinned_to_state_changes(alpha: Tenant) -> None:
    session = await async_open_session(alpha.brand)
    conversation = (await async_visitor_says(session, "Hello", "c-1")).conversation
    visitor, _ = await connected_visitor(alpha.brand.widget_key, session.token, last_seq=1)
    ops = await operator_socket(alpha.operator.user, "alpha")
    assert (await ops.connect(timeout=TIMEOUT))[0]
    await ops.send_json_to({"type": "subscribe", "conversation_id": conversation.pk, "last_seq": 1})
    await next_of(ops, "subscribed")

    for _ in range(30):
        await visitor.send_json_to({"type": "typing", "active": True})
    await visitor.send_json_to({"type": "typing", "active": False})

    typing = [(await next_of(ops, "typing"))["active"] for _ in range(2)]
    assert typing == [True, False]
    assert await ops.receive_nothing(timeout=0.5)
    # the visitor's socket stays usable
    await visitor.send_json_to({"type": "ping"})
    assert await visitor.receive_json_from(timeout=TIMEOUT) == {"type": "pong"}
    await visitor.disconnect()
    await ops.disconnect()
