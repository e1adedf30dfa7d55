"""Writes for chat. Keyword-only, typed, named <entity>_<action>; every function runs inside the
workspace scope. Realtime events are sent only from here and only after commit (events.py)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from limits import parse as parse_limit

from tenants.errors import Forbidden, ServiceError
from tenants.models import Brand, Membership, Role, role_at_least
from tenants.scope import current_workspace_id
from tenants.selectors import NotFound
from tenants.services import workspace_require_active

from . import events, hooks, selectors, tokens
from .models import (
    MESSAGE_BODY_MAX,
    BrandIdentitySecret,
    Conversation,
    ConversationRead,
    ConversationStatus,
    HandledBy,
    Message,
    Sender,
    Visitor,
)

CLIENT_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class TooLong(ServiceError):
    code = "too_long"


class InvalidIdentity(ServiceError):
    code = "invalid_identity"


# ---------------------------------------------------------------- identity secrets


def brand_identity_secret(*, brand: Brand) -> str:
    """The brand's identity secret in clear, created on first use. Never logged or broadcast."""
    row = BrandIdentitySecret.objects.filter(brand=brand).first()
    if row is None:
        try:
            with transaction.atomic():
                row = BrandIdentitySecret.objects.create(
                    brand=brand,
                    secret_encrypted=tokens.secret_encrypt(tokens.new_identity_secret()),
                )
        except IntegrityError:  # created concurrently
            row = BrandIdentitySecret.objects.get(brand=brand)
    return tokens.secret_decrypt(row.secret_encrypted)


def brand_identity_secret_rotate(*, brand: Brand) -> str:
    secret = tokens.new_identity_secret()
    BrandIdentitySecret.objects.update_or_create(
        brand=brand, defaults={"secret_encrypted": tokens.secret_encrypt(secret)}
    )
    return secret


# ---------------------------------------------------------------- visitor sessions


@dataclass(frozen=True)
class VisitorSession:
    token: str
    visitor: Visitor
    conversation: Conversation | None


