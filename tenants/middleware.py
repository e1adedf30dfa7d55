"""One request = one transaction with the tenant scope bound inside it.

The user is bound for every authenticated request (RLS shows them their own memberships); the
workspace is bound by ``workspace_view`` for pages under /w/<slug>/ and by the base API view for
/api/v1/w/<slug>/ (after DRF authentication, so token users are covered). Platform staff get the
platform scope in Django admin only.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .scope import platform_scope, user_scope


class TenantScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def _is_admin(self, request: HttpRequest) -> bool:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        return request.path.startswith(self._admin_prefix)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            with ExitStack() as stack:
                user = request.user
                if user.is_authenticated:
                    stack.enter_context(user_scope(user.pk))
                    if user.is_staff and user.is_active and self._is_admin(request):
                        stack.enter_context(platform_scope("django admin for platform staff"))
                response = self.get_response(request)
            if response.status_code >= 500:
                # Django turned an exception into a response: keep nothing half-written. Marked on
                # the request's outermost block, after the scopes closed, so it covers everything.
                transaction.set_rollback(True)
        return response
