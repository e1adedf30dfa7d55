"""Chat Summaries: intent, summary and action items, in the operator's language; on demand
(REST) and when a conversation is resolved. Operators only (private notes are included)."""

from __future__ import annotations

from typing import Any

from ai import pipeline, prompts
from ai.features.common import Clock, call_router, finish_blocked, json_object, push
from ai.models import AIArtifact, AIFeatureSettings
from ai.models.artifacts import ArtifactKind, ArtifactStatus
from ai.router import CompletionRequest
from chat.models import Conversation
from redaction.types import RedactionFailed

MAX_ACTION_ITEMS = 8


def summary_key(conversation_id: int, upto_seq: int, language: str) -> str:
    """One summary per conversation state and language: asking again before anything new was
    said (or resolving right after asking) reuses it."""
    return f"summary:c{conversation_id}:s{upto_seq}:{language}"


def _content(text: str, mapping: dict[str, str], *, language: str, trigger: str) -> dict[str, Any]:
    def clean(value: object) -> str:
        return pipeline.rehydrate_for(prompts.untag(str(value or "")), mapping).strip()

    found = json_object(text)
    if found is not None:
        items = found.get("action_items") or []
        if not isinstance(items, list):
            items = [items]
        return {
            "intent": clean(found.get("intent")),
            "summary": clean(found.get("summary")),
            "action_items": [clean(i) for i in items if str(i or "").strip()][:MAX_ACTION_ITEMS],
            "language": language,
            "trigger": trigger,
            "structured": True,
        }
    # Not JSON (the offline provider's extractive summary): the text is the summary.
    return {
        "intent": "",
        "summary": clean(text),
        "action_items": [],
        "language": language,
        "trigger": trigger,
        "structured": False,
    }


def run_summary(
    *,
    conversation: Conversation,
    upto_seq: int,
    language: str,
    trigger: str,
    settings: AIFeatureSettings,
    clock: Clock,
    requested_by_id: int | None = None,
) -> AIArtifact | None:
    if not settings.summaries_enabled:
        return None
    try:
        artifact = pipeline.artifact_begin(
            conversation_id=conversation.pk,
            kind=ArtifactKind.SUMMARY,
            key=summary_key(conversation.pk, upto_seq, language),
            language=language,
            requested_by_id=requested_by_id,
        )
    except pipeline.AlreadyDone:
        return None
    transcript = pipeline.load_transcript(
        conversation.pk,
        upto_seq=upto_seq,
        include_private=True,
        limit=pipeline.SUMMARY_MESSAGES,
    )
    clock.mark("transcript")
    if not transcript.messages:
        pipeline.artifact_finish(
            artifact,
            status=ArtifactStatus.DONE,
            content={
                "intent": "",
                "summary": "",
                "action_items": [],
                "language": language,
                "trigger": trigger,
                "structured": False,
            },
        )
        push(artifact)
        return artifact
    try:
        redacted = pipeline.redact_texts(
            conversation.pk, pipeline.transcript_items(transcript), known=transcript.known
        )
    except RedactionFailed:
        finish_blocked(artifact, clock)
        push(artifact)
        return artifact
    clock.mark("redaction")
    request = CompletionRequest(
        workspace_id=conversation.workspace_id,
        feature="summary",
        messages=prompts.summary_prompt(
            pipeline.redacted_lines(transcript, redacted.texts), language=language
        ),
        max_output_tokens=600,
        temperature=0.1,
        redaction_counts=redacted.counts,
        conversation_id=conversation.pk,
    )
    completion = call_router(artifact, request)
    clock.mark("provider")
    if completion is not None:
        pipeline.artifact_finish(
            artifact,
            status=ArtifactStatus.DONE,
            content=_content(
                completion.text,
                redacted.operator_mapping(),
                language=language,
                trigger=trigger,
            ),
            timings=clock.total(),
        )
    push(artifact)
    return artifact