def _clip(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


def visitor_session_open(
    *,
    brand: Brand,
    token: str | None = None,
    name: str = "",
    email: str = "",
    page_url: str = "",
    identity: dict[str, str] | None = None,
    user_agent: str = "",
    ip: str | None = None,
) -> VisitorSession:
    """Start or continue a visitor of ``brand`` (the widget's session call).

    A valid token of this brand continues its visitor; a valid identity continues the visitor
    known by that website user id (on any device). A wrong identity HMAC raises InvalidIdentity.
    """
    workspace_require_active(workspace=brand.workspace)
    verified_user_id = ""
    if identity is not None:
        user_id, given = identity.get("user_id", ""), identity.get("hmac", "")
        if not tokens.identity_valid(
            secret=brand_identity_secret(brand=brand), user_id=user_id, given=given
        ):
            raise InvalidIdentity(
                "The identity HMAC does not match: compute HMAC-SHA256 of the user id with the "
                "brand's identity secret on your server.",
                code="invalid_identity",
            )
        verified_user_id = user_id

    with transaction.atomic():
        visitor = None
        claims = tokens.visitor_token_read(token) if token else None
        if claims and claims.brand_id == brand.pk and claims.workspace_id == brand.workspace_id:
            visitor = Visitor.objects.select_for_update().filter(pk=claims.visitor_id).first()
            if (
                visitor
                and verified_user_id
                and visitor.verified_user_id not in ("", verified_user_id)
            ):
                visitor = None  # another website user signed in on this browser
        if verified_user_id:
            known = (
                Visitor.objects.select_for_update()
                .filter(brand=brand, verified_user_id=verified_user_id)
                .first()
            )
            if known is not None:
                visitor = known
        if visitor is None:
            visitor = Visitor(workspace_id=brand.workspace_id, brand=brand)
        if name:
            visitor.name = _clip(name, 120)
        if email:
            visitor.email = _clip(email, 254)
        if verified_user_id:
            visitor.verified_user_id = verified_user_id
        visitor.page_url = _clip(page_url, 2000)
        visitor.user_agent = _clip(user_agent, 512)
        visitor.ip = ip or None
        visitor.last_seen_at = timezone.now()
        try:
            with transaction.atomic():
                visitor.save()
        except IntegrityError:
            # The same website user opened a first session twice at once: the other won.
            if not verified_user_id or visitor.pk is not None:
                raise
            visitor = Visitor.objects.get(brand=brand, verified_user_id=verified_user_id)
        conversation = selectors.conversation_for_visitor(visitor)
    session_token = tokens.visitor_token_issue(
        workspace_id=brand.workspace_id, brand_id=brand.pk, visitor_id=visitor.pk
    )
    return VisitorSession(token=session_token, visitor=visitor, conversation=conversation)


# ---------------------------------------------------------------- messages


def clean_client_id(client_id: object) -> str:
    if not isinstance(client_id, str) or not CLIENT_ID_RE.fullmatch(client_id):
        raise ServiceError(
            "client_id is 1-64 characters of A-Z, a-z, 0-9, '_' and '-'.", code="invalid"
        )
    return client_id


def clean_body(body: object) -> str:
    if not isinstance(body, str):
        raise ServiceError("body is a string of 1 to 5,000 characters.", code="invalid")
    if len(body) > MESSAGE_BODY_MAX:
        raise TooLong(f"A message is at most {MESSAGE_BODY_MAX:,} characters: shorten it.")
    if not body.strip():
        raise ServiceError("An empty message cannot be sent.", code="invalid")
    return body


@dataclass(frozen=True)
class MessageResult:
    message: Message
    duplicate: bool
    conversation: Conversation
    conversation_created: bool = False


def message_create(
    *,
    conversation: Conversation,
    sender: str,
    body: str,
    client_id: str = "",
    sender_user: AbstractBaseUser | None = None,
    is_private: bool = False,
    ai_metadata: dict[str, Any] | None = None,
) -> MessageResult:
    """Store a message with the next seq; a repeated ``client_id`` returns the stored one.

    One transaction: the conversation row is locked, so seq has no gaps and no duplicates and a
    re-sent client_id is seen. Broadcast after commit; private notes only to operators.
    """
    body = clean_body(body)
    if client_id:
        client_id = clean_client_id(client_id)
    if sender not in Sender.values:
        raise ServiceError(f"Unknown sender {sender!r}.", code="invalid")
    if is_private and sender not in (Sender.OPERATOR, Sender.AI_AGENT, Sender.SYSTEM):
        raise ServiceError("Only operators write private notes.", code="invalid")
    with transaction.atomic(savepoint=False):
        conv = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("visitor")
            .get(pk=conversation.pk)
        )
        return _message_create_locked(
            conv,
            sender=sender,
            body=body,
            client_id=client_id,
            sender_user=sender_user,
            is_private=is_private,
            ai_metadata=ai_metadata,
        )


