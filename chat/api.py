"""Chat REST endpoints. HTTP in/out only: validate -> selector/service -> serialize.

Public: POST /api/v1/widget/<widget_key>/session/ (the widget, from a brand's allowed origin).
Workspace: /api/v1/w/<slug>/conversations/… (the inbox)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.api.base import BodyLimitMixin, WorkspaceAPIView
from tenants.api.errors import error_response
from tenants.models import Brand, Role
from tenants.scope import workspace_scope
from tenants.selectors import access_brand, brand_for_widget_key
from tenants.services import workspace_require_active
from tenants.throttle import client_ip

from . import ratelimit, selectors, services
from .models import ConversationStatus

# ---------------------------------------------------------------- widget session


class IdentityIn(serializers.Serializer):
    user_id = serializers.CharField(max_length=255)
    hmac = serializers.RegexField(r"^[0-9a-fA-F]{64}$")


class SessionIn(serializers.Serializer):
    token = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    page_url = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    identity = IdentityIn(required=False)


class ConversationBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="open, pending or resolved")
    last_seq = serializers.IntegerField()


class _NameOut(serializers.Serializer):
    name = serializers.CharField()


class _BrandOut(serializers.Serializer):
    name = serializers.CharField()
    default_language = serializers.CharField()


class SessionOut(serializers.Serializer):
    token = serializers.CharField()
    visitor = _NameOut()
    conversation = ConversationBriefOut(allow_null=True)
    brand = _BrandOut()


class WidgetSessionView(BodyLimitMixin, APIView):
    """Start or continue a visitor: answers a signed token and the current conversation."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    cors_origin: str | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.check_body_size(request)
        super().initial(request, *args, **kwargs)

    def _brand_for_origin(self, request: Request, widget_key: str) -> Brand:
        brand = brand_for_widget_key(widget_key)
        origin = request.headers.get("Origin")
        if not origin or origin not in brand.allowed_origins:
            raise exceptions.PermissionDenied(
                "This website is not allowed to use this widget: add its origin to the brand's "
                "allowed origins.",
                code="origin_not_allowed",
            )
        self.cors_origin = origin
        return brand

    def options(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        self._brand_for_origin(request, kwargs["widget_key"])
        response = Response(status=204)
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "600"
        return response

    @extend_schema(
        request=SessionIn, responses=SessionOut, summary="Start or continue a widget visitor"
    )
    def post(self, request: Request, widget_key: str) -> Response:
        brand = self._brand_for_origin(request, widget_key)
        workspace_require_active(workspace=brand.workspace)
        ip = client_ip(request)
        verdict = ratelimit.widget_session_allowed(ip=ip)
        if not verdict.allowed:
            raise exceptions.Throttled(wait=verdict.retry_after)
        serializer = SessionIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with workspace_scope(brand.workspace_id):
            session = services.visitor_session_open(
                brand=brand,
                token=data.get("token") or None,
                name=data.get("name", ""),
                email=data.get("email", ""),
                page_url=data.get("page_url", ""),
                identity=dict(data["identity"]) if "identity" in data else None,
                user_agent=request.headers.get("User-Agent", ""),
                ip=ip if ip != "unknown" else None,
            )
        return Response(
            {
                "token": session.token,
                "visitor": {"name": session.visitor.name},
                "conversation": selectors.conversation_brief(session.conversation),
                "brand": {"name": brand.name, "default_language": brand.default_language},
            }
        )

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, exceptions.PermissionDenied) and exc.get_codes() == "origin_not_allowed":
            return error_response(403, "origin_not_allowed", str(exc.detail))
        return super().handle_exception(exc)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # The answer depends on Origin: caches must key on it. CORS only for allowed origins.
        patch_vary_headers(response, ["Origin"])
        if self.cors_origin:
            response["Access-Control-Allow-Origin"] = self.cors_origin
        if response.status_code >= 400 and transaction.get_connection().in_atomic_block:
            transaction.set_rollback(True)  # a refused session keeps nothing
        return response


# ---------------------------------------------------------------- conversations


class ConversationFilterIn(serializers.Serializer):
    assignee = serializers.ChoiceField(["mine", "unassigned", "all"], default="all")
    status = serializers.ChoiceField(ConversationStatus.values, required=False)


class _IdNameOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _VisitorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    verified = serializers.BooleanField()


class ConversationRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="open, pending or resolved")
    assignee = _IdNameOut(allow_null=True)
    last_message_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.IntegerField()
    preview = serializers.CharField()
    last_seq = serializers.IntegerField()
    brand = _IdNameOut()
    visitor = _VisitorOut()
    handled_by = serializers.CharField()
    language = serializers.CharField()
    created_at = serializers.DateTimeField()


class MessageOut(serializers.Serializer):
    conversation_id = serializers.IntegerField()
    seq = serializers.IntegerField()
    client_id = serializers.CharField()
    sender = serializers.CharField()
    sender_name = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    ai = serializers.DictField(allow_null=True)
    private = serializers.BooleanField()


