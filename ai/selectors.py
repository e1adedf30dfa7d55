"""Reads for the AI features. Everything runs inside the workspace scope; lookups by id answer
the same NotFound for a missing and a foreign row. Also the wire form of an artifact (the
``ai.*`` frames and the REST API share it: docs/protocol.md, "AI frames")."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ai.models import AgentProfile, AIArtifact, AIFeatureSettings, ConversationAIState, SavedReply
from ai.models.artifacts import ArtifactKind
from chat.models import Conversation
from tenants.scope import current_workspace_id
from tenants.selectors import NotFound

FRAME_TYPES = {
    ArtifactKind.SUGGESTIONS: "ai.suggestions",
    ArtifactKind.SUMMARY: "ai.summary",
    ArtifactKind.TRANSLATION: "ai.translation",
    ArtifactKind.REPLY_TRANSLATION: "ai.reply_translation",
    ArtifactKind.AGENT_REPLY: "ai.agent",
}


def _int_id(value: object) -> int:
    if isinstance(value, bool):
        raise NotFound
    try:
        number = int(str(value))
    except (TypeError, ValueError, OverflowError):
        raise NotFound from None
    if not 0 < number < 2**63:
        raise NotFound
    return number


def feature_settings() -> AIFeatureSettings:
    """The bound workspace's switches; an unsaved row with the defaults when it has none."""
    row = AIFeatureSettings.objects.first()
    return row if row is not None else AIFeatureSettings(workspace_id=current_workspace_id())


def agent_profile(brand_id: int) -> AgentProfile | None:
    return AgentProfile.objects.filter(brand_id=brand_id).first()


def agent_profiles() -> QuerySet[AgentProfile]:
    return AgentProfile.objects.select_related("brand").order_by("brand__name", "brand_id")


def saved_replies() -> QuerySet[SavedReply]:
    return SavedReply.objects.order_by("title", "id")


def access_saved_reply(reply_id: object) -> SavedReply:
    try:
        return SavedReply.objects.get(pk=_int_id(reply_id))
    except SavedReply.DoesNotExist:
        raise NotFound from None


def access_artifact(artifact_id: object, *, conversation: Conversation | None = None) -> AIArtifact:
    rows = AIArtifact.objects.select_related("message")
    if conversation is not None:
        rows = rows.filter(conversation=conversation)
    try:
        return rows.get(pk=_int_id(artifact_id))
    except AIArtifact.DoesNotExist:
        raise NotFound from None


def conversation_state(conversation: Conversation) -> ConversationAIState | None:
    return ConversationAIState.objects.filter(conversation=conversation).first()


def artifact_payload(artifact: AIArtifact) -> dict[str, Any]:
    """The operator form of an artifact (also the ``ai.*`` frame body, without ``type``)."""
    return {
        "artifact_id": artifact.pk,
        "kind": artifact.kind,
        "status": artifact.status,
        "error": artifact.error,
        "message_seq": artifact.message.seq if artifact.message_id and artifact.message else None,
        "language": artifact.language,
        "content": artifact.content,
        "provenance": {
            "provider": artifact.provider,
            "model": artifact.model,
            "region": artifact.region,
            "key_source": artifact.key_source,
            "offline": artifact.offline,
            "latency_ms": artifact.latency_ms,
            "input_tokens": artifact.input_tokens,
            "output_tokens": artifact.output_tokens,
            "fallback_chain": artifact.fallback_chain,
        },
        "used": artifact.used_at is not None,
        "created_at": artifact.created_at.isoformat() if artifact.created_at else None,
    }


def artifact_frame(artifact: AIArtifact) -> dict[str, Any]:
    return {"type": FRAME_TYPES[ArtifactKind(artifact.kind)], **artifact_payload(artifact)}


def state_payload(state: ConversationAIState | None) -> dict[str, Any]:
    return {
        "visitor_language": state.visitor_language if state else "",
        "handed_off": bool(state and state.handed_off_at),
        "handoff_reason": state.handoff_reason if state else "",
        "handoff_detail": state.handoff_detail if state else "",
        "handed_off_at": state.handed_off_at.isoformat() if state and state.handed_off_at else None,
    }


def conversation_ai(conversation: Conversation) -> dict[str, Any]:
    """Everything the inbox's AI panel shows for one conversation."""
    settings = feature_settings()
    artifacts = list(
        AIArtifact.objects.filter(conversation=conversation)
        .select_related("message")
        .order_by("-created_at", "-id")[:300]
    )

    def latest(kind: str) -> dict[str, Any] | None:
        found = next((a for a in artifacts if a.kind == kind), None)
        return artifact_payload(found) if found else None

    translations: dict[str, Any] = {}
    for artifact in artifacts:
        if artifact.kind == ArtifactKind.TRANSLATION and artifact.message_id:
            seq = str(artifact.message.seq) if artifact.message else ""
            if seq and seq not in translations:
                translations[seq] = artifact_payload(artifact)
    profile = agent_profile(conversation.brand_id)
    return {
        "conversation_id": conversation.pk,
        "features": {
            "suggestions": settings.suggestions_enabled,
            "summaries": settings.summaries_enabled,
            "translation": settings.translation_enabled,
            "agent": bool(settings.agent_enabled and profile and profile.enabled),
        },
        "operator_language": settings.operator_language,
        "state": state_payload(conversation_state(conversation)),
        "suggestions": latest(ArtifactKind.SUGGESTIONS),
        "summary": latest(ArtifactKind.SUMMARY),
        "reply_translation": latest(ArtifactKind.REPLY_TRANSLATION),
        "translations": translations,
    }
