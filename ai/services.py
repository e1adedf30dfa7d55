"""Writes for the AI features. Keyword-only, typed, named <entity>_<action>; everything runs
inside the workspace scope. Two halves:

- the pipeline runs (called by ai.tasks in a worker): ``message_pipeline_run`` (translation ->
  AI agent -> suggestions for a visitor's message), ``summary_run``, ``reply_translation_run``;
- what operators and admins ask for over HTTP: feature switches, agent profiles, saved replies,
  an on-demand summary, a reply translation, and sending a reply built from an AI draft.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from ai import pipeline, selectors
from ai.features.agent import agent_active, run_agent
from ai.features.common import Clock
from ai.features.suggestions import run_suggestions
from ai.features.summaries import run_summary, summary_key
from ai.features.translation import (
    VisitorLanguage,
    run_reply_translation,
    run_visitor_translation,
    visitor_language_update,
)
from ai.models import AgentProfile, AIArtifact, AIFeatureSettings, SavedReply
from ai.models.artifacts import ArtifactKind, ArtifactStatus
from ai.models.features import AGENT_INSTRUCTIONS_MAX, SAVED_REPLY_BODY_MAX, AgentTone
from ai.prompts import LANGUAGE_NAMES
from chat.models import Conversation, ConversationStatus, Sender
from chat.services import MessageResult, clean_body, clean_client_id, message_create
from tenants.errors import Conflict, ServiceError
from tenants.models import Brand, Workspace
from tenants.scope import current_workspace_id
from tenants.selectors import NotFound
from tenants.services import workspace_require_active

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- pipeline runs (workers)


def message_pipeline_run(*, workspace: Workspace, message_id: int) -> dict[str, Any]:
    """Everything a visitor's new message sets off, in order: the visitor's language (the
    translation and the agent need it), translation (so operators read it), the AI agent (the
    visitor is waiting), suggestions (skipped when the agent answered). Each step has its own
    artifact and idempotency key; a step that fails unexpectedly is logged and rolled back to its
    savepoint without stopping the others. A step with nothing to do (decided from what the
    first query read) opens no savepoint."""
    done: dict[str, Any] = {}
    if not workspace.is_active:
        return done
    context = selectors.message_context(message_id)
    if context is None:
        return done
    message = context.message
    if message.sender != Sender.VISITOR or message.is_private:
        return done
    message.workspace = workspace  # read by this task already: the router needs no query
    with pipeline.inbox_marks_last():  # the drafts' frames before the inbox row's update
        return _message_steps(context, done)


def _message_steps(context: selectors.MessageContext, done: dict[str, Any]) -> dict[str, Any]:
    message = context.message
    message_id = message.pk
    conversation = message.conversation
    settings = context.settings
    clock = Clock()
    transcript: pipeline.Transcript | None = None

    def read_transcript() -> pipeline.Transcript:
        # One read serves the language detection, the agent and the suggestions.
        nonlocal transcript
        if transcript is None:
            transcript = pipeline.load_transcript(
                conversation.pk,
                upto_seq=message.seq,
                include_private=True,
                conversation=conversation,
            )
        return transcript

    language: VisitorLanguage | None = None
    if settings.translation_enabled or settings.agent_enabled:
        try:
            with transaction.atomic():
                language = visitor_language_update(
                    conversation=conversation,
                    message=message,
                    state=context.state,
                    transcript=read_transcript(),
                )
        except Exception:
            logger.exception("language detection of message %s failed", message_id)
    try:
        if language is not None:  # its own savepoint when there is something to translate
            translated = run_visitor_translation(
                message=message, settings=settings, clock=clock, language=language
            )
            done["translation"] = translated.pk if translated else None
    except Exception:
        logger.exception("translation of message %s failed", message_id)
    agent_outcome = None
    try:
        state = language.state if language is not None else context.state
        active = agent_active(
            message=message, settings=settings, profile=context.agent_profile, state=state
        )
        if active is not None:
            with transaction.atomic():
                agent_outcome = run_agent(
                    message=message,
                    settings=settings,
                    clock=Clock(),
                    active=active,
                    transcript=read_transcript(),
                    saved_replies=context.saved_replies,
                )
        done["agent"] = agent_outcome
    except Exception:
        logger.exception("AI agent on message %s failed", message_id)
    if agent_outcome == "answered":
        return done
    try:
        if settings.suggestions_enabled and conversation.status != ConversationStatus.RESOLVED:
            with transaction.atomic():
                suggested = run_suggestions(
                    message=message,
                    settings=settings,
                    clock=Clock(),
                    transcript=read_transcript(),
                    saved_replies=context.saved_replies,
                )
        else:
            suggested = None
        done["suggestions"] = suggested.pk if suggested else None
    except Exception:
        logger.exception("suggestions for message %s failed", message_id)
    return done


def summary_run(
    *,
    workspace: Workspace,
    conversation_id: int,
    upto_seq: int,
    language: str,
    trigger: str,
    requested_by_id: int | None = None,
) -> int | None:
    if not workspace.is_active:
        return None
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return None
    settings = selectors.feature_settings()
    if trigger == "resolve" and not settings.summarize_on_resolve:
        return None
    artifact = run_summary(
        conversation=conversation,
        upto_seq=upto_seq,
        language=language or settings.operator_language,
        trigger=trigger,
        settings=settings,
        clock=Clock(),
        requested_by_id=requested_by_id,
    )
    return artifact.pk if artifact else None


def reply_translation_run(*, workspace: Workspace, artifact_id: int) -> int | None:
    if not workspace.is_active:
        return None
    artifact = run_reply_translation(
        artifact_id=artifact_id, settings=selectors.feature_settings(), clock=Clock()
    )
    return artifact.pk if artifact else None


# ---------------------------------------------------------------- settings (admins)


def _language(value: object) -> str:
    if not isinstance(value, str) or value not in LANGUAGE_NAMES:
        raise ServiceError(
            f"Unknown language; use one of: {', '.join(sorted(LANGUAGE_NAMES))}.",
            code="invalid_language",
        )
    return value


FEATURE_FIELDS = (
    "suggestions_enabled",
    "summaries_enabled",
    "summarize_on_resolve",
    "translation_enabled",
    "agent_enabled",
)


def feature_settings_update(**changes: Any) -> AIFeatureSettings:
    """Switch features on or off and set the operators' language (admins)."""
    with transaction.atomic():
        row, _ = AIFeatureSettings.objects.select_for_update().get_or_create(
            workspace_id=current_workspace_id()
        )
        for name, value in changes.items():
            if name in FEATURE_FIELDS:
                if not isinstance(value, bool):
                    raise ServiceError(f"{name} is true or false.", code="invalid")
                setattr(row, name, value)
            elif name == "operator_language":
                row.operator_language = _language(value)
            else:
                raise ServiceError(f"Unknown setting {name!r}.", code="invalid")
        row.save()
    return row