def _message_create_locked(
    conv: Conversation,
    *,
    sender: str,
    body: str,
    client_id: str,
    sender_user: AbstractBaseUser | None = None,
    is_private: bool = False,
    ai_metadata: dict[str, Any] | None = None,
    limits: SendLimits = (),
) -> MessageResult:
    """message_create's body. The caller holds the lock on ``conv`` (loaded with its visitor)
    inside a transaction, and has cleaned ``body`` and ``client_id``. ``limits``: the visitor
    send limit, checked after the client_id (a re-sent message is answered, not refused)."""
    if client_id:
        existing = (
            Message.objects.select_related("sender_user")
            .filter(conversation=conv, client_id=client_id)
            .first()
        )
        if existing is not None:
            return MessageResult(message=existing, duplicate=True, conversation=conv)
    _send_take(conv.visitor_id, limits)
    now = timezone.now()
    conv.last_seq += 1
    message = Message.objects.create(
        workspace_id=conv.workspace_id,
        conversation=conv,
        seq=conv.last_seq,
        sender=sender,
        sender_user=sender_user,
        body=body,
        client_id=client_id,
        is_private=is_private,
        ai_metadata=ai_metadata,
        created_at=now,
    )
    fields = ["last_seq"]
    prev_public_seq = conv.last_public_seq
    if not is_private:
        conv.last_message_at, conv.last_public_seq = now, message.seq
        fields += ["last_message_at", "last_public_seq"]
    if sender in (Sender.OPERATOR, Sender.AI_AGENT) and not is_private:
        if conv.first_response_at is None:
            conv.first_response_at = now
            fields.append("first_response_at")
        handled = HandledBy.HUMAN if sender == Sender.OPERATOR else HandledBy.AI_AGENT
        new_handled = handled if conv.handled_by in (HandledBy.NONE, handled) else HandledBy.BOTH
        if new_handled != conv.handled_by:
            conv.handled_by = new_handled
            fields.append("handled_by")
    status_changed = False
    if sender == Sender.VISITOR and conv.status == ConversationStatus.RESOLVED:
        conv.status, conv.resolved_at = ConversationStatus.OPEN, None
        fields += ["status", "resolved_at"]
        status_changed = True
    conv.save(update_fields=fields)
    events.message_created_on_commit(
        workspace_id=conv.workspace_id,
        conversation_id=conv.pk,
        payload=selectors.message_payload(message, visitor=conv.visitor),
        private=is_private,
        prev_public_seq=prev_public_seq,
    )
    hooks.message_created(
        hooks.MessageCreated(
            workspace_id=conv.workspace_id,
            conversation_id=conv.pk,
            message_id=message.pk,
            seq=message.seq,
            sender=sender,
            is_private=is_private,
        )
    )
    if status_changed:
        events.status_changed_on_commit(
            workspace_id=conv.workspace_id, conversation_id=conv.pk, status=conv.status
        )
    return MessageResult(message=message, duplicate=False, conversation=conv)


#: A visitor's last_seen_at is refreshed by their messages at most this often.
LAST_SEEN_RESOLUTION = timedelta(seconds=60)

#: (messages, seconds) windows of the visitor send limit; () = no limit.
SendLimits = tuple[tuple[int, float], ...]

#: Messages one visitor may send through the widget: a burst limit and an hourly limit
#: (``CHAT_VISITOR_SEND_LIMITS`` overrides, in the `limits` package's notation).
DEFAULT_VISITOR_SEND_LIMITS = ("10/10seconds", "120/hour")


class SendRateLimited(ServiceError):
    """Over the visitor send limit; nothing was stored. ``retry_after``: whole seconds."""

    status = 429
    code = "rate_limited"

    def __init__(self, wait_seconds: float) -> None:
        super().__init__("You are sending messages too quickly: wait a moment and try again.")
        self.retry_after = max(1, math.ceil(wait_seconds))


@lru_cache(maxsize=8)
def _parse_limits(rules: tuple[str, ...]) -> SendLimits:
    limits = tuple((item.amount, float(item.get_expiry())) for item in map(parse_limit, rules))
    if any(count < 1 or seconds <= 0 for count, seconds in limits):
        raise ImproperlyConfigured(
            f"CHAT_VISITOR_SEND_LIMITS: every limit lets one through: {rules}"
        )
    return limits


def visitor_send_limits() -> SendLimits:
    """The limit the widget socket applies. PostgreSQL keeps it on the visitor row and checks it
    in the message's own statement (chat_visitor_send_take(), migration 0005): no extra round
    trip, exact across processes and tabs, and a re-sent or refused message takes no place.
    N per W seconds: N at once, then one every W/N seconds."""
    rules = getattr(settings, "CHAT_VISITOR_SEND_LIMITS", DEFAULT_VISITOR_SEND_LIMITS)
    return _parse_limits(tuple(rules))


def _send_take(visitor_id: int, limits: SendLimits) -> None:
    """The full path's form of the statement's check: takes a place or raises
    ``SendRateLimited`` (the caller's transaction holds the visitor row until it ends)."""
    if not limits:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT chat_visitor_send_take(%s, %s::bigint[], %s::float8[])",
            [visitor_id, *_limit_arrays(limits)],
        )
        (wait,) = cursor.fetchone()
    if wait > 0:
        raise SendRateLimited(wait)


