"""The AI pipeline between a committed chat message and what operators (and, for the AI agent,
visitors) see:

    transcript loaded in the workspace scope -> redaction (mandatory, fail-closed) with the
    conversation's participants as known names -> prompt (ai.prompts) -> router -> placeholders
    re-hydrated for the viewer -> artifact stored -> frames pushed after commit

Exactly once. Every run belongs to one ``AIArtifact`` whose idempotency key (feature x trigger)
is unique in the database. A task runs in ONE transaction (``workspace_task`` binds the scope
inside ``transaction.atomic``): the artifact row is inserted first, so a concurrent duplicate
blocks on the unique index until the first run commits, then finds it finished and returns; a
run whose worker is killed is rolled back by PostgreSQL (its connection dies), so the
redelivered task starts clean. What reaches people — the stored result, the AI agent's chat
message, the final frames (sent on commit) — exists only if that transaction committed, so it
is never sent twice. Streamed deltas are ephemeral previews keyed by the trigger message: a
redelivered run streams again over the same preview.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from ai import selectors
from ai.models import AIArtifact
from ai.prompts import Line
from ai.router.types import Completion
from chat import events
from chat.models import Conversation, Message, Sender
from redaction import selectors as redaction_selectors
from redaction.engine import get_analyzer, redact_for_provider
from redaction.pseudonymize import PLACEHOLDER, rehydrate
from redaction.types import RedactionContext
from redaction.vault import ConversationVault, Source
from tenants.scope import current_workspace_id

logger = logging.getLogger(__name__)

#: Messages of context sent with suggestions and agent calls (the newest ones).
CONTEXT_MESSAGES = 30
#: Messages a summary may cover (the newest ones).
SUMMARY_MESSAGES = 200
#: Streamed previews are pushed at most this often (the final result always goes).
DELTA_INTERVAL_S = 0.05


# ---------------------------------------------------------------- transcript


@dataclass
class Transcript:
    conversation: Conversation
    messages: list[Message]
    #: Names, emails and logins of the people in the conversation: always redacted.
    known: list[str]
    #: ``messages`` holds every message up to ``upto_seq`` (fewer than ``limit`` were found).
    complete: bool = False
    include_private: bool = True
    limit: int = CONTEXT_MESSAGES

    def public(self) -> Transcript | None:
        """The same transcript without private notes (what the visitor-facing agent may read),
        when this one can answer for it (no note was left out, or every message is here);
        None: read it again with ``include_private=False``."""
        if not self.include_private:
            return self
        public = [m for m in self.messages if not m.is_private]
        if len(public) != len(self.messages) and not self.complete:
            return None
        known = [v for v in _conversation_known(self.conversation) if v]
        for message in public:
            known += _person_values(message.sender_user)
        return Transcript(
            conversation=self.conversation,
            messages=public,
            known=sorted(set(known)),
            complete=self.complete,
            include_private=False,
            limit=self.limit,
        )


def _person_values(user: Any) -> list[str]:
    if user is None:
        return []
    values = [user.get_full_name(), user.first_name, user.last_name, user.email]
    values.append(user.get_username())
    return [v for v in values if isinstance(v, str) and len(v.strip()) >= 2]


#: What the pipeline reads of a message's conversation, in the same query (``load_transcript``).
CONVERSATION_RELATED = (
    "conversation",
    "conversation__brand",
    "conversation__visitor",
    "conversation__assignee",
)


def _conversation_known(conversation: Conversation) -> list[str]:
    visitor = conversation.visitor
    known = [v for v in (visitor.name, visitor.email, visitor.verified_user_id) if v]
    return known + _person_values(conversation.assignee)


def load_transcript(
    conversation_id: int,
    *,
    upto_seq: int | None = None,
    include_private: bool,
    limit: int = CONTEXT_MESSAGES,
    conversation: Conversation | None = None,
) -> Transcript:
    """Runs inside the workspace scope. Newest ``limit`` messages up to ``upto_seq``, oldest
    first; private notes only when ``include_private`` (never for the visitor-facing agent).
    ``conversation``: already read in this transaction with ``CONVERSATION_RELATED``."""
    if conversation is None or conversation.pk != conversation_id:
        conversation = Conversation.objects.select_related("visitor", "brand", "assignee").get(
            pk=conversation_id
        )
    messages = selectors.transcript_messages(
        conversation, upto_seq=upto_seq, include_private=include_private, limit=limit
    )
    known = _conversation_known(conversation)
    for message in messages:
        known += _person_values(message.sender_user)
    return Transcript(
        conversation=conversation,
        messages=messages,
        known=sorted(set(known)),
        complete=len(messages) < limit,
        include_private=include_private,
        limit=limit,
    )


def line_role(message: Message) -> str:
    if message.is_private:
        return "note"
    return {
        Sender.VISITOR: "visitor",
        Sender.OPERATOR: "operator",
        Sender.AI_AGENT: "ai agent",
    }.get(message.sender, "system")  # type: ignore[call-overload]


def _source(message: Message) -> Source:
    return "visitor" if message.sender == Sender.VISITOR else "operator"


# ---------------------------------------------------------------- redaction


@dataclass
class Redacted:
    """The redacted texts, in the order given, and what the vault now knows."""

    texts: list[str]
    counts: dict[str, int]
    vault: ConversationVault
    #: placeholder -> (value, source) for everything this conversation's vault holds.
    entries: dict[str, tuple[str, str]] = field(default_factory=dict)

    def operator_mapping(self) -> dict[str, str]:
        return {p: value for p, (value, _source) in self.entries.items()}

    def visitor_mapping(self) -> dict[str, str]:
        """What a visitor may see re-hydrated: their own values and the workspace's own text
        (saved replies, agent instructions); never an operator's or someone else's."""
        return {p: v for p, (v, source) in self.entries.items() if source in ("visitor", "system")}


def _type_of(placeholder: str) -> str:
    match = PLACEHOLDER.fullmatch(placeholder)
    return match.group(1) if match else ""


def redact_texts(
    conversation_id: int, items: Sequence[tuple[str, Source]], *, known: Sequence[str]
) -> Redacted:
    """Redact everything that will leave for a provider in ONE pass (placeholders consistent
    across the transcript, instructions and saved replies), continuing the conversation's vault.

    Fail-closed: ``RedactionFailed`` (raised by the engine on an error, a time-budget overrun or
    a known value that survived) propagates and the caller sends nothing. Runs inside the
    workspace scope (the vault is keyed by the bound workspace)."""
    get_analyzer()  # built once per process, outside the redaction time budget
    vault = ConversationVault(conversation_id)
    stored = vault.load()
    pseudonymizer = vault.pseudonymizer()
    context = RedactionContext(
        known=tuple(known), policy=redaction_selectors.policy_for_workspace()
    )
    results = redact_for_provider(
        [text for text, _ in items], context=context, pseudonymizer=pseudonymizer
    )
    counts: Counter[str] = Counter()
    new_sources: dict[str, Source] = {}
    for (_text, source), result in zip(items, results, strict=True):
        for entity in result.entities:
            counts[entity.type] += 1
        for placeholder in _placeholders(result.text):
            if placeholder in stored or placeholder not in result.mapping:
                continue
            # A value the visitor wrote anywhere is theirs to see again.
            if new_sources.get(placeholder) != "visitor":
                new_sources[placeholder] = source
    mapping = dict(pseudonymizer.mapping)
    for source in ("visitor", "operator", "system"):
        chunk = {p: mapping[p] for p, s in new_sources.items() if s == source}
        if chunk:
            vault.save(chunk, types={p: _type_of(p) for p in chunk}, source=source)  # type: ignore[arg-type]
    entries: dict[str, tuple[str, str]] = {p: (e.value, e.source) for p, e in stored.items()}
    for placeholder, source in new_sources.items():
        entries.setdefault(placeholder, (mapping[placeholder], source))
    return Redacted(
        texts=[r.text for r in results], counts=dict(counts), vault=vault, entries=entries
    )


def _placeholders(text: str) -> list[str]:
    return [m.group(0) for m in PLACEHOLDER.finditer(text)]


def redacted_lines(transcript: Transcript, redacted_texts: Sequence[str]) -> list[Line]:
    return [
        Line(role=line_role(message), text=text)
        for message, text in zip(transcript.messages, redacted_texts, strict=False)
    ]


def transcript_items(transcript: Transcript) -> list[tuple[str, Source]]:
    return [(m.body, _source(m)) for m in transcript.messages]


# ---------------------------------------------------------------- re-hydration


_UNSAFE_TAIL = re.compile(r"[<\[{][^>\]}]{0,40}$|[A-Z][A-Z_]*_?\d*$")


def safe_prefix(text: str) -> str:
    """The part of a growing stream that cannot end inside a placeholder ("<PERS" is held back
    until the "ON_1>" arrives): deltas split placeholders, so re-hydrate on a buffer."""
    match = _UNSAFE_TAIL.search(text)
    return text[: match.start()] if match else text


def rehydrate_for(text: str, mapping: dict[str, str]) -> str:
    """Exact known placeholders become their values; anything invented or mangled reads
    "[redacted]" (redaction.pseudonymize.rehydrate)."""
    return rehydrate(text, mapping)


def decode_string_list(raw: str) -> list[str]:
    """Strings of a (possibly still streaming) JSON array: complete ones and the partial last
    one. Falls back to the whole text as one item when it is not a JSON array."""
    start = raw.find("[")
    if start == -1 or raw[:start].strip():
        text = raw.strip()
        return [text] if text else []
    items: list[str] = []
    i, n = start + 1, len(raw)
    while i < n:
        ch = raw[i]
        if ch == '"':
            j, buf, escaped = i + 1, [], False
            while j < n:
                c = raw[j]
                if escaped:
                    buf.append("\\" + c)
                    escaped = False
                elif c == "\\":
                    escaped = True
                elif c == '"':
                    break
                else:
                    buf.append(c)
                j += 1
            body = "".join(buf)
            try:
                items.append(json.loads(f'"{body}"'))
            except ValueError:
                items.append(body.replace("\\n", "\n").replace('\\"', '"'))
            i = j + 1
        elif ch == "]":
            break
        else:
            i += 1
    return items


class DeltaPusher:
    """Turns router deltas into throttled preview frames for the operators of a conversation."""

    def __init__(
        self,
        *,
        workspace_id: int,
        conversation_id: int,
        render: Callable[[str], dict[str, Any]],
        interval_s: float = DELTA_INTERVAL_S,
    ) -> None:
        self.workspace_id = workspace_id
        self.conversation_id = conversation_id
        self.render = render
        self.interval_s = interval_s
        self.raw = ""
        self.last_push = 0.0
        self.pushed = 0

    def __call__(self, delta: str) -> None:
        self.raw += delta
        now = time.monotonic()
        if now - self.last_push < self.interval_s:
            return
        self.last_push = now
        frame = self.render(safe_prefix(self.raw))
        events.ai_frame_send_now(
            workspace_id=self.workspace_id, conversation_id=self.conversation_id, frame=frame
        )
        self.pushed += 1


# ---------------------------------------------------------------- inbox rows


_inbox_marks: ContextVar[set[tuple[int, int]] | None] = ContextVar("ai_inbox_marks", default=None)


def inbox_changed(*, workspace_id: int, conversation_id: int) -> None:
    """A conversation's inbox row changed (e.g. its language): marked for after commit, at the
    end of the enclosing ``inbox_marks_last`` block when there is one."""
    marks = _inbox_marks.get()
    if marks is None:
        events.inbox_changed_on_commit(workspace_id=workspace_id, conversation_id=conversation_id)
    else:
        marks.add((workspace_id, conversation_id))


@contextmanager
def inbox_marks_last() -> Iterator[None]:
    """Runs inside the task's transaction. Inbox rows marked changed inside the block are marked
    at its end, so on commit the AI frames registered meanwhile go out first and the inbox update
    (a read of the rows, then a send) after them: an operator waits for the drafts, not for the
    list row's language. A mark made in a step that rolled back to its savepoint only re-reads
    the rows as committed. Nothing is marked when the block raises (the transaction is lost)."""
    marks: set[tuple[int, int]] = set()
    token = _inbox_marks.set(marks)
    try:
        yield
    finally:
        _inbox_marks.reset(token)
    for workspace_id, conversation_id in sorted(marks):
        events.inbox_changed_on_commit(workspace_id=workspace_id, conversation_id=conversation_id)


# ---------------------------------------------------------------- artifacts


class AlreadyDone(Exception):
    """The artifact for this idempotency key exists and is finished: nothing to do."""


def insert_unless_exists(obj: models.Model, *, conflict_fields: Sequence[str]) -> bool:
    """INSERT ``obj`` unless a row with the same ``conflict_fields`` (a unique constraint)
    exists: ``INSERT … ON CONFLICT (…) DO NOTHING RETURNING id``, one statement that cannot fail
    on the conflict, so it needs no savepoint (a plain INSERT's IntegrityError needs one, two more
    round trips). A conflicting insert still in flight in another transaction is waited for, as
    with a plain INSERT. True (``obj`` saved, its pk set) when this call inserted the row."""
    meta = obj._meta
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [
        f for f in meta.local_concrete_fields if not (f.primary_key and f.get_default() is None)
    ]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    qn = connection.ops.quote_name
    by_name = {f.name: f for f in meta.local_concrete_fields}
    conflict = ", ".join(qn(str(by_name[name].column)) for name in conflict_fields)
    columns = ", ".join(qn(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Identifiers from the model's metadata, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {qn(str(meta.pk.column))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True


def artifact_begin(
    *,
    conversation_id: int,
    kind: str,
    key: str,
    message: Message | None = None,
    language: str = "",
    source_text: str = "",
    requested_by_id: int | None = None,
) -> AIArtifact:
    """The artifact this run fills. Runs inside the task's transaction and scope.

    Inserting takes the unique idempotency key: a concurrent run with the same key waits here
    until this transaction ends. A finished artifact raises AlreadyDone; one left pending by a
    request (an on-demand summary, a reply translation) is taken over and locked. ``message``
    (the trigger) is also kept on the artifact object: its frame needs the seq, not a query."""
    artifact = AIArtifact(
        workspace_id=current_workspace_id(),
        conversation_id=conversation_id,
        kind=kind,
        idempotency_key=key,
        message=message,
        language=language,
        source_text=source_text,
        requested_by_id=requested_by_id,
        attempts=1,
    )
    if insert_unless_exists(artifact, conflict_fields=("workspace", "idempotency_key")):
        return artifact
    artifact = AIArtifact.objects.select_for_update().get(idempotency_key=key)
    if artifact.is_terminal:
        raise AlreadyDone(key)
    artifact.attempts += 1
    if message is not None and artifact.message_id == message.pk:
        artifact.message = message
    return artifact


def record_completion(artifact: AIArtifact, completion: Completion) -> None:
    artifact.provider = completion.provider
    artifact.endpoint = completion.endpoint
    artifact.model = completion.model
    artifact.region = completion.region
    artifact.key_source = completion.key_source
    artifact.offline = completion.offline
    artifact.latency_ms = round(completion.latency_ms, 2)
    artifact.input_tokens = completion.input_tokens
    artifact.output_tokens = completion.output_tokens
    artifact.fallback_chain = [
        {
            "endpoint": a.endpoint,
            "region": a.region,
            "outcome": a.outcome,
            "latency_ms": round(a.latency_ms, 2),
        }
        for a in completion.fallback_chain
    ]


def artifact_finish(
    artifact: AIArtifact,
    *,
    status: str,
    content: dict[str, Any] | None = None,
    error: str = "",
    timings: dict[str, float] | None = None,
) -> None:
    artifact.status = status
    if content is not None:
        artifact.content = content
    artifact.error = error[:300]
    if timings:
        artifact.timings = {k: round(v, 2) for k, v in timings.items()}
    artifact.completed_at = timezone.now()
    artifact.save()


def provenance(artifact: AIArtifact) -> dict[str, Any]:
    """Where an artifact came from, as operators see it (never a key, never a prompt)."""
    return {
        "provider": artifact.provider,
        "model": artifact.model,
        "region": artifact.region,
        "key_source": artifact.key_source,
        "offline": artifact.offline,
        "latency_ms": artifact.latency_ms,
        "input_tokens": artifact.input_tokens,
        "output_tokens": artifact.output_tokens,
        "fallback_chain": artifact.fallback_chain,
    }


def push_on_commit(artifact: AIArtifact, frame: dict[str, Any]) -> None:
    events.ai_frame_on_commit(
        workspace_id=artifact.workspace_id,
        conversation_id=artifact.conversation_id,
        frame={"artifact_id": artifact.pk, "status": artifact.status, **frame},
    )


UNAVAILABLE_MESSAGE = "AI is unavailable for this workspace right now"
BLOCKED_MESSAGE = "Redaction failed, so nothing was sent to an AI provider"