def _topics(value: object) -> list[str]:
    if not isinstance(value, list) or len(value) > 50:
        raise ServiceError("blocked_topics is a list of at most 50 words.", code="invalid")
    topics = []
    for item in value:
        if not isinstance(item, str) or not 2 <= len(item.strip()) <= 100:
            raise ServiceError(
                "Each blocked topic is 2-100 characters.", code="invalid", details={"item": item}
            )
        if item.strip() not in topics:
            topics.append(item.strip())
    return topics


def agent_profile_update(*, brand: Brand, **changes: Any) -> AgentProfile:
    """Create or change the AI agent of ``brand`` (admins): on/off, instructions, tone,
    blocked topics, minimum confidence, maximum answers before a handoff."""
    with transaction.atomic():
        profile, _ = AgentProfile.objects.select_for_update().get_or_create(
            brand=brand, defaults={"workspace_id": brand.workspace_id}
        )
        for name, value in changes.items():
            if name == "enabled":
                if not isinstance(value, bool):
                    raise ServiceError("enabled is true or false.", code="invalid")
                profile.enabled = value
            elif name == "instructions":
                if not isinstance(value, str) or len(value) > AGENT_INSTRUCTIONS_MAX:
                    raise ServiceError(
                        f"instructions are at most {AGENT_INSTRUCTIONS_MAX} characters.",
                        code="invalid",
                    )
                profile.instructions = value.strip()
            elif name == "tone":
                if value not in AgentTone.values:
                    raise ServiceError(
                        f"tone is one of: {', '.join(AgentTone.values)}.", code="invalid"
                    )
                profile.tone = value
            elif name == "blocked_topics":
                profile.blocked_topics = _topics(value)
            elif name == "min_confidence":
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ServiceError("min_confidence is a number from 0 to 1.", code="invalid")
                if not 0 <= float(value) <= 1:
                    raise ServiceError("min_confidence is a number from 0 to 1.", code="invalid")
                profile.min_confidence = float(value)
            elif name == "max_replies":
                if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 50:
                    raise ServiceError(
                        "max_replies is a whole number from 1 to 50.", code="invalid"
                    )
                profile.max_replies = value
            else:
                raise ServiceError(f"Unknown setting {name!r}.", code="invalid")
        profile.save()
    return profile


