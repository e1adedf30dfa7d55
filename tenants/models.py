"""Workspaces (the tenants), their brands and memberships, and the platform audit log."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .managers import MembershipManager, WorkspaceScopedManager


class Plan(models.TextChoices):
    STARTER = "starter", "Starter"
    PRO = "pro", "Pro"
    ENTERPRISE = "enterprise", "Enterprise"


class WorkspaceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    OPERATOR = "operator", "Operator"


ROLE_RANK = {Role.OPERATOR: 1, Role.ADMIN: 2, Role.OWNER: 3}


def role_at_least(role: str, minimum: str) -> bool:
    return ROLE_RANK[Role(role)] >= ROLE_RANK[Role(minimum)]


class Workspace(models.Model):
    """The tenant. Not itself tenant-owned: platform staff manage it in Django admin."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=50, unique=True)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.STARTER)
    status = models.CharField(
        max_length=20, choices=WorkspaceStatus.choices, default=WorkspaceStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(plan__in=Plan.values), name="workspace_plan_valid"),
            models.CheckConstraint(
                condition=Q(status__in=WorkspaceStatus.values), name="workspace_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    @property
    def is_active(self) -> bool:
        return self.status == WorkspaceStatus.ACTIVE

    @property
    def is_suspended(self) -> bool:
        return self.status == WorkspaceStatus.SUSPENDED

    @property
    def is_terminated(self) -> bool:
        return self.status == WorkspaceStatus.TERMINATED

    @property
    def byok_allowed(self) -> bool:
        return self.plan == Plan.ENTERPRISE


class TenantModel(models.Model):
    """Base of every tenant-owned table: carries workspace_id, reads fail closed, RLS below."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")

    objects: ClassVar[WorkspaceScopedManager] = WorkspaceScopedManager()

    class Meta:
        abstract = True


def new_widget_key() -> str:
    return "wk_" + secrets.token_urlsafe(24)


class Brand(TenantModel):
    """A customer-facing brand of a workspace; its widget key is public but unguessable."""

    name = models.CharField(max_length=120)
    widget_key = models.CharField(
        max_length=64, unique=True, default=new_widget_key, editable=False
    )
    allowed_origins = ArrayField(models.CharField(max_length=255), default=list, blank=True)
    default_language = models.CharField(max_length=16, default="en")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="brand_name_unique_per_ws"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TenantModel):
    """A user's role in one workspace. A user may belong to several workspaces."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OPERATOR)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[MembershipManager] = MembershipManager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.workspace_id}:{self.role}"

    def clean(self) -> None:
        if self.role not in Role.values:
            raise ValidationError({"role": "Unknown role."})


class WorkspaceStatusEvent(models.Model):
    """Platform audit log of status changes: who, what, when, why. Append-only."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="status_events")
    from_status = models.CharField(max_length=20, choices=WorkspaceStatus.choices)
    to_status = models.CharField(max_length=20, choices=WorkspaceStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=254, help_text="Who, kept even if the user is deleted."
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.workspace_id}: {self.from_status} -> {self.to_status}"


# Per-workspace AI configuration lives in its own module (region settings, endpoints, BYOK keys).
from .ai_models import (  # noqa: E402
    KeyStatus,
    ProviderKey,
    ProviderKind,
    Region,
    WorkspaceAISettings,
    WorkspaceEndpoint,
)

__all__ = [
    "Brand",
    "KeyStatus",
    "Membership",
    "Plan",
    "ProviderKey",
    "ProviderKind",
    "Region",
    "Role",
    "TenantModel",
    "Workspace",
    "WorkspaceAISettings",
    "WorkspaceEndpoint",
    "WorkspaceStatus",
    "WorkspaceStatusEvent",
]