def message_create_from_visitor(
    *,
    visitor: Visitor | None = None,
    visitor_id: int | None = None,
    client_id: str,
    body: str,
    try_fast: bool = True,
    limits: SendLimits = (),
) -> MessageResult:
    """A visitor's message (the visitor given as a row or by id; a missing or foreign id is
    NotFound): starts their conversation when they have none (a resolved one is reopened).
    Refused for a workspace that is not active, and with ``SendRateLimited`` over ``limits``
    (the widget socket passes ``visitor_send_limits()``; other callers are trusted code).

    The common case (the conversation exists) locks only the conversation row, read together
    with its visitor and workspace; a first message locks the visitor row instead, so two tabs
    starting a conversation at once create one. ``try_fast=False``: the caller has just run
    ``message_create_from_visitor_fast`` and it answered None (skip a second statement)."""
    body = clean_body(body)
    client_id = clean_client_id(client_id)
    pk = visitor.pk if visitor is not None else visitor_id
    if pk is not None and try_fast:
        fast = message_create_from_visitor_fast(
            workspace_id=current_workspace_id(),
            visitor_id=pk,
            client_id=client_id,
            body=body,
            limits=limits,
        )
        if fast is not None:
            return fast
    created = False
    with transaction.atomic(savepoint=False):
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("visitor", "workspace")
            .filter(visitor_id=pk)
            .order_by("-created_at", "-id")
            .first()
        )
        if conversation is not None:
            workspace_require_active(workspace=conversation.workspace)
            locked_visitor = conversation.visitor
        else:
            conversation, locked_visitor, created = _conversation_start(pk)
        now = timezone.now()
        if now - locked_visitor.last_seen_at >= LAST_SEEN_RESOLUTION:
            Visitor.objects.filter(pk=locked_visitor.pk).update(last_seen_at=now)
        result = _message_create_locked(
            conversation, sender=Sender.VISITOR, body=body, client_id=client_id, limits=limits
        )
    return MessageResult(
        message=result.message,
        duplicate=result.duplicate,
        conversation=result.conversation,
        conversation_created=created,
    )


def message_create_from_visitor_fast(
    *,
    workspace_id: int,
    visitor_id: int,
    client_id: str,
    body: str,
    limits: SendLimits = (),
) -> MessageResult | None:
    """A visitor's message in one statement (chat_visitor_message(), migrations 0004/0005) when
    the visitor already has a conversation in an active workspace; None: take the full path
    (``message_create_from_visitor`` in the workspace scope). ``limits``: the send limit to
    apply (a widget socket passes ``visitor_send_limits()``); over it, ``SendRateLimited``.

    Needs no scope: the statement binds ``workspace_id`` itself (row-level security admits only
    that workspace's rows, so a foreign visitor id is "no conversation"). Outside a transaction
    it is its own transaction. ``client_id`` and ``body`` are cleaned by the caller. The result's
    conversation is a reference (pk, workspace, visitor), not a loaded row."""
    with connection.cursor() as cursor:
        cursor.execute(
            VISITOR_MESSAGE_SQL,
            visitor_message_params(workspace_id, visitor_id, client_id, body, limits),
        )
        row = cursor.fetchone()
    answer = visitor_message_answered(
        row[0] if row else None,
        workspace_id=workspace_id,
        visitor_id=visitor_id,
        client_id=client_id,
    )
    return answer.result() if answer is not None else None