def _saved_reply_fields(title: object, body: object) -> tuple[str, str]:
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= 120:
        raise ServiceError("A saved reply needs a title of 1-120 characters.", code="invalid")
    if not isinstance(body, str) or not 1 <= len(body.strip()) <= SAVED_REPLY_BODY_MAX:
        raise ServiceError(
            f"A saved reply's text is 1-{SAVED_REPLY_BODY_MAX} characters.", code="invalid"
        )
    return title.strip(), body.strip()


def saved_reply_create(
    *, title: object, body: object, user: AbstractBaseUser | None = None
) -> SavedReply:
    title_, body_ = _saved_reply_fields(title, body)
    try:
        with transaction.atomic():
            return SavedReply.objects.create(
                workspace_id=current_workspace_id(), title=title_, body=body_, created_by=user
            )
    except IntegrityError:
        raise Conflict(
            "A saved reply with this title exists; choose another title.", code="duplicate_title"
        ) from None


def saved_reply_update(
    *, reply: SavedReply, title: object = None, body: object = None
) -> SavedReply:
    title_, body_ = _saved_reply_fields(
        reply.title if title is None else title, reply.body if body is None else body
    )
    reply.title, reply.body = title_, body_
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        raise Conflict(
            "A saved reply with this title exists; choose another title.", code="duplicate_title"
        ) from None
    return reply


def saved_reply_delete(*, reply: SavedReply) -> None:
    reply.delete()


# ---------------------------------------------------------------- operator requests


def _enqueue_on_commit(task_name: str, **kwargs: Any) -> None:
    from ai import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs, queue=tasks.AI_QUEUE))


def summary_request(
    *, conversation: Conversation, user: AbstractBaseUser, language: str | None = None
) -> tuple[AIArtifact, bool]:
    """An on-demand summary: (artifact, created). The same conversation state and language
    answers the existing summary (no second provider call); otherwise a pending artifact is
    stored and the worker fills it (``ai.summary`` frame)."""
    workspace_require_active(workspace=Workspace.objects.get(pk=conversation.workspace_id))
    settings = selectors.feature_settings()
    if not settings.summaries_enabled:
        raise Conflict("Summaries are switched off for this workspace.", code="feature_disabled")
    language = _language(language) if language else settings.operator_language
    upto_seq = conversation.last_seq
    key = summary_key(conversation.pk, upto_seq, language)
    existing = AIArtifact.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.status in (ArtifactStatus.DONE, ArtifactStatus.PENDING):
        return existing, False
    if existing is not None:  # unavailable / blocked / failed earlier: try again
        existing.delete()
    try:
        with transaction.atomic():
            artifact = AIArtifact.objects.create(
                workspace_id=conversation.workspace_id,
                conversation=conversation,
                kind=ArtifactKind.SUMMARY,
                idempotency_key=key,
                language=language,
                requested_by=user,
            )
    except IntegrityError:
        return AIArtifact.objects.get(idempotency_key=key), False
    _enqueue_on_commit(
        "summarize_conversation",
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.pk,
        upto_seq=upto_seq,
        language=language,
        trigger="request",
        requested_by_id=user.pk,
    )
    return artifact, True


REPLY_TRANSLATION_MAX = 5000


