"""message_create and friends: sequence numbers, idempotency, limits, response bookkeeping."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from chat import services, tokens
from chat.models import Conversation, HandledBy, Message
from tenants.errors import ServiceError, WorkspaceUnavailable
from tenants.scope import workspace_scope
from tenants.selectors import NotFound
from tests.tenants.api_helpers import Tenant

from .helpers import message_count, open_session, operator_says, set_status, visitor_says

pytestmark = pytest.mark.django_db


def test_seq_is_monotonic_without_gaps_across_senders(alpha: Tenant) -> None:
    session = open_session(alpha.brand, name="Jane")
    first = visitor_says(session, "Hello", "v-1")
    conversation = first.conversation
    operator_says(conversation, alpha.operator.user, "Hi Jane")
    operator_says(conversation, alpha.operator.user, "note", client_id="n-1", is_private=True)
    visitor_says(session, "Thanks", "v-2")

    with workspace_scope(alpha.workspace.pk):
        rows = list(Message.objects.order_by("seq").values_list("seq", "sender", "is_private"))
        conversation.refresh_from_db()
    assert rows == [
        (1, "visitor", False),
        (2, "operator", False),
        (3, "operator", True),
        (4, "visitor", False),
    ]
    assert conversation.last_seq == 4
    assert all(m.workspace_id == alpha.workspace.pk for m in [first])


def test_same_client_id_twice_stores_one_message_and_answers_duplicate(alpha: Tenant) -> None:
    session = open_session(alpha.brand)
    with workspace_scope(alpha.workspace.pk):
        one = services.message_create_from_visitor(
            visitor=session.visitor, client_id="abc", body="Hi"
        )
        two = services.message_create_from_visitor(
            visitor=session.visitor, client_id="abc", body="Hi (re-sent)"
        )
    assert (one.duplicate, two.duplicate) == (False, True)
    assert two.message.pk == one.message.pk and two.message.body == "Hi"
    assert message_count() == 1


def test_first_operator_reply_sets_first_response_and_handled_by(alpha: Tenant) -> None:
    session = open_session(alpha.brand)
    conversation = visitor_says(session, "Hello", "v-1").conversation
    operator_says(conversation, alpha.operator.user, "private", client_id="n", is_private=True)
    with workspace_scope(alpha.workspace.pk):
        conversation.refresh_from_db()
    assert conversation.first_response_at is None and conversation.handled_by == HandledBy.NONE

    reply = operator_says(conversation, alpha.operator.user, "Hi")
    with workspace_scope(alpha.workspace.pk):
        conversation.refresh_from_db()
        services.message_create(
            conversation=conversation,
            sender="ai_agent",
            body="AI here",
            ai_metadata={"generated": True},
        )
        after_ai = Conversation.objects.get(pk=conversation.pk)
    assert conversation.first_response_at == reply.created_at
    assert conversation.handled_by == HandledBy.HUMAN
    assert after_ai.handled_by == HandledBy.BOTH
    assert after_ai.first_response_at == reply.created_at


@pytest.mark.parametrize(
    ("body", "code"),
    [("x" * 5001, "too_long"), ("", "invalid"), ("   ", "invalid"), (None, "invalid")],
)
def test_bad_bodies_store_nothing(alpha: Tenant, body: object, code: str) -> None:
    session = open_session(alpha.brand)
    with workspace_scope(alpha.workspace.pk), pytest.raises(ServiceError) as caught:
        services.message_create_from_visitor(visitor=session.visitor, client_id="c", body=body)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert message_count() == 0
    with workspace_scope(alpha.workspace.pk):
        assert not Conversation.objects.exists()


def test_exactly_5000_characters_is_accepted(alpha: Tenant) -> None:
    session = open_session(alpha.brand)
    assert len(visitor_says(session, "x" * 5000, "c").body) == 5000


def test_database_refuses_a_body_over_5000_and_a_repeated_seq(alpha: Tenant) -> None:
    conversation = visitor_says(open_session(alpha.brand), "Hi", "c").conversation
    with workspace_scope(alpha.workspace.pk):
        for fields in ({"seq": 2, "body": "x" * 5001}, {"seq": 1, "body": "again"}):
            with pytest.raises(IntegrityError), transaction.atomic():
                Message.objects.create(conversation=conversation, sender="system", **fields)


@pytest.mark.parametrize("client_id", ["", "has space", "x" * 65, "é", 7])
def test_bad_client_ids_are_refused(alpha: Tenant, client_id: object) -> None:
    session = open_session(alpha.brand)
    with workspace_scope(alpha.workspace.pk), pytest.raises(ServiceError):
        services.message_create_from_visitor(visitor=session.visitor, client_id=client_id, body="x")  # type: ignore[arg-type]
    assert message_count() == 0


def test_visitor_message_reopens_a_resolved_conversation(alpha: Tenant) -> None:
    session = open_session(alpha.brand)
    conversation = visitor_says(session, "Hi", "c1").conversation
    with workspace_scope(alpha.workspace.pk):
        services.conversation_resolve(conversation=conversation, actor=alpha.operator)
    again = visitor_says(session, "One more thing", "c2")
    with workspace_scope(alpha.workspace.pk):
        conversation.refresh_from_db()
    assert again.conversation_id == conversation.pk
    assert (conversation.status, conversation.resolved_at) == ("open", None)


def test_suspended_workspace_refuses_visitor_messages(alpha: Tenant) -> None:
    session = open_session(alpha.brand)
    set_status(alpha.workspace, "suspended")
    with workspace_scope(alpha.workspace.pk), pytest.raises(WorkspaceUnavailable):
        services.message_create_from_visitor(visitor=session.visitor, client_id="c", body="Hi")
    assert message_count() == 0


def test_token_round_trip_and_tampering() -> None:
    token = tokens.visitor_token_issue(workspace_id=1, brand_id=2, visitor_id=3)
    assert tokens.visitor_token_read(token) == tokens.VisitorClaims(1, 2, 3)
    assert tokens.visitor_token_read(token[:-2] + "xx") is None
    assert tokens.visitor_token_read("") is None
    assert tokens.visitor_token_read(None) is None


def test_identity_secret_is_encrypted_at_rest_and_stable(alpha: Tenant) -> None:
    from chat.models import BrandIdentitySecret

    with workspace_scope(alpha.workspace.pk):
        secret = services.brand_identity_secret(brand=alpha.brand)
        assert services.brand_identity_secret(brand=alpha.brand) == secret
        stored = BrandIdentitySecret.objects.get(brand=alpha.brand).secret_encrypted
    assert secret not in stored and secret.startswith("ids_")


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_get_distinct_gapless_seqs(alpha: Tenant) -> None:
    """Two connections writing at once: the row lock serialises seq (no gaps, no duplicates)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    session = open_session(alpha.brand)
    conversation = visitor_says(session, "start", "c-0").conversation

    def burst(who: str) -> None:
        try:
            for n in range(8):
                if who == "visitor":
                    visitor_says(session, f"v{n}", f"v-{n}")
                else:
                    operator_says(conversation, alpha.operator.user, f"o{n}", client_id=f"o-{n}")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(burst, ["visitor", "operator"]))

    with workspace_scope(alpha.workspace.pk):
        seqs = list(Message.objects.order_by("seq").values_list("seq", flat=True))
        conversation.refresh_from_db()
    assert seqs == list(range(1, 18))
    assert conversation.last_seq == 17


