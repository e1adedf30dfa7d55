"""Shared pieces of the AI feature and pipeline tests: tenants with a brand, a visitor's
conversation made through the real chat services, the pipeline run synchronously (the task
functions called in-process: the same code a worker runs, minus the broker), and snapshots."""

from __future__ import annotations

from typing import Any

from ai import services, tasks
from ai.models import AgentProfile, AIArtifact, AIFeatureSettings, ConversationAIState, SavedReply
from ai.models.ledger import AILedgerEntry
from chat.models import Conversation, Message
from chat.services import message_create
from tenants.scope import platform_scope, workspace_scope
from tests.chat.helpers import chat_tenant, open_session, visitor_says
from tests.tenants.api_helpers import Tenant

__all__ = ["chat_tenant"]

SAVED_REPLIES = [
    ("Where is my order", "You can track your order from the link in your confirmation email."),
    ("Refunds", "Refunds reach your account within 5 working days of us receiving the return."),
    ("Password reset", "Use 'Forgot password' on the sign-in page to reset your password."),
]


def seed_saved_replies(tenant: Tenant) -> None:
    with workspace_scope(tenant.workspace.pk):
        for title, body in SAVED_REPLIES:
            services.saved_reply_create(title=title, body=body)


def configure(tenant: Tenant, **switches: Any) -> None:
    with workspace_scope(tenant.workspace.pk):
        services.feature_settings_update(**switches)


def enable_agent(tenant: Tenant, **changes: Any) -> AgentProfile:
    with workspace_scope(tenant.workspace.pk):
        return services.agent_profile_update(brand=tenant.brand, enabled=True, **changes)


def visitor_message(
    tenant: Tenant, body: str, *, name: str = "Jane Doe", email: str = "jane.doe@example.com"
) -> Message:
    session = open_session(tenant.brand, name=name, email=email)
    return visitor_says(session, body, f"c-{abs(hash((body, name))) % 10**9}")


def follow_up(message: Message, body: str, client_id: str) -> Message:
    with workspace_scope(message.workspace_id):
        conversation = Conversation.objects.get(pk=message.conversation_id)
        return message_create(
            conversation=conversation, sender="visitor", body=body, client_id=client_id
        ).message


def run_pipeline(message: Message) -> dict[str, Any]:
    """The task body, in-process (eager): the same function the worker runs."""
    return tasks.on_message(workspace_id=message.workspace_id, message_id=message.pk)  # type: ignore[no-any-return]


def artifacts(workspace_id: int | None = None, **filters: Any) -> list[AIArtifact]:
    with platform_scope("test: read artifacts"):
        rows = AIArtifact.objects.unscoped().filter(**filters).order_by("id")
        if workspace_id is not None:
            rows = rows.filter(workspace_id=workspace_id)
        return list(rows.select_related("message"))


def ledger(workspace_id: int) -> list[AILedgerEntry]:
    with platform_scope("test: read the ledger"):
        return list(AILedgerEntry.objects.unscoped().filter(workspace_id=workspace_id))


def messages_of(conversation_id: int) -> list[Message]:
    with platform_scope("test: read messages"):
        return list(
            Message.objects.unscoped().filter(conversation_id=conversation_id).order_by("seq")
        )


def ai_snapshot() -> dict[str, list[Any]]:
    with platform_scope("test: snapshot AI rows"):
        return {
            "artifacts": list(AIArtifact.objects.unscoped().order_by("pk").values()),
            "states": list(ConversationAIState.objects.unscoped().order_by("pk").values()),
            "settings": list(AIFeatureSettings.objects.unscoped().order_by("pk").values()),
            "profiles": list(AgentProfile.objects.unscoped().order_by("pk").values()),
            "replies": list(SavedReply.objects.unscoped().order_by("pk").values()),
            "ledger": list(AILedgerEntry.objects.unscoped().order_by("pk").values()),
        }