def reply_translation_request(
    *, conversation: Conversation, user: AbstractBaseUser, text: object
) -> AIArtifact:
    """Translate an operator's draft into the visitor's language (a draft for the operator to
    review and send; nothing reaches the visitor from here)."""
    workspace_require_active(workspace=Workspace.objects.get(pk=conversation.workspace_id))
    settings = selectors.feature_settings()
    if not settings.translation_enabled:
        raise Conflict("Translation is switched off for this workspace.", code="feature_disabled")
    if not isinstance(text, str) or not text.strip() or len(text) > REPLY_TRANSLATION_MAX:
        raise ServiceError(
            f"text is the reply to translate, 1-{REPLY_TRANSLATION_MAX} characters.",
            code="invalid",
        )
    state = selectors.conversation_state(conversation)
    target = state.visitor_language if state else ""
    if not target:
        raise Conflict(
            "The visitor's language is not known yet: it is detected from their messages.",
            code="language_unknown",
        )
    if target == settings.operator_language:
        raise Conflict(
            "The visitor writes in the operators' language: nothing to translate.",
            code="same_language",
        )
    artifact = AIArtifact.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        kind=ArtifactKind.REPLY_TRANSLATION,
        idempotency_key=f"reply_translation:{uuid.uuid4().hex}",
        source_text=text.strip(),
        language=target,
        requested_by=user,
    )
    _enqueue_on_commit(
        "translate_reply", workspace_id=conversation.workspace_id, artifact_id=artifact.pk
    )
    return artifact


def ai_reply_send(
    *,
    conversation: Conversation,
    user: AbstractBaseUser,
    client_id: object,
    body: object,
    suggestion_artifact_id: int | None = None,
    suggestion_index: int | None = None,
    translation_artifact_id: int | None = None,
) -> MessageResult:
    """An operator sends a reply built from an AI draft (human review: the operator saw it and
    pressed send). Records which draft was used and whether it was edited, in the message's
    transaction. A translated reply is labelled "Generated by AI" for the visitor (the operator
    may not read that language); a reply from a suggestion is the operator's own message."""
    client_id_ = clean_client_id(client_id)
    body_ = clean_body(body)
    suggestion = translation = None
    if suggestion_artifact_id is not None:
        suggestion = selectors.access_artifact(suggestion_artifact_id, conversation=conversation)
        drafts = (suggestion.content or {}).get("drafts") or []
        if suggestion.kind != ArtifactKind.SUGGESTIONS or suggestion.status != ArtifactStatus.DONE:
            raise NotFound
        if suggestion_index is None or not 0 <= suggestion_index < len(drafts):
            raise ServiceError("suggestion_index names one of the drafts.", code="invalid")
    if translation_artifact_id is not None:
        translation = selectors.access_artifact(translation_artifact_id, conversation=conversation)
        if (
            translation.kind != ArtifactKind.REPLY_TRANSLATION
            or translation.status != ArtifactStatus.DONE
        ):
            raise NotFound
    metadata: dict[str, Any] | None = None
    if translation is not None:
        content = translation.content or {}
        metadata = {
            "generated": True,
            "label": "Generated by AI",
            "kind": "translation",
            "artifact_id": translation.pk,
            "reviewed_by": user.pk,
            "source_language": content.get("source_language", ""),
            "target_language": content.get("target_language", ""),
            "edited": body_.strip() != str(content.get("text", "")).strip(),
            "provider": translation.provider,
            "model": translation.model,
            "region": translation.region,
            "key_source": translation.key_source,
        }
    elif suggestion is not None:
        draft = str(((suggestion.content or {}).get("drafts") or [])[suggestion_index or 0])
        metadata = {
            "generated": False,
            "kind": "suggestion",
            "artifact_id": suggestion.pk,
            "index": suggestion_index,
            "edited": body_.strip() != draft.strip(),
        }
    with transaction.atomic():
        result = message_create(
            conversation=conversation,
            sender=Sender.OPERATOR,
            body=body_,
            client_id=client_id_,
            sender_user=user,
            ai_metadata=metadata,
        )
        if not result.duplicate:
            now = timezone.now()
            for artifact, index in ((suggestion, suggestion_index), (translation, None)):
                if artifact is None:
                    continue
                artifact.used_at = now
                artifact.used_by = user  # type: ignore[assignment]
                artifact.used_message = result.message
                artifact.used_index = index
                artifact.used_edited = bool(metadata and metadata.get("edited"))
                artifact.save(
                    update_fields=[
                        "used_at",
                        "used_by",
                        "used_message",
                        "used_index",
                        "used_edited",
                    ]
                )
    return result
