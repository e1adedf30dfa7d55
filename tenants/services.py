"""Writes for workspaces, brands and memberships. Keyword-only, typed, named <entity>_<action>."""

from __future__ import annotations

import ipaddress
import logging
import re
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from . import events
from .errors import Conflict, Forbidden, ServiceError, WorkspaceUnavailable
from .models import (
    Brand,
    Membership,
    Plan,
    Role,
    Workspace,
    WorkspaceStatus,
    WorkspaceStatusEvent,
    new_widget_key,
    role_at_least,
)
from .scope import current_workspace_id, workspace_scope

logger = logging.getLogger(__name__)
User = get_user_model()

MAX_ORIGINS = 50
LANGUAGE_MAX = 16


# ---------------------------------------------------------------- workspaces


def workspace_create(
    *, name: str, owner: AbstractBaseUser, slug: str = "", plan: str = Plan.STARTER
) -> Workspace:
    """Create a workspace and make ``owner`` its first owner."""
    slug = slug or slugify(name)[:50]
    if not slug:
        raise ServiceError("A workspace needs a name with letters or digits.", code="invalid_name")
    if plan not in Plan.values:
        raise ServiceError(f"Unknown plan {plan!r}.", code="invalid_plan")
    with transaction.atomic():
        if Workspace.objects.filter(slug=slug).exists():
            raise Conflict(f"The workspace address {slug!r} is taken.", code="slug_taken")
        workspace = Workspace.objects.create(name=name, slug=slug, plan=plan)
        with workspace_scope(workspace.pk):
            Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def workspace_update(
    *, workspace: Workspace, actor: Membership, name: str | None = None, plan: str | None = None
) -> Workspace:
    """Admins rename; only owners change the plan. Runs inside the workspace scope."""
    if not role_at_least(actor.role, Role.ADMIN):
        raise Forbidden(
            "Only admins and owners can change workspace settings.", code="insufficient_role"
        )
    fields: list[str] = []
    if name is not None:
        if not name.strip():
            raise ServiceError("The name cannot be empty.", code="invalid_name")
        workspace.name = name.strip()
        fields.append("name")
    if plan is not None and plan != workspace.plan:
        if actor.role != Role.OWNER:
            raise Forbidden("Only owners can change the plan.", code="insufficient_role")
        if plan not in Plan.values:
            raise ServiceError(f"Unknown plan {plan!r}.", code="invalid_plan")
        workspace.plan = plan
        fields.append("plan")
    if fields:
        workspace.save(update_fields=fields)
    return workspace


def workspace_set_status(
    *, workspace: Workspace, status: str, actor: AuthUser | None, reason: str
) -> WorkspaceStatusEvent | None:
    """Platform staff only: suspend, terminate or reactivate.

    Always with a reason, kept in the audit log."""
    if status not in WorkspaceStatus.values:
        raise ServiceError(f"Unknown status {status!r}.", code="invalid_status")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            "Say why the status changes: the reason is kept in the audit log.",
            code="reason_required",
        )
    with transaction.atomic():
        locked = Workspace.objects.select_for_update().get(pk=workspace.pk)
        if locked.status == status:
            return None
        event = WorkspaceStatusEvent.objects.create(
            workspace=locked,
            from_status=locked.status,
            to_status=status,
            actor=actor,
            actor_label=getattr(actor, "email", "") or str(actor or "system"),
            reason=reason,
        )
        locked.status = status
        locked.save(update_fields=["status"])
        events.workspace_status_changed_on_commit(workspace_id=locked.pk, status=status)
    workspace.status = status
    logger.info("workspace %s status %s -> %s", workspace.pk, event.from_status, status)
    return event


def workspace_require_active(*, workspace: Workspace) -> None:
    """AI features and the widget refuse a suspended or terminated workspace with a clear state."""
    if workspace.is_suspended:
        raise WorkspaceUnavailable(
            "This workspace is suspended: AI features and the chat widget are paused. "
            "Contact support to restore it.",
            code="workspace_suspended",
        )
    if workspace.is_terminated:
        raise WorkspaceUnavailable(
            "This workspace has been terminated.", code="workspace_terminated"
        )


# ---------------------------------------------------------------- brands


_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def _origin_host(hostname: str) -> str | None:
    """The host as a browser writes it in an Origin header, or None if it is not a host."""
    if ":" in hostname:
        try:
            address = ipaddress.IPv6Address(hostname)
        except ValueError:
            return None
        # A zone id ("%eth0") only means something on one machine; browsers never send one.
        return None if address.scope_id else f"[{address.compressed}]"
    try:
        ascii_host = hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if len(ascii_host) > 253 or not all(_HOST_LABEL.fullmatch(p) for p in ascii_host.split(".")):
        return None
    return ascii_host


def _normalise_origin(raw: object) -> str:
    if not isinstance(raw, str) or len(raw) > 255:
        raise ServiceError(
            "Each origin is a string like https://www.example.com.", code="invalid_origins"
        )
    not_an_origin = ServiceError(
        f"{raw!r} is not an origin: use scheme://host[:port] with no path.",
        code="invalid_origins",
        details={"origin": raw},
    )
    try:
        parts = urlsplit(raw.strip())
        port = parts.port
    except ValueError:  # an unbalanced IPv6 bracket, a port that is not a number or out of range
        raise not_an_origin from None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.path not in {"", "/"}:
        raise not_an_origin
    if parts.query or parts.fragment or parts.username or parts.password or port == 0:
        raise not_an_origin
    host = _origin_host(parts.hostname)
    if host is None:
        raise not_an_origin
    # Browsers leave a scheme's default port out of the Origin header; so must we to match it.
    if port is None or port == _DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def _normalise_origins(origins: list[str]) -> list[str]:
    if not isinstance(origins, list):
        raise ServiceError("allowed_origins must be a list of origins.", code="invalid_origins")
    if len(origins) > MAX_ORIGINS:
        raise ServiceError(f"At most {MAX_ORIGINS} allowed origins.", code="invalid_origins")
    cleaned: list[str] = []
    for raw in origins:
        origin = _normalise_origin(raw)
        if origin not in cleaned:
            cleaned.append(origin)
    return cleaned


