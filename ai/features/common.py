"""What the features share: calling the router for an artifact and recording the outcome."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from ai import pipeline, selectors
from ai.models import AIArtifact
from ai.models.artifacts import ArtifactStatus
from ai.router import AIUnavailable, Completion, CompletionRequest, complete
from chat.models import Message
from tenants.models import Workspace

logger = logging.getLogger("ai.features")


class Clock:
    """Pipeline timings in ms, for the artifact (and the benchmark): the duration of each step,
    and ``provider_at``, the wall-clock time (epoch ms) at which the provider's answer was
    complete (its last token), to compare with the operator socket's arrival time."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.last = self.started
        self.marks: dict[str, float] = {}

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.marks[name] = (now - self.last) * 1000
        self.last = now
        if name == "provider":
            self.marks["provider_at"] = time.time() * 1000

    def total(self) -> dict[str, float]:
        return {**self.marks, "total": (time.perf_counter() - self.started) * 1000}


#: Saved replies offered to the model as candidates (agent and suggestions).
MAX_CANDIDATES = 50


def saved_reply_candidates(saved_replies: list[str] | None) -> list[str]:
    """The candidates: those the task read already (``message_context``), else a read."""
    if saved_replies is not None:
        return saved_replies[:MAX_CANDIDATES]
    return list(selectors.saved_replies().values_list("body", flat=True)[:MAX_CANDIDATES])


def known_workspace(message: Message) -> Workspace | None:
    """The message's workspace row when this task has it already (``message_pipeline_run``)."""
    return message.workspace if Message.workspace.is_cached(message) else None


def call_router(
    artifact: AIArtifact,
    request: CompletionRequest,
    *,
    on_delta: Callable[[str], None] | None = None,
    workspace: Workspace | None = None,
) -> Completion | None:
    """The completion, or None after recording why there is none (status ``unavailable``).
    ``workspace``: the request's workspace row, already read by this task."""
    try:
        completion = complete(request, on_delta=on_delta, workspace=workspace)
    except AIUnavailable as exc:
        artifact.fallback_chain = [
            {
                "endpoint": a.endpoint,
                "region": a.region,
                "outcome": a.outcome,
                "latency_ms": round(a.latency_ms, 2),
            }
            for a in exc.attempts
        ]
        pipeline.artifact_finish(artifact, status=ArtifactStatus.UNAVAILABLE, error=exc.reason)
        return None
    pipeline.record_completion(artifact, completion)
    return completion


def finish_blocked(artifact: AIArtifact, clock: Clock) -> None:
    """Redaction failed: nothing went to any provider; operators see why."""
    pipeline.artifact_finish(
        artifact,
        status=ArtifactStatus.BLOCKED,
        error=pipeline.BLOCKED_MESSAGE,
        timings=clock.total(),
    )


def push(artifact: AIArtifact) -> None:
    """The artifact's frame to the conversation's operators, once the transaction commits."""
    pipeline.push_on_commit(artifact, selectors.artifact_frame(artifact))


_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def json_object(text: str) -> dict[str, Any] | None:
    """The JSON object in a model's answer (tolerates code fences and chatter around it)."""
    match = _JSON_OBJECT.search(text)
    if not match:
        return None
    try:
        value = json.loads(match.group(0))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
