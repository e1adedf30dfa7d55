"""Reads for the AI features. Everything runs inside the workspace scope; lookups by id answer
the same NotFound for a missing and a foreign row. Also the wire form of an artifact (the
``ai.*`` frames and the REST API share it: docs/protocol.md, "AI frames")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import QuerySet

from ai import rowsql
from ai.models import AgentProfile, AIArtifact, AIFeatureSettings, ConversationAIState, SavedReply
from ai.models.artifacts import ArtifactKind
from chat.models import Conversation, Message, Visitor
from tenants.models import Brand
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


#: Saved replies offered to the model as candidates (suggestions, agent): the first ones by title.
SAVED_REPLY_CANDIDATES = 50

M = TypeVar("M", bound=models.Model)


@dataclass
class MessageContext:
    """A visitor message and everything its pipeline decides on before reading the transcript.
    ``message.conversation`` has its brand, visitor, assignee and AI state cached (as with
    ``select_related``)."""

    message: Message
    settings: AIFeatureSettings
    agent_profile: AgentProfile | None
    #: The conversation's AI state (None: no row yet).
    state: ConversationAIState | None
    #: Bodies of the workspace's saved replies (``saved_replies()`` order, the first
    #: ``SAVED_REPLY_CANDIDATES``).
    saved_replies: list[str]


def _json_object(model: type[models.Model], alias: str) -> str:
    """``json_build_object`` of a row's fields except timestamps (left deferred)."""
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    pairs = [
        f"'{f.attname}', {alias}.{qn(str(f.column))}"
        for f in model._meta.concrete_fields
        if not isinstance(f, models.DateTimeField)
    ]
    return f"json_build_object({', '.join(pairs)})"


def _from_json(model: type[M], data: Any) -> M:
    """A model instance as if read from the database, from ``_json_object``'s object."""
    if isinstance(data, str):
        data = json.loads(data)
    names = [f.attname for f in model._meta.concrete_fields if f.attname in data]
    return model.from_db(DEFAULT_DB_ALIAS, names, [data[name] for name in names])


@lru_cache(maxsize=1)
def _context_statement() -> tuple[str, rowsql.Reader]:
    parts = [
        rowsql.Part.of(Message, "m"),
        rowsql.Part.of(Conversation, "c"),
        rowsql.Part.of(Brand, "b"),
        rowsql.Part.of(Visitor, "v"),
        rowsql.Part.of(get_user_model(), "u"),
        rowsql.Part.of(ConversationAIState, "s"),
    ]
    t = {p.alias: p.model._meta.db_table for p in parts}
    sql = f"""
        SELECT {", ".join(p.columns() for p in parts)},
          (SELECT {_json_object(AIFeatureSettings, "fs")} FROM {AIFeatureSettings._meta.db_table} fs
            WHERE fs.workspace_id = m.workspace_id ORDER BY fs.id LIMIT 1),
          (SELECT {_json_object(AgentProfile, "ap")} FROM {AgentProfile._meta.db_table} ap
            WHERE ap.workspace_id = m.workspace_id AND ap.brand_id = c.brand_id LIMIT 1),
          ARRAY(SELECT sr.body FROM {SavedReply._meta.db_table} sr
            WHERE sr.workspace_id = m.workspace_id ORDER BY sr.title, sr.id
            LIMIT {SAVED_REPLY_CANDIDATES})
        FROM {t["m"]} m
        JOIN {t["c"]} c ON c.id = m.conversation_id AND c.workspace_id = m.workspace_id
        JOIN {t["b"]} b ON b.id = c.brand_id AND b.workspace_id = m.workspace_id
        JOIN {t["v"]} v ON v.id = c.visitor_id AND v.workspace_id = m.workspace_id
        LEFT JOIN {t["u"]} u ON u.id = c.assignee_id
        LEFT JOIN {t["s"]} s ON s.conversation_id = c.id AND s.workspace_id = m.workspace_id
        WHERE m.id = %s AND m.workspace_id = %s
    """  # noqa: S608 (identifiers from the models' metadata; values are parameters)
    return sql, rowsql.Reader(parts)


def message_context(message_id: int) -> MessageContext | None:
    """Runs inside the workspace scope. ONE statement: the message with its conversation,
    brand, visitor, assignee and AI state, the workspace's AI switches, the brand's agent profile
    and the saved-reply candidates. Through the ORM these were five queries, or one whose SQL
    took longer to build than the five took to run (ai/rowsql.py)."""
    sql, reader = _context_statement()
    rows = rowsql.fetch(sql, [message_id, current_workspace_id()])
    if not rows:
        return None
    row = rows[0]
    found = reader.read(row)
    message, conversation, brand, visitor, assignee, state = found
    assert isinstance(message, Message) and isinstance(conversation, Conversation)
    conversation.brand = brand  # type: ignore[assignment]
    conversation.visitor = visitor  # type: ignore[assignment]
    conversation.assignee = assignee  # type: ignore[assignment]
    Conversation.ai_state.related.set_cached_value(conversation, state)  # type: ignore[attr-defined]
    if state is not None:
        ConversationAIState.conversation.field.set_cached_value(state, conversation)
    message.conversation = conversation
    settings_data, profile_data, replies = row[reader.width :]
    return MessageContext(
        message=message,
        settings=(
            _from_json(AIFeatureSettings, settings_data)
            if settings_data
            else AIFeatureSettings(workspace_id=current_workspace_id())
        ),
        agent_profile=_from_json(AgentProfile, profile_data) if profile_data else None,
        state=state,  # type: ignore[arg-type]
        saved_replies=list(replies or []),
    )


@lru_cache(maxsize=1)
def _transcript_statement() -> tuple[str, rowsql.Reader]:
    parts = [rowsql.Part.of(Message, "m"), rowsql.Part.of(get_user_model(), "u")]
    sql = f"""
        SELECT {", ".join(p.columns() for p in parts)}
        FROM {Message._meta.db_table} m
        LEFT JOIN {get_user_model()._meta.db_table} u ON u.id = m.sender_user_id
        WHERE m.conversation_id = %s AND m.workspace_id = %s AND m.seq <= %s
          AND (%s OR NOT m.is_private)
        ORDER BY m.seq DESC
        LIMIT %s
    """  # noqa: S608 (identifiers from the models' metadata; values are parameters)
    return sql, rowsql.Reader(parts)


def transcript_messages(
    conversation: Conversation, *, upto_seq: int | None, include_private: bool, limit: int
) -> list[Message]:
    """Runs inside the workspace scope. The newest ``limit`` messages of ``conversation`` up to
    ``upto_seq`` (private notes only when ``include_private``), oldest first, each with its
    sender user and conversation cached. One statement whose SQL is built once (ai/rowsql.py)."""
    sql, reader = _transcript_statement()
    params = [
        conversation.pk,
        current_workspace_id(),
        upto_seq if upto_seq is not None else 2**31 - 1,
        include_private,
        limit,
    ]
    messages: list[Message] = []
    for row in rowsql.fetch(sql, params):
        message, sender_user = reader.read(row)
        assert isinstance(message, Message)
        message.sender_user = sender_user  # type: ignore[assignment]
        message.conversation = conversation
        messages.append(message)
    return messages[::-1]


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