def _clean_language(language: str) -> str:
    if not isinstance(language, str) or not (2 <= len(language) <= LANGUAGE_MAX):
        raise ServiceError(
            "default_language is a language tag such as 'en' or 'pt-BR'.", code="invalid_language"
        )
    parts = language.split("-")
    if not all(p.isalnum() and p.isascii() for p in parts) or not parts[0].isalpha():
        raise ServiceError(
            "default_language is a language tag such as 'en' or 'pt-BR'.", code="invalid_language"
        )
    return language


def brand_create(
    *, name: str, allowed_origins: list[str] | None = None, default_language: str = "en"
) -> Brand:
    """Runs inside the workspace scope."""
    name = (name or "").strip()
    if not name:
        raise ServiceError("A brand needs a name.", code="invalid_name")
    origins = _normalise_origins(allowed_origins or [])
    language = _clean_language(default_language)
    try:
        with transaction.atomic():
            return Brand.objects.create(
                workspace_id=current_workspace_id(),
                name=name,
                allowed_origins=origins,
                default_language=language,
            )
    except IntegrityError:
        raise Conflict(
            f"A brand named {name!r} already exists in this workspace.", code="brand_exists"
        ) from None


def brand_update(
    *,
    brand: Brand,
    name: str | None = None,
    allowed_origins: list[str] | None = None,
    default_language: str | None = None,
) -> Brand:
    """Runs inside the workspace scope."""
    fields: list[str] = []
    if name is not None:
        if not name.strip():
            raise ServiceError("A brand needs a name.", code="invalid_name")
        brand.name = name.strip()
        fields.append("name")
    if allowed_origins is not None:
        brand.allowed_origins = _normalise_origins(allowed_origins)
        fields.append("allowed_origins")
    if default_language is not None:
        brand.default_language = _clean_language(default_language)
        fields.append("default_language")
    if fields:
        try:
            with transaction.atomic():
                brand.save(update_fields=fields)
        except IntegrityError:
            raise Conflict(
                "A brand with that name already exists in this workspace.", code="brand_exists"
            ) from None
    return brand


def brand_rotate_widget_key(*, brand: Brand) -> Brand:
    """Issue a new public widget key; pages embedding the old one stop working."""
    brand.widget_key = new_widget_key()
    brand.save(update_fields=["widget_key"])
    return brand


def brand_delete(*, brand: Brand) -> None:
    brand.delete()


# ---------------------------------------------------------------- memberships


def _lock_owner_count() -> int:
    """Lock every owner row (in id order, so concurrent callers queue instead of deadlocking)
    and count them: two owners demoting each other at once cannot leave the workspace ownerless.
    Caller holds a transaction."""
    owners = Membership.objects.select_for_update().filter(role=Role.OWNER).order_by("pk")
    return len(list(owners.values_list("pk", flat=True)))


def membership_add(*, actor: Membership, email: str, role: str) -> Membership:
    """Owners add members. A new email gets an account with no usable password (invite flow).

    Runs inside the workspace scope.
    """
    if actor.role != Role.OWNER:
        raise Forbidden("Only owners manage members.", code="insufficient_role")
    if role not in Role.values:
        raise ServiceError(
            f"Unknown role {role!r}: use owner, admin or operator.", code="invalid_role"
        )
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise ServiceError("Give the member's email address.", code="invalid_email")
    with transaction.atomic():
        # An account that signs in with this address counts even if its email changed since:
        # creating another one would collide on the unique username.
        user = (
            User.objects.filter(email__iexact=email).order_by("pk").first()
            or User.objects.filter(username__iexact=email).order_by("pk").first()
        )
        if user is None:
            user = User(username=email, email=email)
            user.set_unusable_password()
            user.save()
        if Membership.objects.filter(user=user).exists():
            raise Conflict(f"{email} is already a member of this workspace.", code="already_member")
        return Membership.objects.create(workspace_id=current_workspace_id(), user=user, role=role)


def membership_change_role(*, actor: Membership, membership: Membership, role: str) -> Membership:
    if actor.role != Role.OWNER:
        raise Forbidden("Only owners manage members.", code="insufficient_role")
    if role not in Role.values:
        raise ServiceError(
            f"Unknown role {role!r}: use owner, admin or operator.", code="invalid_role"
        )
    with transaction.atomic():
        owners = _lock_owner_count()
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == Role.OWNER and role != Role.OWNER and owners <= 1:
            raise Conflict("A workspace keeps at least one owner.", code="last_owner")
        locked.role = role
        locked.save(update_fields=["role"])
    membership.role = role
    return membership


def membership_remove(*, actor: Membership, membership: Membership) -> None:
    if actor.role != Role.OWNER:
        raise Forbidden("Only owners manage members.", code="insufficient_role")
    with transaction.atomic():
        owners = _lock_owner_count()
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == Role.OWNER and owners <= 1:
            raise Conflict("A workspace keeps at least one owner.", code="last_owner")
        locked.delete()
        events.member_removed_on_commit(workspace_id=locked.workspace_id, user_id=locked.user_id)
