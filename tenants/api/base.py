"""The one base view for workspace routes: resolves /api/v1/w/<workspace_slug>/, checks
membership, status and role per method, binds the scope and always unbinds it."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.http.response import HttpResponseBase
from rest_framework.request import Request
from rest_framework.views import APIView

from tenants.errors import WorkspaceUnavailable
from tenants.models import Membership, Role, Workspace, role_at_least
from tenants.scope import user_scope, workspace_scope
from tenants.selectors import NotFound, access_workspace

from .errors import InsufficientRole, PayloadTooLarge, WorkspaceNotFound
from .parsers import JSONParser


class BodyLimitMixin:
    def check_body_size(self, request: Request) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.API_MAX_BODY_BYTES:
            raise PayloadTooLarge(
                f"The request body is limited to {settings.API_MAX_BODY_BYTES} bytes."
            )


class WorkspaceAPIView(BodyLimitMixin, APIView):
    """Subclasses declare ``roles`` (minimum role per HTTP method) and use
    ``self.workspace`` / ``self.membership``. They never override get_queryset/get_object."""

    roles: ClassVar[dict[str, str]] = {"GET": Role.OPERATOR}
    parser_classes = [JSONParser]
    workspace: Workspace
    membership: Membership

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.check_body_size(request)
        super().initial(request, *args, **kwargs)  # authentication + IsAuthenticated
        self._scope.enter_context(user_scope(request.user.pk))
        try:
            workspace, membership = access_workspace(request.user, kwargs.get("workspace_slug", ""))
        except NotFound:
            raise WorkspaceNotFound() from None
        if workspace.is_terminated:
            raise WorkspaceUnavailable(
                "This workspace has been terminated.", code="workspace_terminated"
            )
        needed = self.roles.get(request.method or "GET")
        if needed is None:
            needed = (
                Role.OWNER if request.method not in ("GET", "HEAD", "OPTIONS") else Role.OPERATOR
            )
        if request.method in ("HEAD", "OPTIONS"):
            needed = self.roles.get("GET", Role.OPERATOR)
        if not role_at_least(membership.role, needed):
            raise InsufficientRole(f"This needs the {needed} role in this workspace.")
        self.workspace, self.membership = workspace, membership
        self._scope.enter_context(workspace_scope(workspace.pk))

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with transaction.atomic():
            with ExitStack() as self._scope:
                response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                # A refused request keeps nothing; marked on this view's outermost block after
                # the scopes closed, so it covers every write the handler made.
                transaction.set_rollback(True)
        return response
