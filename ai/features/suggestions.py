"""Smart Suggestions: up to 3 reply drafts for the operator, streamed into the inbox.

A human reviews every draft: drafts go only to the operators' sockets (``ai.suggestions.delta``
previews while the model writes, then ``ai.suggestions`` after commit) and reach a visitor only
when an operator sends them (ai.services.ai_reply_send records which draft was used and whether
it was edited)."""

from __future__ import annotations

from typing import Any

from ai import pipeline, prompts
from ai.features.common import (
    Clock,
    call_router,
    finish_blocked,
    known_workspace,
    push,
    saved_reply_candidates,
)
from ai.models import AIArtifact, AIFeatureSettings
from ai.models.artifacts import ArtifactKind, ArtifactStatus
from ai.router import CompletionRequest
from chat.models import ConversationStatus, Message
from redaction.types import RedactionFailed

MAX_DRAFTS = 3
DRAFT_MAX_CHARS = 1500


def _drafts(raw: str, mapping: dict[str, str]) -> list[str]:
    drafts: list[str] = []
    for item in pipeline.decode_string_list(raw):
        text = pipeline.rehydrate_for(prompts.strip_tags(item), mapping)
        text = text.strip()[:DRAFT_MAX_CHARS]
        if text and text not in drafts:
            drafts.append(text)
    return drafts[:MAX_DRAFTS]


def run_suggestions(
    *,
    message: Message,
    settings: AIFeatureSettings,
    clock: Clock,
    transcript: pipeline.Transcript | None = None,
    saved_replies: list[str] | None = None,
) -> AIArtifact | None:
    """Drafts answering ``message`` (a visitor's public message). Runs in the task's scope.
    Already read in this transaction: ``transcript`` (up to ``message``, private notes
    included) and ``saved_replies`` (the candidates' bodies)."""
    conversation = message.conversation
    if not settings.suggestions_enabled or conversation.status == ConversationStatus.RESOLVED:
        return None
    try:
        artifact = pipeline.artifact_begin(
            conversation_id=conversation.pk,
            kind=ArtifactKind.SUGGESTIONS,
            key=f"suggestions:m{message.pk}",
            message=message,
            language=settings.operator_language,
        )
    except pipeline.AlreadyDone:
        return None
    if (
        transcript is None
        or transcript.conversation is not conversation
        or not transcript.include_private
    ):
        transcript = pipeline.load_transcript(
            conversation.pk, upto_seq=message.seq, include_private=True, conversation=conversation
        )
    candidates = saved_reply_candidates(saved_replies)
    clock.mark("transcript")
    items = pipeline.transcript_items(transcript) + [(c, "system") for c in candidates]
    try:
        redacted = pipeline.redact_texts(conversation.pk, items, known=transcript.known)
    except RedactionFailed:
        finish_blocked(artifact, clock)
        push(artifact)
        return artifact
    clock.mark("redaction")
    count = len(transcript.messages)
    lines = pipeline.redacted_lines(transcript, redacted.texts[:count])
    mapping = redacted.operator_mapping()
    request = CompletionRequest(
        workspace_id=conversation.workspace_id,
        feature="suggestions",
        messages=prompts.suggestions_prompt(lines, language=settings.operator_language),
        max_output_tokens=400,
        temperature=0.4,
        redaction_counts=redacted.counts,
        candidates=tuple(redacted.texts[count:]),
        conversation_id=conversation.pk,
    )

    def preview(raw: str) -> dict[str, Any]:
        return {
            "type": "ai.suggestions.delta",
            "artifact_id": artifact.pk,
            "message_seq": message.seq,
            "drafts": _drafts(raw, mapping),
        }

    pusher = pipeline.DeltaPusher(
        workspace_id=conversation.workspace_id, conversation_id=conversation.pk, render=preview
    )
    completion = call_router(artifact, request, on_delta=pusher, workspace=known_workspace(message))
    clock.mark("provider")
    if completion is not None:
        drafts = _drafts(completion.text, mapping)
        pipeline.artifact_finish(
            artifact,
            status=ArtifactStatus.DONE,
            content={"drafts": drafts},
            timings=clock.total(),
        )
    push(artifact)
    return artifact
