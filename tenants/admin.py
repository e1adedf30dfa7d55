"""Django admin for platform staff. Status changes go through the audited service with a reason.

Admin requests run inside platform_scope (see TenantScopeMiddleware), so tenant tables are listed
with the explicit ``.unscoped()``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Brand, Membership, Workspace, WorkspaceStatusEvent
from .scope import workspace_scope
from .services import workspace_set_status


class WorkspaceAdminForm(forms.ModelForm):
    status_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the status changes: kept in the audit log.",
    )

    class Meta:
        model = Workspace
        fields = ["name", "slug", "plan", "status"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            self.instance.pk
            and "status" in self.changed_data
            and not data.get("status_reason", "").strip()
        ):
            self.add_error("status_reason", "Say why the status changes.")
        return data


class StatusEventInline(admin.TabularInline):
    model = WorkspaceStatusEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "actor_label", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    form = WorkspaceAdminForm
    list_display = ["name", "slug", "plan", "status", "created_at"]
    list_filter = ["status", "plan"]
    search_fields = ["name", "slug"]
    inlines = [StatusEventInline]

    def save_model(self, request: HttpRequest, obj: Workspace, form: Any, change: bool) -> None:
        if change and "status" in form.changed_data:
            new_status = obj.status
            obj.status = form.initial["status"]
            super().save_model(request, obj, form, change)
            workspace_set_status(
                workspace=obj,
                status=new_status,
                actor=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["status_reason"],
            )
        else:
            super().save_model(request, obj, form, change)


@admin.register(WorkspaceStatusEvent)
class WorkspaceStatusEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "from_status", "to_status", "actor_label", "reason"]
    list_filter = ["to_status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TenantAdminForm(forms.ModelForm):
    """Model validation (unique constraints such as one brand name per workspace) queries through
    the scoped manager, which raises with no workspace bound: run it in the row's workspace."""

    # _post_clean is the hook Django's own forms override (BaseUserCreationForm); it is not in the
    # stubs, hence the ignores.
    def _post_clean(self) -> None:
        chosen = self.cleaned_data.get("workspace")
        workspace_id = chosen.pk if chosen is not None else self.instance.workspace_id
        if workspace_id is None:
            # No valid workspace: the form already has that error and skips the constraints.
            super()._post_clean()  # type: ignore[misc]
            return
        with workspace_scope(workspace_id):
            super()._post_clean()  # type: ignore[misc]


class TenantAdmin(admin.ModelAdmin):
    form = TenantAdminForm

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model.objects.unscoped()  # type: ignore[attr-defined,no-any-return]


@admin.register(Brand)
class BrandAdmin(TenantAdmin):
    list_display = ["name", "workspace", "widget_key", "default_language"]
    readonly_fields = ["widget_key"]


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role"]
