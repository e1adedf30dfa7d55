"""Reads. Lookups by id answer the same NotFound for a missing and a foreign row."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from .models import Brand, Membership, Workspace, WorkspaceStatus
from .scope import platform_scope


class NotFound(Exception):
    """The row does not exist, or it belongs to another workspace: callers answer 404 either way."""


def workspaces_for_user(user: AbstractBaseUser | AnonymousUser) -> list[tuple[Workspace, str]]:
    """The user's workspaces with their role, terminated ones excluded. Needs user_scope bound."""
    if not user.is_authenticated:
        return []
    rows = (
        Membership.objects.own(user.pk)
        .exclude(workspace__status=WorkspaceStatus.TERMINATED)
        .select_related("workspace")
        .order_by("workspace__name")
    )
    return [(m.workspace, m.role) for m in rows]


def access_workspace(
    user: AbstractBaseUser | AnonymousUser, slug: str
) -> tuple[Workspace, Membership]:
    """The workspace named by ``slug`` and the user's membership; NotFound if either is missing.

    Runs under user_scope (RLS shows a user only their own memberships), so a workspace the user
    is not a member of is indistinguishable from one that does not exist.
    """
    if not user.is_authenticated or not isinstance(slug, str) or len(slug) > 50:
        raise NotFound
    membership = (
        Membership.objects.own(user.pk)
        .select_related("workspace")
        .filter(workspace__slug=slug)
        .first()
    )
    if membership is None:
        raise NotFound
    return membership.workspace, membership


def brands_for_workspace() -> QuerySet[Brand]:
    """Runs inside the workspace scope."""
    return Brand.objects.all()


def access_brand(brand_id: object) -> Brand:
    """Runs inside the workspace scope: a foreign brand id is simply not found."""
    try:
        return Brand.objects.get(pk=int(str(brand_id)))
    except (Brand.DoesNotExist, ValueError, OverflowError):
        raise NotFound from None


def members_for_workspace() -> QuerySet[Membership]:
    """Runs inside the workspace scope."""
    return Membership.objects.select_related("user").all()


def access_membership(membership_id: object) -> Membership:
    """Runs inside the workspace scope."""
    try:
        return Membership.objects.select_related("user").get(pk=int(str(membership_id)))
    except (Membership.DoesNotExist, ValueError, OverflowError):
        raise NotFound from None


def brand_for_widget_key(widget_key: str) -> Brand:
    """Resolve a public widget key to its brand (a platform lookup: no workspace is bound yet)."""
    if not isinstance(widget_key, str) or not widget_key.startswith("wk_") or len(widget_key) > 64:
        raise NotFound
    with platform_scope("resolve a public widget key to its brand"):
        brand = (
            Brand.objects.unscoped()
            .select_related("workspace")
            .filter(widget_key=widget_key)
            .first()
        )
    if brand is None:
        raise NotFound
    return brand