def _aware(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


VISITOR_MESSAGE_SQL = "SELECT chat_visitor_message(%s, %s, %s, %s, %s, %s::bigint[], %s::float8[])"


def visitor_message_params(
    workspace_id: int, visitor_id: int, client_id: str, body: str, limits: SendLimits
) -> list[Any]:
    return [
        workspace_id,
        visitor_id,
        client_id,
        body,
        LAST_SEEN_RESOLUTION,
        *_limit_arrays(limits),
    ]


@lru_cache(maxsize=16)
def _limit_arrays(limits: SendLimits) -> tuple[str, str]:
    """The limits as the SQL functions take them, counts and window seconds, spelled as array
    literals once per setting (the statements cast them: ``%s::bigint[]``, ``%s::float8[]``);
    psycopg's list adaptation cost ≈ 2 % of a busy Daphne's CPU, for two arrays that never
    change."""
    counts = ",".join(str(int(count)) for count, _seconds in limits)
    windows = ",".join(repr(float(seconds)) for _count, seconds in limits)
    return "{" + counts + "}", "{" + windows + "}"


@dataclass(frozen=True)
class VisitorAnswer:
    """What chat_visitor_message() stored (or found, ``duplicate``): what a socket needs, with no
    model rows built (measured: building three model instances per message was 6 % of a busy
    Daphne's CPU). ``result()`` gives the model-backed ``MessageResult`` other callers use."""

    workspace_id: int
    visitor_id: int
    conversation_id: int
    message_id: int
    seq: int
    body: str
    client_id: str
    created_at: datetime
    duplicate: bool

    def result(self) -> MessageResult:
        message = Message(
            pk=self.message_id,
            workspace_id=self.workspace_id,
            conversation_id=self.conversation_id,
            seq=self.seq,
            sender=Sender.VISITOR,
            body=self.body,
            client_id=self.client_id,
            is_private=False,
            created_at=self.created_at,
        )
        conversation = Conversation(
            pk=self.conversation_id, workspace_id=self.workspace_id, visitor_id=self.visitor_id
        )
        return MessageResult(message=message, duplicate=self.duplicate, conversation=conversation)


def visitor_message_answered(
    answer: Any, *, workspace_id: int, visitor_id: int, client_id: str
) -> VisitorAnswer | None:
    """What chat_visitor_message() answered, with its events and hooks (after commit: the
    statement has committed unless the caller holds a transaction). None: the full path must
    run (no conversation yet, workspace not active). Shared by the sync path above and
    chat/fastpath.py (the same statement on the consumer's event loop)."""
    if isinstance(answer, str):  # Django's psycopg setup hands jsonb over as text
        answer = json.loads(answer)
    if isinstance(answer, dict) and answer.get("outcome") == "rate_limited":
        raise SendRateLimited(answer["retry_after"])
    if not isinstance(answer, dict) or answer["outcome"] not in ("created", "duplicate"):
        return None
    stored = VisitorAnswer(
        workspace_id=workspace_id,
        visitor_id=visitor_id,
        conversation_id=answer["conversation_id"],
        message_id=answer["message_id"],
        seq=answer["seq"],
        body=answer["body"],
        client_id=client_id,
        created_at=_aware(answer["created_at"]),
        duplicate=answer["outcome"] == "duplicate",
    )
    if stored.duplicate:
        return stored
    events.message_created_on_commit(
        workspace_id=workspace_id,
        conversation_id=stored.conversation_id,
        payload=selectors.visitor_message_payload_of(
            conversation_id=stored.conversation_id,
            seq=stored.seq,
            client_id=client_id,
            body=stored.body,
            created_at=stored.created_at,
            visitor_name=answer["visitor_name"] or "",
        ),
        private=False,
        prev_public_seq=answer["prev_public_seq"],
    )
    hooks.message_created(
        hooks.MessageCreated(
            workspace_id=workspace_id,
            conversation_id=stored.conversation_id,
            message_id=stored.message_id,
            seq=stored.seq,
            sender=Sender.VISITOR,
            is_private=False,
        )
    )
    if answer["reopened"]:
        events.status_changed_on_commit(
            workspace_id=workspace_id,
            conversation_id=stored.conversation_id,
            status=ConversationStatus.OPEN,
        )
    return stored


def _conversation_start(visitor_id: int | None) -> tuple[Conversation, Visitor, bool]:
    """Under the visitor's row lock: their newest conversation, or a new one; returned locked."""
    try:
        locked = (
            Visitor.objects.select_for_update(of=("self",))
            .select_related("workspace", "brand")
            .get(pk=visitor_id)
        )
    except Visitor.DoesNotExist:
        raise NotFound from None
    workspace_require_active(workspace=locked.workspace)
    conversation = selectors.conversation_for_visitor(locked)  # another tab may have won
    created = conversation is None
    if conversation is None:
        conversation = Conversation.objects.create(
            workspace_id=locked.workspace_id,
            brand_id=locked.brand_id,
            visitor=locked,
            language=locked.brand.default_language,
        )
        events.conversation_started_on_commit(
            workspace_id=locked.workspace_id,
            visitor_id=locked.pk,
            conversation_id=conversation.pk,
        )
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("visitor")
        .get(pk=conversation.pk)
    )
    return conversation, locked, created


