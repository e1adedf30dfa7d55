"""Test-only URLconf: tiny views behind the real doors, plus every real route (login, admin).

Used with ``@override_settings(ROOT_URLCONF="tests.tenants.doors_urls")``."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.urls import path

from supportdesk.urls import urlpatterns as real_urlpatterns
from tenants.doors import workspace_view
from tenants.models import Brand, Role, Workspace
from tenants.scope import bound_workspace_id, in_platform_scope


def _raw_brand_count() -> int:
    """What row-level security alone admits, with no ORM filter."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tenants_brand")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


class ViewExploded(RuntimeError):
    """Raised on purpose by a test view after it has written."""


@workspace_view()
def probe(request: HttpRequest) -> JsonResponse:
    """What a page view sees inside the door."""
    return JsonResponse(
        {
            "workspace": request.workspace.slug,  # type: ignore[attr-defined]
            "role": request.membership.role,  # type: ignore[attr-defined]
            "bound_workspace_id": bound_workspace_id(),
            "platform_scope": in_platform_scope(),
            "brands": [brand.name for brand in Brand.objects.all()],
            "rls_visible_brands": _raw_brand_count(),
        }
    )


@workspace_view(min_role=Role.ADMIN)
def admins_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse("admin area")


@workspace_view()
def brand_then_500(request: HttpRequest) -> HttpResponse:
    Brand.objects.create(name=request.POST["name"])
    return HttpResponseServerError("broken after writing")


@workspace_view()
def brand_then_ok(request: HttpRequest) -> HttpResponse:
    Brand.objects.create(name=request.POST["name"])
    return HttpResponse("written")


def workspace_then_raise(request: HttpRequest) -> HttpResponse:
    Workspace.objects.create(name="Half written", slug=request.POST["slug"])
    raise ViewExploded("after the write")


def workspace_then_500(request: HttpRequest) -> HttpResponse:
    Workspace.objects.create(name="Half written", slug=request.POST["slug"])
    return HttpResponseServerError("broken after writing")


def workspace_then_ok(request: HttpRequest) -> HttpResponse:
    Workspace.objects.create(name="Fully written", slug=request.POST["slug"])
    return HttpResponse("written")


urlpatterns = [
    path("test-doors/w/<slug:workspace_slug>/probe/", probe),
    path("test-doors/w/<slug:workspace_slug>/admins-only/", admins_only),
    path("test-doors/w/<slug:workspace_slug>/brand-then-500/", brand_then_500),
    path("test-doors/w/<slug:workspace_slug>/brand-then-ok/", brand_then_ok),
    path("test-doors/workspace-then-raise/", workspace_then_raise),
    path("test-doors/workspace-then-500/", workspace_then_500),
    path("test-doors/workspace-then-ok/", workspace_then_ok),
    *real_urlpatterns,
]
