"""Workspace, member and brand endpoints.

HTTP in/out only: validate -> selector/service -> serialize."""

from __future__ import annotations

from typing import Any

from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, parsers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants import selectors, services
from tenants.errors import WorkspaceUnavailable
from tenants.models import Role
from tenants.scope import user_scope
from tenants.throttle import login_allowed, login_succeeded

from .base import BodyLimitMixin, WorkspaceAPIView
from .errors import error_response
from .parsers import JSONParser
from .serializers import (
    BrandIn,
    BrandOut,
    BrandPatch,
    MemberIn,
    MemberOut,
    MemberPatch,
    MeOut,
    WidgetConfigOut,
    WorkspaceIn,
    WorkspaceOut,
)


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class TokenView(BodyLimitMixin, ObtainAuthToken):
    """Exchange a username and password for an API token.

    A password guesser gets the same per-account and per-IP limits as the login page; without
    them this endpoint would be a way around the login throttle."""

    parser_classes = (parsers.FormParser, parsers.MultiPartParser, JSONParser)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.check_body_size(request)
        super().initial(request, *args, **kwargs)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        username = str(data.get("username", ""))[:254]
        if not login_allowed(request, username):
            raise exceptions.Throttled(detail="Too many sign-in attempts: wait a few minutes.")
        response = super().post(request, *args, **kwargs)
        login_succeeded(request, username)
        return response


class MeView(APIView):
    @extend_schema(responses=MeOut, summary="The signed-in user and their workspaces")
    def get(self, request: Request) -> Response:
        with user_scope(request.user.pk):
            workspaces = selectors.workspaces_for_user(request.user)
        return Response(
            {
                "id": request.user.pk,
                "email": getattr(request.user, "email", ""),
                "workspaces": [
                    {"slug": w.slug, "name": w.name, "status": w.status, "role": role}
                    for w, role in workspaces
                ],
            }
        )


class WorkspaceDetailView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR, "PATCH": Role.ADMIN}

    @extend_schema(responses=WorkspaceOut, summary="The workspace")
    def get(self, request: Request, workspace_slug: str) -> Response:
        return Response(WorkspaceOut(self.workspace).data)

    @extend_schema(
        request=WorkspaceIn, responses=WorkspaceOut, summary="Rename (admin) or change plan (owner)"
    )
    def patch(self, request: Request, workspace_slug: str) -> Response:
        data = _valid(WorkspaceIn, request)
        workspace = services.workspace_update(
            workspace=self.workspace, actor=self.membership, **data
        )
        return Response(WorkspaceOut(workspace).data)


class MemberListView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR, "POST": Role.OWNER}

    @extend_schema(responses=MemberOut(many=True), summary="Members of the workspace")
    def get(self, request: Request, workspace_slug: str) -> Response:
        return Response(MemberOut(selectors.members_for_workspace(), many=True).data)

    @extend_schema(request=MemberIn, responses={201: MemberOut}, summary="Add a member (owner)")
    def post(self, request: Request, workspace_slug: str) -> Response:
        data = _valid(MemberIn, request)
        membership = services.membership_add(actor=self.membership, **data)
        return Response(MemberOut(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR, "PATCH": Role.OWNER, "DELETE": Role.OWNER}

    @extend_schema(responses=MemberOut, summary="One member")
    def get(self, request: Request, workspace_slug: str, member_id: int) -> Response:
        return Response(MemberOut(selectors.access_membership(member_id)).data)

    @extend_schema(
        request=MemberPatch, responses=MemberOut, summary="Change a member's role (owner)"
    )
    def patch(self, request: Request, workspace_slug: str, member_id: int) -> Response:
        membership = selectors.access_membership(member_id)
        data = _valid(MemberPatch, request)
        membership = services.membership_change_role(
            actor=self.membership, membership=membership, role=data["role"]
        )
        return Response(MemberOut(membership).data)

    @extend_schema(responses={204: None}, summary="Remove a member (owner)")
    def delete(self, request: Request, workspace_slug: str, member_id: int) -> Response:
        membership = selectors.access_membership(member_id)
        services.membership_remove(actor=self.membership, membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BrandListView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR, "POST": Role.ADMIN}

    @extend_schema(responses=BrandOut(many=True), summary="Brands of the workspace")
    def get(self, request: Request, workspace_slug: str) -> Response:
        return Response(BrandOut(selectors.brands_for_workspace(), many=True).data)

    @extend_schema(request=BrandIn, responses={201: BrandOut}, summary="Create a brand (admin)")
    def post(self, request: Request, workspace_slug: str) -> Response:
        data = _valid(BrandIn, request)
        brand = services.brand_create(**data)
        return Response(BrandOut(brand).data, status=status.HTTP_201_CREATED)


class BrandDetailView(WorkspaceAPIView):
    roles = {"GET": Role.OPERATOR, "PATCH": Role.ADMIN, "DELETE": Role.ADMIN}

    @extend_schema(responses=BrandOut, summary="One brand")
    def get(self, request: Request, workspace_slug: str, brand_id: int) -> Response:
        return Response(BrandOut(selectors.access_brand(brand_id)).data)

    @extend_schema(request=BrandPatch, responses=BrandOut, summary="Update a brand (admin)")
    def patch(self, request: Request, workspace_slug: str, brand_id: int) -> Response:
        brand = selectors.access_brand(brand_id)
        data = _valid(BrandPatch, request)
        return Response(BrandOut(services.brand_update(brand=brand, **data)).data)

    @extend_schema(responses={204: None}, summary="Delete a brand (admin)")
    def delete(self, request: Request, workspace_slug: str, brand_id: int) -> Response:
        services.brand_delete(brand=selectors.access_brand(brand_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BrandRotateKeyView(WorkspaceAPIView):
    roles = {"POST": Role.ADMIN}

    @extend_schema(request=None, responses=BrandOut, summary="Issue a new widget key (admin)")
    def post(self, request: Request, workspace_slug: str, brand_id: int) -> Response:
        brand = services.brand_rotate_widget_key(brand=selectors.access_brand(brand_id))
        return Response(BrandOut(brand).data)


class WidgetConfigView(BodyLimitMixin, APIView):
    """Public: what the embedded widget needs to start.

    Suspended workspaces answer a clear state."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses=WidgetConfigOut, summary="Public widget configuration for a widget key"
    )
    def get(self, request: Request, widget_key: str) -> Response:
        brand = selectors.brand_for_widget_key(widget_key)
        origin = request.headers.get("Origin")
        try:
            services.workspace_require_active(workspace=brand.workspace)
            response = Response(
                {
                    "brand": brand.name,
                    "default_language": brand.default_language,
                    "status": "active",
                }
            )
        except WorkspaceUnavailable as exc:
            response = error_response(exc.status, exc.code, exc.message)
        # The answer depends on Origin whether or not it is allowed: caches must key on it.
        patch_vary_headers(response, ["Origin"])
        if origin and origin in brand.allowed_origins:
            response["Access-Control-Allow-Origin"] = origin
        return response