def test_one_statement_path_stores_what_the_full_path_stores(alpha: Tenant) -> None:
    """Every visitor message after the first goes through chat_visitor_message() (migration
    0004): the stored rows must be what message_create would have written."""
    session = open_session(alpha.brand, name="Jane")
    first = visitor_says(session, "Hi", "c1")  # starts the conversation: the full path
    operator_says(first.conversation, alpha.operator.user, "note", is_private=True)
    with workspace_scope(alpha.workspace.pk):
        second = services.message_create_from_visitor(
            visitor_id=session.visitor.pk, client_id="c2", body="Still there?"
        )
        again = services.message_create_from_visitor(
            visitor_id=session.visitor.pk, client_id="c2", body="Still there?"
        )
        stored = Message.objects.get(pk=second.message.pk)
        conversation = Conversation.objects.get(pk=first.conversation.pk)
    assert (second.duplicate, again.duplicate) == (False, True)
    assert again.message.pk == second.message.pk and again.message.seq == 3
    assert (stored.seq, stored.sender, stored.is_private, stored.client_id, stored.body) == (
        3,
        "visitor",
        False,
        "c2",
        "Still there?",
    )
    assert stored.sender_user_id is None and stored.ai_metadata is None
    assert stored.created_at == second.message.created_at
    assert (conversation.last_seq, conversation.last_public_seq) == (3, 3)
    assert conversation.last_message_at == stored.created_at
    assert message_count() == 3


def test_one_statement_path_refuses_suspended_and_foreign_visitors(
    alpha: Tenant, beta: Tenant
) -> None:
    session = open_session(alpha.brand)
    visitor_says(session, "Hi", "c1")
    with workspace_scope(beta.workspace.pk), pytest.raises(NotFound):
        services.message_create_from_visitor(visitor_id=session.visitor.pk, client_id="x", body="y")
    set_status(alpha.workspace, "suspended")
    with workspace_scope(alpha.workspace.pk), pytest.raises(WorkspaceUnavailable):
        services.message_create_from_visitor(
            visitor_id=session.visitor.pk, client_id="c2", body="z"
        )
    assert message_count() == 1