def message_create_from_operator(
    *, conversation: Conversation, user: AbstractBaseUser, client_id: str, body: str, private: bool
) -> MessageResult:
    return message_create(
        conversation=conversation,
        sender=Sender.OPERATOR,
        body=body,
        client_id=clean_client_id(client_id),
        sender_user=user,
        is_private=private,
    )


def conversation_mark_read(*, conversation: Conversation, user_id: int, seq: int) -> int:
    """Move this operator's read mark forward (never back); returns the mark."""
    seq = max(0, min(int(seq), conversation.last_seq))
    with transaction.atomic():
        read, _ = ConversationRead.objects.select_for_update().get_or_create(
            workspace_id=current_workspace_id(),
            conversation=conversation,
            user_id=user_id,
        )
        if seq > read.last_read_seq:
            read.last_read_seq = seq
            read.save(update_fields=["last_read_seq"])
    return read.last_read_seq


# ---------------------------------------------------------------- conversation actions


def _lock(conversation: Conversation) -> Conversation:
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("visitor", "assignee", "brand")
        .get(pk=conversation.pk)
    )


def conversation_assign(
    *, conversation: Conversation, actor: Membership, assignee_user_id: int | None = None
) -> Conversation:
    """Operators take a conversation themselves; admins and owners assign anyone (a member)."""
    target_id = actor.user_id if assignee_user_id is None else assignee_user_id
    if target_id != actor.user_id and not role_at_least(actor.role, Role.ADMIN):
        raise Forbidden(
            "Operators can only assign conversations to themselves.", code="insufficient_role"
        )
    if not Membership.objects.filter(user_id=target_id).exists():
        raise ServiceError("That user is not a member of this workspace.", code="invalid_assignee")
    with transaction.atomic():
        conv = _lock(conversation)
        if conv.assignee_id != target_id:
            conv.assignee_id = target_id
            conv.save(update_fields=["assignee"])
            events.inbox_changed_on_commit(workspace_id=conv.workspace_id, conversation_id=conv.pk)
    return _lock_free_reload(conv)


def conversation_unassign(*, conversation: Conversation, actor: Membership) -> Conversation:
    """Operators unassign themselves; admins and owners unassign anyone."""
    with transaction.atomic():
        conv = _lock(conversation)
        if conv.assignee_id not in (None, actor.user_id) and not role_at_least(
            actor.role, Role.ADMIN
        ):
            raise Forbidden(
                "Only admins can take a conversation from another operator.",
                code="insufficient_role",
            )
        if conv.assignee_id is not None:
            conv.assignee = None
            conv.save(update_fields=["assignee"])
            events.inbox_changed_on_commit(workspace_id=conv.workspace_id, conversation_id=conv.pk)
    return _lock_free_reload(conv)


def _set_status(conversation: Conversation, status: str) -> Conversation:
    with transaction.atomic():
        conv = _lock(conversation)
        if conv.status != status:
            conv.status = status
            conv.resolved_at = timezone.now() if status == ConversationStatus.RESOLVED else None
            conv.save(update_fields=["status", "resolved_at"])
            events.status_changed_on_commit(
                workspace_id=conv.workspace_id, conversation_id=conv.pk, status=status
            )
    return _lock_free_reload(conv)


def conversation_resolve(*, conversation: Conversation, actor: Membership) -> Conversation:
    return _set_status(conversation, ConversationStatus.RESOLVED)


def conversation_reopen(*, conversation: Conversation, actor: Membership) -> Conversation:
    return _set_status(conversation, ConversationStatus.OPEN)


def _lock_free_reload(conversation: Conversation) -> Conversation:
    return selectors.access_conversation(conversation.pk)
