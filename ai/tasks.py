"""Celery in/out only: ids (plus workspace_id) in, a service call, done. Queue "ai".

Every task is idempotent (ai.pipeline: one artifact per idempotency key, unique in the
database, the whole run in one transaction), acknowledged late and rejected back to the queue
when its worker dies (``acks_late`` + ``reject_on_worker_lost``), so a killed worker loses
nothing and the rerun sends nothing twice. The broker's visibility timeout is sized above the
hard time limit (settings, "AI features").

``ai.services`` (the pipeline, the redaction engine, Presidio: ~4 s to import) is imported inside
the tasks: the web process imports this module to enqueue, inside a chat message's transaction,
and must not pay for the pipeline it never runs."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from tenants.doors import workspace_task
from tenants.models import Workspace

AI_QUEUE = "ai"

#: Routed to AI_QUEUE by settings.CELERY_TASK_ROUTES ("ai.*"); enqueuers also name it.
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.AI_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.AI_TASK_TIME_LIMIT,
    "max_retries": 0,
    "ignore_result": True,
    # workspace_task's wrapper takes workspace_id; the wrapped function's signature does not.
    "typing": False,
}


@shared_task(name="ai.on_message", **TASK_OPTIONS)
@workspace_task
def on_message(*, workspace: Workspace, message_id: int) -> dict[str, Any]:
    from ai import services

    return services.message_pipeline_run(workspace=workspace, message_id=message_id)


@shared_task(name="ai.on_messages", **TASK_OPTIONS)
@workspace_task
def on_messages(*, workspace: Workspace, message_ids: list[int]) -> int:
    """Several messages committed together (ai/hooks.py): one ``ai.on_message`` each, so every
    message keeps its own task, time limit and acknowledgement. A rerun after a lost worker
    enqueues them again, and ``on_message`` is idempotent."""
    ids = [m for m in message_ids if isinstance(m, int) and not isinstance(m, bool)]
    for message_id in ids:
        on_message.apply_async(
            kwargs={"workspace_id": workspace.pk, "message_id": message_id}, queue=AI_QUEUE
        )
    return len(ids)


@shared_task(name="ai.summarize_conversation", **TASK_OPTIONS)
@workspace_task
def summarize_conversation(
    *,
    workspace: Workspace,
    conversation_id: int,
    upto_seq: int,
    language: str,
    trigger: str,
    requested_by_id: int | None = None,
) -> int | None:
    from ai import services

    return services.summary_run(
        workspace=workspace,
        conversation_id=conversation_id,
        upto_seq=upto_seq,
        language=language,
        trigger=trigger,
        requested_by_id=requested_by_id,
    )


@shared_task(name="ai.translate_reply", **TASK_OPTIONS)
@workspace_task
def translate_reply(*, workspace: Workspace, artifact_id: int) -> int | None:
    from ai import services

    return services.reply_translation_run(workspace=workspace, artifact_id=artifact_id)
