"""Redaction settings and a preview for workspace admins. HTTP in/out only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from redaction import selectors, services
from redaction.engine import MAX_TEXT_CHARS, redact
from redaction.types import REQUIRED_TYPES, RedactionContext
from tenants.api.base import WorkspaceAPIView
from tenants.api.serializers import StrictSerializer
from tenants.models import Role


class DenyPatternSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    pattern = serializers.CharField(max_length=200)


class RedactionSettingsOut(serializers.Serializer):
    required_types = serializers.ListField(child=serializers.CharField())
    disabled_types = serializers.ListField(child=serializers.CharField())
    deny_patterns = DenyPatternSerializer(many=True)
    allow_terms = serializers.ListField(child=serializers.CharField())


class RedactionSettingsIn(StrictSerializer):
    disabled_types = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, max_length=20
    )
    deny_patterns = DenyPatternSerializer(many=True, required=False)
    allow_terms = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=100
    )


class PreviewIn(StrictSerializer):
    text = serializers.CharField(max_length=MAX_TEXT_CHARS, trim_whitespace=False)
    known = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=50
    )


class EntityOut(serializers.Serializer):
    type = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    score = serializers.FloatField()


class PreviewOut(serializers.Serializer):
    redacted = serializers.CharField()
    entities = EntityOut(many=True)


def _settings_payload() -> dict[str, Any]:
    policy = selectors.policy_for_workspace()
    return {
        "required_types": sorted(REQUIRED_TYPES),
        "disabled_types": sorted(policy.disabled_types),
        "deny_patterns": [{"name": n, "pattern": p} for n, p in policy.deny_patterns],
        "allow_terms": list(policy.allow_terms),
    }


class RedactionSettingsView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR, "PUT": Role.ADMIN}

    @extend_schema(responses=RedactionSettingsOut, summary="The workspace's redaction policy")
    def get(self, request: Request, workspace_slug: str) -> Response:
        return Response(_settings_payload())

    @extend_schema(
        request=RedactionSettingsIn,
        responses=RedactionSettingsOut,
        summary="Change the redaction policy (admin)",
    )
    def put(self, request: Request, workspace_slug: str) -> Response:
        serializer = RedactionSettingsIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.redaction_settings_update(**serializer.validated_data)
        return Response(_settings_payload())


class RedactionPreviewView(WorkspaceAPIView):
    roles = {"POST": Role.ADMIN}

    @extend_schema(
        request=PreviewIn, responses=PreviewOut, summary="Try the policy on a text (admin)"
    )
    def post(self, request: Request, workspace_slug: str) -> Response:
        serializer = PreviewIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        context = RedactionContext(
            known=tuple(serializer.validated_data.get("known", [])),
            policy=selectors.policy_for_workspace(),
        )
        result = redact(serializer.validated_data["text"], context=context)
        return Response(
            {"redacted": result.text, "entities": [e.as_dict() for e in result.entities]}
        )