class ConversationDetailOut(ConversationRowOut):
    messages = MessageOut(many=True)


class IdentitySecretOut(serializers.Serializer):
    brand_id = serializers.IntegerField()
    identity_secret = serializers.CharField()


class AssignIn(serializers.Serializer):
    user_id = serializers.IntegerField(required=False, min_value=1)


def _row(conversation_id: int, user_id: int) -> dict[str, Any]:
    row = selectors.inbox_row(conversation_id=conversation_id, user_id=user_id)
    assert row is not None
    return row


class ConversationListView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR}

    @extend_schema(
        parameters=[ConversationFilterIn],
        responses=ConversationRowOut(many=True),
        summary="Inbox: conversations (assignee=mine|unassigned|all, status=…)",
    )
    def get(self, request: Request, workspace_slug: str) -> Response:
        filters = ConversationFilterIn(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = selectors.conversations_for_inbox(
            user_id=self.membership.user_id,
            assignee=filters.validated_data["assignee"],
            status=filters.validated_data.get("status"),
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(rows, request, view=self) or []
        return paginator.get_paginated_response([selectors.conversation_row(c) for c in page])


class ConversationDetailView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR}

    @extend_schema(
        responses=ConversationDetailOut,
        summary="One conversation with its messages (after_seq=… for the rest)",
    )
    def get(self, request: Request, workspace_slug: str, conversation_id: int) -> Response:
        conversation = selectors.access_conversation(conversation_id)
        try:
            after_seq = max(0, int(request.query_params.get("after_seq", 0)))
        except ValueError:
            raise exceptions.ValidationError({"after_seq": ["A whole number."]}) from None
        messages = selectors.messages_after(conversation, after_seq, include_private=True)
        return Response(
            {
                **_row(conversation.pk, self.membership.user_id),
                "messages": [
                    selectors.message_payload(m, visitor=conversation.visitor) for m in messages
                ],
            }
        )


class _ConversationActionView(WorkspaceAPIView):
    roles = {"POST": Role.OPERATOR}

    def act(self, request: Request, conversation: Any) -> None:
        raise NotImplementedError

    @extend_schema(request=None, responses=ConversationRowOut, summary="A conversation action")
    def post(self, request: Request, workspace_slug: str, conversation_id: int) -> Response:
        conversation = selectors.access_conversation(conversation_id)
        self.act(request, conversation)
        return Response(_row(conversation.pk, self.membership.user_id))


class ConversationAssignView(_ConversationActionView):
    """Operators assign to themselves (no body); admins and owners give a ``user_id``."""

    @extend_schema(
        request=AssignIn,
        responses=ConversationRowOut,
        summary="Assign (yourself, or user_id as admin)",
    )
    def post(self, request: Request, workspace_slug: str, conversation_id: int) -> Response:
        return super().post(request, workspace_slug, conversation_id)

    def act(self, request: Request, conversation: Any) -> None:
        data = AssignIn(data=request.data if isinstance(request.data, dict) else {})
        data.is_valid(raise_exception=True)
        services.conversation_assign(
            conversation=conversation,
            actor=self.membership,
            assignee_user_id=data.validated_data.get("user_id"),
        )


class ConversationUnassignView(_ConversationActionView):
    def act(self, request: Request, conversation: Any) -> None:
        services.conversation_unassign(conversation=conversation, actor=self.membership)


class ConversationResolveView(_ConversationActionView):
    def act(self, request: Request, conversation: Any) -> None:
        services.conversation_resolve(conversation=conversation, actor=self.membership)


class ConversationReopenView(_ConversationActionView):
    def act(self, request: Request, conversation: Any) -> None:
        services.conversation_reopen(conversation=conversation, actor=self.membership)


# ---------------------------------------------------------------- identity secret


class BrandIdentitySecretView(WorkspaceAPIView):
    """The secret a brand's website uses to sign visitor identities (HMAC-SHA256 of its user id).

    Admins only; POST issues a new one (identities signed with the old one stop verifying)."""

    roles = {"GET": Role.ADMIN, "POST": Role.ADMIN}

    @extend_schema(responses=IdentitySecretOut, summary="The brand's identity secret (admin)")
    def get(self, request: Request, workspace_slug: str, brand_id: int) -> Response:
        brand = access_brand(brand_id)
        secret = services.brand_identity_secret(brand=brand)
        return Response({"brand_id": brand.pk, "identity_secret": secret})

    @extend_schema(
        request=None, responses=IdentitySecretOut, summary="Issue a new identity secret (admin)"
    )
    def post(self, request: Request, workspace_slug: str, brand_id: int) -> Response:
        brand = access_brand(brand_id)
        secret = services.brand_identity_secret_rotate(brand=brand)
        return Response({"brand_id": brand.pk, "identity_secret": secret})
