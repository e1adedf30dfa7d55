"""AI settings for workspace admins: regions and fallbacks, BYOK keys (write-only: only the
last 4 characters ever come back), and the workspace's own provider endpoints.

HTTP in/out only: validate -> tenants.ai_settings / tenants.keys -> serialize."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ai.router.breaker import Breaker
from ai.router.endpoints import platform_endpoints, platform_key
from tenants import ai_settings, keys
from tenants.ai_models import ProviderKey, ProviderKind, Region, WorkspaceEndpoint
from tenants.models import Role

from .base import WorkspaceAPIView
from .serializers import StrictSerializer


class AISettingsIn(StrictSerializer):
    region_preference = serializers.ListField(
        child=serializers.ChoiceField(Region.choices), required=False, max_length=4
    )
    allowed_regions = serializers.ListField(
        child=serializers.ChoiceField(Region.choices), required=False, max_length=4
    )
    allow_offline_fallback = serializers.BooleanField(required=False)
    byok_fallback_to_platform = serializers.BooleanField(required=False)


class PlatformEndpointOut(serializers.Serializer):
    ref = serializers.CharField()
    kind = serializers.CharField()
    region = serializers.CharField()
    model = serializers.CharField()
    configured = serializers.BooleanField()
    breaker = serializers.CharField()


class AISettingsOut(serializers.Serializer):
    region_preference = serializers.ListField(child=serializers.CharField())
    allowed_regions = serializers.ListField(child=serializers.CharField())
    allow_offline_fallback = serializers.BooleanField()
    byok_fallback_to_platform = serializers.BooleanField()
    byok_available = serializers.BooleanField()
    platform_endpoints = PlatformEndpointOut(many=True)
    offline = serializers.DictField()


class KeyIn(StrictSerializer):
    provider = serializers.ChoiceField(ProviderKind.choices)
    key = serializers.CharField(max_length=keys.MAX_KEY_LENGTH, write_only=True)


class KeyOut(serializers.ModelSerializer):
    masked = serializers.CharField(read_only=True)

    class Meta:
        model = ProviderKey
        fields = ["provider", "masked", "status", "status_reason", "validated_at", "created_at"]
        read_only_fields = fields


class EndpointIn(StrictSerializer):
    name = serializers.SlugField(max_length=50)
    kind = serializers.ChoiceField(ProviderKind.choices)
    region = serializers.ChoiceField(Region.choices)
    model = serializers.CharField(max_length=120)
    base_url = serializers.URLField(max_length=300)
    api = serializers.ChoiceField(["chat", "responses", "messages"], required=False)
    options = serializers.DictField(required=False)
    enabled = serializers.BooleanField(required=False)


class EndpointPatch(EndpointIn):
    name = None  # type: ignore[assignment]
    kind = serializers.ChoiceField(ProviderKind.choices, required=False)
    region = serializers.ChoiceField(Region.choices, required=False)
    model = serializers.CharField(max_length=120, required=False)
    base_url = serializers.URLField(max_length=300, required=False)


class EndpointOut(serializers.ModelSerializer):
    ref = serializers.SerializerMethodField()
    breaker = serializers.SerializerMethodField()

    class Meta:
        model = WorkspaceEndpoint
        fields = [
            "id",
            "ref",
            "name",
            "kind",
            "region",
            "model",
            "base_url",
            "api",
            "options",
            "enabled",
            "breaker",
            "created_at",
        ]
        read_only_fields = fields

    def get_ref(self, obj: WorkspaceEndpoint) -> str:
        return f"workspace:{obj.name}"

    def get_breaker(self, obj: WorkspaceEndpoint) -> str:
        return Breaker(f"workspace:{obj.workspace_id}:{obj.name}").state()


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def settings_payload(byok_available: bool) -> dict[str, Any]:
    """What the settings API and page show: the workspace's choices and the platform's
    endpoints (names, kinds, regions, whether configured, breaker state; never a key)."""
    current = ai_settings.ai_settings_for_workspace()
    return {
        "region_preference": list(current.region_preference),
        "allowed_regions": [r for r in Region.values if r in current.allowed_regions],
        "allow_offline_fallback": current.allow_offline_fallback,
        "byok_fallback_to_platform": current.byok_fallback_to_platform,
        "byok_available": byok_available,
        "platform_endpoints": [
            {
                "ref": e.ref,
                "kind": e.kind,
                "region": e.region,
                "model": e.model,
                "configured": platform_key(e) is not None,
                "breaker": Breaker(e.breaker_key).state(),
            }
            for e in platform_endpoints()
        ],
        "offline": {"ref": "offline", "region": "local", "label": "Built-in offline (no AI)"},
    }


class AISettingsView(WorkspaceAPIView):
    roles = {"GET": Role.ADMIN, "PUT": Role.ADMIN}

    @extend_schema(
        responses=AISettingsOut, summary="AI regions, fallbacks and platform endpoints (admin)"
    )
    def get(self, request: Request, workspace_slug: str) -> Response:
        return Response(settings_payload(self.workspace.byok_allowed))

    @extend_schema(
        request=AISettingsIn,
        responses=AISettingsOut,
        summary="Change AI regions and fallbacks (admin)",
    )
    def put(self, request: Request, workspace_slug: str) -> Response:
        ai_settings.ai_settings_update(**_valid(AISettingsIn, request))
        return Response(settings_payload(self.workspace.byok_allowed))


class ProviderKeyListView(WorkspaceAPIView):
    roles = {"GET": Role.ADMIN, "POST": Role.ADMIN}

    @extend_schema(responses=KeyOut(many=True), summary="BYOK keys, masked (admin)")
    def get(self, request: Request, workspace_slug: str) -> Response:
        return Response(KeyOut(ai_settings.provider_keys(), many=True).data)

    @extend_schema(
        request=KeyIn,
        responses={201: KeyOut},
        summary="Save a BYOK key after a validation call (admin, Enterprise plan)",
    )
    def post(self, request: Request, workspace_slug: str) -> Response:
        data = _valid(KeyIn, request)
        row = keys.provider_key_save(
            workspace=self.workspace, provider=data["provider"], key=data["key"]
        )
        return Response(KeyOut(row).data, status=status.HTTP_201_CREATED)


class ProviderKeyDetailView(WorkspaceAPIView):
    roles = {"DELETE": Role.ADMIN}

    @extend_schema(responses={204: None}, summary="Delete a BYOK key (admin)")
    def delete(self, request: Request, workspace_slug: str, provider: str) -> Response:
        if not keys.provider_key_delete(provider=provider):
            return Response(
                {"error": {"code": "not_found", "message": "Not found.", "details": {}}},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointListView(WorkspaceAPIView):
    roles = {"GET": Role.ADMIN, "POST": Role.ADMIN}

    @extend_schema(responses=EndpointOut(many=True), summary="The workspace's own endpoints")
    def get(self, request: Request, workspace_slug: str) -> Response:
        return Response(EndpointOut(ai_settings.workspace_endpoints(), many=True).data)

    @extend_schema(
        request=EndpointIn, responses={201: EndpointOut}, summary="Add an endpoint (Enterprise)"
    )
    def post(self, request: Request, workspace_slug: str) -> Response:
        data = _valid(EndpointIn, request)
        row = ai_settings.workspace_endpoint_create(workspace=self.workspace, **data)
        return Response(EndpointOut(row).data, status=status.HTTP_201_CREATED)


class EndpointDetailView(WorkspaceAPIView):
    roles = {"GET": Role.ADMIN, "PATCH": Role.ADMIN, "DELETE": Role.ADMIN}

    @extend_schema(responses=EndpointOut, summary="One of the workspace's endpoints")
    def get(self, request: Request, workspace_slug: str, endpoint_id: int) -> Response:
        return Response(EndpointOut(ai_settings.access_workspace_endpoint(endpoint_id)).data)

    @extend_schema(request=EndpointPatch, responses=EndpointOut, summary="Change an endpoint")
    def patch(self, request: Request, workspace_slug: str, endpoint_id: int) -> Response:
        row = ai_settings.access_workspace_endpoint(endpoint_id)
        row = ai_settings.workspace_endpoint_update(endpoint=row, **_valid(EndpointPatch, request))
        return Response(EndpointOut(row).data)

    @extend_schema(responses={204: None}, summary="Delete an endpoint")
    def delete(self, request: Request, workspace_slug: str, endpoint_id: int) -> Response:
        ai_settings.workspace_endpoint_delete(
            endpoint=ai_settings.access_workspace_endpoint(endpoint_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
