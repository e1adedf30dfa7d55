"""AI feature REST endpoints under /api/v1/w/<slug>/ai/. HTTP in/out only:
validate -> selector/service -> serialize. Operators read and ask for work (summaries, reply
translations, sending a reply built from a draft); admins change switches, agents and saved
replies. A foreign id is the same 404 as a missing one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ai import selectors, services
from ai.models import AgentProfile, AIFeatureSettings, SavedReply
from chat import selectors as chat_selectors
from tenants.api.base import WorkspaceAPIView
from tenants.models import Role
from tenants.selectors import access_brand

# ---------------------------------------------------------------- serializers (schema + input)


class FeatureSettingsSerializer(serializers.Serializer):
    suggestions_enabled = serializers.BooleanField(required=False)
    summaries_enabled = serializers.BooleanField(required=False)
    summarize_on_resolve = serializers.BooleanField(required=False)
    translation_enabled = serializers.BooleanField(required=False)
    agent_enabled = serializers.BooleanField(required=False)
    operator_language = serializers.CharField(required=False, max_length=8)


class AgentProfileSerializer(serializers.Serializer):
    brand_id = serializers.IntegerField(read_only=True)
    brand_name = serializers.CharField(read_only=True)
    enabled = serializers.BooleanField(required=False)
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    tone = serializers.CharField(required=False)
    blocked_topics = serializers.ListField(child=serializers.CharField(), required=False)
    min_confidence = serializers.FloatField(required=False)
    max_replies = serializers.IntegerField(required=False)


class SavedReplySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=2000)


class SummaryIn(serializers.Serializer):
    language = serializers.CharField(required=False, max_length=8)


class ReplyTranslationIn(serializers.Serializer):
    text = serializers.CharField(max_length=5000, trim_whitespace=False)


class ReplyIn(serializers.Serializer):
    client_id = serializers.CharField(max_length=64)
    body = serializers.CharField(max_length=5000, trim_whitespace=False)
    suggestion_artifact_id = serializers.IntegerField(required=False, min_value=1)
    suggestion_index = serializers.IntegerField(required=False, min_value=0, max_value=2)
    translation_artifact_id = serializers.IntegerField(required=False, min_value=1)


class ArtifactOut(serializers.Serializer):
    artifact_id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField(help_text="pending, done, unavailable, blocked or failed")
    error = serializers.CharField()
    message_seq = serializers.IntegerField(allow_null=True)
    language = serializers.CharField()
    content = serializers.DictField()
    provenance = serializers.DictField(
        help_text="provider, model, region, key_source, offline, latency_ms, tokens, fallback_chain"
    )
    used = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class AIPanelOut(serializers.Serializer):
    conversation_id = serializers.IntegerField()
    features = serializers.DictField(child=serializers.BooleanField())
    operator_language = serializers.CharField()
    state = serializers.DictField(help_text="visitor_language, handed_off, handoff_reason, …")
    suggestions = ArtifactOut(allow_null=True)
    summary = ArtifactOut(allow_null=True)
    reply_translation = ArtifactOut(allow_null=True)
    translations = serializers.DictField(child=ArtifactOut(), help_text="by message seq")


class ReplyOut(serializers.Serializer):
    conversation_id = serializers.IntegerField()
    client_id = serializers.CharField()
    seq = serializers.IntegerField()
    duplicate = serializers.BooleanField()
    message = serializers.DictField(help_text="the operator form of the message frame")


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data if isinstance(data, dict) else {})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _settings_out(row: AIFeatureSettings) -> dict[str, Any]:
    return {
        "suggestions_enabled": row.suggestions_enabled,
        "summaries_enabled": row.summaries_enabled,
        "summarize_on_resolve": row.summarize_on_resolve,
        "translation_enabled": row.translation_enabled,
        "agent_enabled": row.agent_enabled,
        "operator_language": row.operator_language,
    }


def _agent_out(profile: AgentProfile | None, brand: Any) -> dict[str, Any]:
    default = AgentProfile()
    p = profile or default
    return {
        "brand_id": brand.pk,
        "brand_name": brand.name,
        "enabled": p.enabled,
        "instructions": p.instructions,
        "tone": p.tone,
        "blocked_topics": list(p.blocked_topics),
        "min_confidence": p.min_confidence,
        "max_replies": p.max_replies,
    }


def _reply_out(reply: SavedReply) -> dict[str, Any]:
    return {"id": reply.pk, "title": reply.title, "body": reply.body}


# ---------------------------------------------------------------- settings (admins write)


class FeatureSettingsView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR, "PATCH": Role.ADMIN}

    @extend_schema(responses=FeatureSettingsSerializer, summary="AI feature switches")
    def get(self, request: Request, workspace_slug: str) -> Response:
        return Response(_settings_out(selectors.feature_settings()))

    @extend_schema(
        request=FeatureSettingsSerializer,
        responses=FeatureSettingsSerializer,
        summary="Switch AI features on/off, set the operators' language (admin)",
    )
    def patch(self, request: Request, workspace_slug: str) -> Response:
        changes = _valid(FeatureSettingsSerializer, request.data)
        return Response(_settings_out(services.feature_settings_update(**changes)))


class AgentListView(WorkspaceAPIView):
    roles = {"GET": Role.ADMIN}

    @extend_schema(responses=AgentProfileSerializer(many=True), summary="AI agents per brand")
    def get(self, request: Request, workspace_slug: str) -> Response:
        from tenants.selectors import brands_for_workspace

        profiles = {p.brand_id: p for p in selectors.agent_profiles()}
        return Response([_agent_out(profiles.get(b.pk), b) for b in brands_for_workspace()])


class AgentDetailView(WorkspaceAPIView):
    roles = {"GET": Role.ADMIN, "PATCH": Role.ADMIN}

    @extend_schema(responses=AgentProfileSerializer, summary="A brand's AI agent (admin)")
    def get(self, request: Request, workspace_slug: str, brand_id: int) -> Response:
        brand = access_brand(brand_id)
        return Response(_agent_out(selectors.agent_profile(brand.pk), brand))

    @extend_schema(
        request=AgentProfileSerializer,
        responses=AgentProfileSerializer,
        summary="Configure a brand's AI agent: on/off, instructions, tone, guardrails (admin)",
    )
    def patch(self, request: Request, workspace_slug: str, brand_id: int) -> Response:
        brand = access_brand(brand_id)
        changes = _valid(AgentProfileSerializer, request.data)
        profile = services.agent_profile_update(brand=brand, **changes)
        return Response(_agent_out(profile, brand))


class SavedReplyListView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR, "POST": Role.ADMIN}

    @extend_schema(responses=SavedReplySerializer(many=True), summary="Saved replies")
    def get(self, request: Request, workspace_slug: str) -> Response:
        return Response([_reply_out(r) for r in selectors.saved_replies()])

    @extend_schema(
        request=SavedReplySerializer, responses=SavedReplySerializer, summary="Add (admin)"
    )
    def post(self, request: Request, workspace_slug: str) -> Response:
        data = _valid(SavedReplySerializer, request.data)
        reply = services.saved_reply_create(
            title=data["title"], body=data["body"], user=self.membership.user
        )
        return Response(_reply_out(reply), status=201)


class SavedReplyDetailView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR, "PATCH": Role.ADMIN, "DELETE": Role.ADMIN}

    @extend_schema(responses=SavedReplySerializer, summary="A saved reply")
    def get(self, request: Request, workspace_slug: str, reply_id: int) -> Response:
        return Response(_reply_out(selectors.access_saved_reply(reply_id)))

    @extend_schema(
        request=SavedReplySerializer, responses=SavedReplySerializer, summary="Change (admin)"
    )
    def patch(self, request: Request, workspace_slug: str, reply_id: int) -> Response:
        reply = selectors.access_saved_reply(reply_id)
        data = request.data if isinstance(request.data, dict) else {}
        reply = services.saved_reply_update(
            reply=reply, title=data.get("title"), body=data.get("body")
        )
        return Response(_reply_out(reply))

    @extend_schema(responses=None, summary="Delete (admin)")
    def delete(self, request: Request, workspace_slug: str, reply_id: int) -> Response:
        services.saved_reply_delete(reply=selectors.access_saved_reply(reply_id))
        return Response(status=204)


# ---------------------------------------------------------------- a conversation's AI


class ConversationAIView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR}

    @extend_schema(
        responses=AIPanelOut,
        summary="The inbox AI panel: language, handoff, suggestions, summary, translations",
    )
    def get(self, request: Request, workspace_slug: str, conversation_id: int) -> Response:
        conversation = chat_selectors.access_conversation(conversation_id)
        return Response(selectors.conversation_ai(conversation))


class SummaryRequestView(WorkspaceAPIView):
    roles = {"POST": Role.OPERATOR}

    @extend_schema(
        request=SummaryIn,
        responses={200: ArtifactOut, 202: ArtifactOut},
        summary="Summarise now (202: the ai.summary frame follows; 200: already summarised)",
    )
    def post(self, request: Request, workspace_slug: str, conversation_id: int) -> Response:
        conversation = chat_selectors.access_conversation(conversation_id)
        data = _valid(SummaryIn, request.data)
        artifact, _created = services.summary_request(
            conversation=conversation, user=self.membership.user, language=data.get("language")
        )
        status = 202 if artifact.status == "pending" else 200
        return Response(selectors.artifact_payload(artifact), status=status)


class ReplyTranslationView(WorkspaceAPIView):
    roles = {"POST": Role.OPERATOR}

    @extend_schema(
        request=ReplyTranslationIn,
        responses={202: ArtifactOut},
        summary="Translate a draft reply into the visitor's language (ai.reply_translation)",
    )
    def post(self, request: Request, workspace_slug: str, conversation_id: int) -> Response:
        conversation = chat_selectors.access_conversation(conversation_id)
        data = _valid(ReplyTranslationIn, request.data)
        artifact = services.reply_translation_request(
            conversation=conversation, user=self.membership.user, text=data["text"]
        )
        return Response(selectors.artifact_payload(artifact), status=202)


class AIReplyView(WorkspaceAPIView):
    roles = {"POST": Role.OPERATOR}

    @extend_schema(
        request=ReplyIn,
        responses={200: ReplyOut, 201: ReplyOut},
        summary="Send a reply built from an AI draft (records which draft, whether edited)",
    )
    def post(self, request: Request, workspace_slug: str, conversation_id: int) -> Response:
        conversation = chat_selectors.access_conversation(conversation_id)
        data = _valid(ReplyIn, request.data)
        result = services.ai_reply_send(
            conversation=conversation,
            user=self.membership.user,
            client_id=data["client_id"],
            body=data["body"],
            suggestion_artifact_id=data.get("suggestion_artifact_id"),
            suggestion_index=data.get("suggestion_index"),
            translation_artifact_id=data.get("translation_artifact_id"),
        )
        return Response(
            {
                "conversation_id": conversation.pk,
                "client_id": result.message.client_id,
                "seq": result.message.seq,
                "duplicate": result.duplicate,
                "message": chat_selectors.message_payload(
                    result.message, visitor=conversation.visitor
                ),
            },
            status=200 if result.duplicate else 201,
        )


class ArtifactView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR}

    @extend_schema(responses=ArtifactOut, summary="One AI artifact")
    def get(self, request: Request, workspace_slug: str, artifact_id: int) -> Response:
        return Response(selectors.artifact_payload(selectors.access_artifact(artifact_id)))