# ---------------------------------------------------------------- the visitor send limit

LIMITS = ((3, 10.0), (5, 3600.0))


def _send(session: object, client_id: str, *, try_fast: bool = True) -> services.MessageResult:
    visitor = session.visitor  # type: ignore[attr-defined]
    with workspace_scope(visitor.workspace_id):
        return services.message_create_from_visitor(
            visitor_id=visitor.pk,
            client_id=client_id,
            body=client_id,
            try_fast=try_fast,
            limits=LIMITS,
        )


def _shift_send_state(session: object, seconds: int) -> None:
    """As if ``seconds`` had passed for the visitor's send limit."""
    from django.db import connection

    with workspace_scope(session.visitor.workspace_id), connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "UPDATE chat_visitor SET send_tat = "
            "ARRAY(SELECT t - make_interval(secs => %s) FROM unnest(send_tat) t) WHERE id = %s",
            [seconds, session.visitor.pk],  # type: ignore[attr-defined]
        )


@pytest.mark.parametrize("try_fast", [True, False], ids=["one-statement", "full-path"])
def test_the_send_limit_refuses_the_message_over_it_and_stores_nothing(
    alpha: Tenant, try_fast: bool
) -> None:
    session = open_session(alpha.brand)
    visitor_says(session, "first", "c0")  # unlimited (trusted code): takes no place
    for n in range(1, 4):
        assert not _send(session, f"c{n}", try_fast=try_fast).duplicate
    with pytest.raises(services.SendRateLimited) as refused:
        _send(session, "c4", try_fast=try_fast)
    assert refused.value.code == "rate_limited"
    # 3 per 10 s: the burst is spent, the next place comes 10/3 s after the first (4 s rounded
    # up; 3 s if a loaded machine took more than 1/3 s for the three sends).
    assert refused.value.retry_after in (3, 4)
    # A re-sent message is answered as before, never refused; the refused one was not stored.
    again = _send(session, "c1", try_fast=try_fast)
    assert (again.duplicate, again.message.seq) == (True, 2)
    assert message_count() == 4
    _shift_send_state(session, 4)
    assert _send(session, "c4", try_fast=try_fast).message.seq == 5


def test_the_send_limit_holds_in_every_window_and_per_visitor(alpha: Tenant) -> None:
    session = open_session(alpha.brand)
    visitor_says(session, "first", "c0")
    other = open_session(alpha.brand)
    visitor_says(other, "first", "x0")
    for n in range(1, 4):
        _send(session, f"c{n}")
    _send(other, "x1")  # another visitor's place is their own
    _shift_send_state(session, 60)  # the burst window is free again; the hour is not
    _send(session, "c4")
    _send(session, "c5")  # 5 in the hour
    with pytest.raises(services.SendRateLimited) as refused:
        _send(session, "c6")
    # 5 per hour: one place every 720 s; the sixth would come 3 x 720 - 60 s after the first.
    assert 655 <= refused.value.retry_after <= 661


def test_limits_in_settings_notation_are_read_once(settings: object) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.CHAT_VISITOR_SEND_LIMITS = ("10/10seconds", "120/hour")  # type: ignore[attr-defined]
    assert services.visitor_send_limits() == ((10, 10.0), (120, 3600.0))
    settings.CHAT_VISITOR_SEND_LIMITS = ("2/minute",)  # type: ignore[attr-defined]
    assert services.visitor_send_limits() == ((2, 60.0),)
    settings.CHAT_VISITOR_SEND_LIMITS = ("0/minute",)  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured):
        services.visitor_send_limits()


@pytest.mark.parametrize("name", ["Jane", ""])
def test_the_one_statement_paths_payload_is_the_model_payload(alpha: Tenant, name: str) -> None:
    """chat.selectors.visitor_message_payload_of (no model rows) must stay what message_payload
    makes of the stored row."""
    from chat import selectors

    session = open_session(alpha.brand, name=name)
    visitor_says(session, "Hi", "c1")
    with workspace_scope(alpha.workspace.pk):
        result = services.message_create_from_visitor(
            visitor_id=session.visitor.pk, client_id="c2", body="Still there?"
        )
        stored = Message.objects.select_related("conversation__visitor").get(pk=result.message.pk)
    from_model = selectors.message_payload(stored, visitor=stored.conversation.visitor)
    assert from_model == selectors.visitor_message_payload_of(
        conversation_id=stored.conversation_id,
        seq=stored.seq,
        client_id=stored.client_id,
        body=stored.body,
        created_at=stored.created_at,
        visitor_name=name,
    )
