"""What every provider module shares: the endpoint description, the call result, the error
classification, and the one pooled HTTP client.

A provider module turns a ``CompletionRequest`` into one HTTP call through the official SDK
(``max_retries=0``, explicit per-attempt timeout) and maps every failure onto ``ProviderError``
with an ``outcome`` the router and the ledger understand. Keys arrive as arguments, per call;
nothing here keeps one.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx2
from django.conf import settings
from django.utils import timezone

T = TypeVar("T")

#: Outcomes after which the router moves on to the next endpoint at once.
RETRYABLE = frozenset(
    {"timeout", "connection", "http_429", "http_5xx", "stream_broken", "malformed"}
)


@dataclass(frozen=True)
class Endpoint:
    """One provider endpoint as the router sees it (platform-declared or a workspace's own)."""

    ref: str  # "platform:<name>" | "workspace:<name>" | "offline"
    name: str
    kind: str  # openai | azure_openai | anthropic | bedrock | vertex | openai_compatible | offline
    region: str  # uk | eu | us | local
    model: str
    base_url: str = ""
    api: str = "chat"  # openai kinds: chat | responses
    options: dict[str, Any] = field(default_factory=dict)
    #: Platform endpoints: the environment variable holding the key ("" = no key needed).
    key_env: str = ""
    owner: str = "platform"  # platform | workspace
    #: Redis key of this endpoint's circuit breaker (platform endpoints share one across tenants).
    breaker_key: str = ""

    @property
    def timeout_seconds(self) -> float:
        return float(self.options.get("timeout", settings.AI_ATTEMPT_TIMEOUT_SECONDS))


@dataclass
class ProviderResult:
    text: str
    input_tokens: int | None = None
    output_tokens: int | None = None


class ProviderError(Exception):
    """A failed provider call. ``message`` is safe to show an admin: never a key, never a body."""

    def __init__(
        self,
        outcome: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.outcome in RETRYABLE


@dataclass
class SentPayload:
    """What the HTTP layer saw leave: the SHA-256 and size of the exact request body."""

    sha256: str = ""
    size: int = 0


_sent: ContextVar[SentPayload | None] = ContextVar("ai_sent_payload", default=None)


@contextmanager
def capture_payload() -> Iterator[SentPayload]:
    """Record the body of the request sent inside this block (the ledger's payload hash)."""
    holder = SentPayload()
    token = _sent.set(holder)
    try:
        yield holder
    finally:
        _sent.reset(token)


def _on_request(request: httpx2.Request) -> None:
    holder = _sent.get()
    if holder is not None:
        body = request.read()
        holder.sha256 = hashlib.sha256(body).hexdigest()
        holder.size = len(body)


_client_lock = threading.Lock()
_clients: dict[int, httpx2.Client] = {}


def http_client() -> httpx2.Client:
    """One pooled HTTP client per process (no key inside: keys go in per request headers).

    Created lazily per PID, so a forked Celery worker never shares its parent's sockets."""
    pid = os.getpid()
    client = _clients.get(pid)
    if client is None:
        with _client_lock:
            client = _clients.get(pid)
            if client is None:
                client = httpx2.Client(
                    timeout=httpx2.Timeout(settings.AI_ATTEMPT_TIMEOUT_SECONDS),
                    limits=httpx2.Limits(max_connections=50, max_keepalive_connections=20),
                    follow_redirects=False,
                    event_hooks={"request": [_on_request]},
                )
                _clients[pid] = client
    return client


def attempt_timeout(endpoint: Endpoint) -> httpx2.Timeout:
    """Per-attempt: connect fast (a dead host must not hold the chain), read per endpoint."""
    return httpx2.Timeout(
        endpoint.timeout_seconds,
        connect=min(float(settings.AI_CONNECT_TIMEOUT_SECONDS), endpoint.timeout_seconds),
    )


def retry_after_seconds(headers: Any) -> float | None:
    """``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date), capped by settings."""
    if headers is None:
        return None
    cap = float(settings.AI_BREAKER["max_retry_after_seconds"])
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return min(max(float(raw_ms) / 1000, 0.0), cap)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return min(max(float(raw), 0.0), cap)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return min(max((when - timezone.now()).total_seconds(), 0.0), cap)


def classify_status(status: int, body: object, headers: Any) -> ProviderError:
    """Map an HTTP error status to the router's outcome. Never copies the body into the message
    (it may echo the prompt); only the provider's error code, when it has one."""
    code = _error_code(body)
    if status == 429:
        if code in {"insufficient_quota", "billing_hard_limit_reached"}:
            return ProviderError("quota", "The provider account is out of quota.", status=status)
        return ProviderError(
            "http_429",
            "The provider is rate limiting requests (429).",
            status=status,
            retry_after=retry_after_seconds(headers),
        )
    if status in (401, 403):
        return ProviderError(
            "auth", f"The provider refused the key (HTTP {status}).", status=status
        )
    if status == 402:
        return ProviderError("quota", "The provider account needs payment (402).", status=status)
    if status >= 500:
        return ProviderError(
            "http_5xx",
            f"The provider failed (HTTP {status}).",
            status=status,
            retry_after=retry_after_seconds(headers) if status in (503, 529) else None,
        )
    return ProviderError(
        "http_4xx",
        f"The provider rejected the request (HTTP {status}{', ' + code if code else ''}).",
        status=status,
    )


def _error_code(body: object) -> str:
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            for name in ("code", "type"):
                value = error.get(name)
                if isinstance(value, str) and value.isascii() and len(value) <= 60:
                    return value
    return ""


DeltaCallback = Callable[[str], None]


def stream_events(
    stream: Iterable[T], translate: Callable[[BaseException], ProviderError]
) -> Iterator[T]:
    """Iterate a provider stream whose headers already arrived: a lost connection from here on
    is a broken stream (the SDKs surface it as a connection or protocol error)."""
    try:
        yield from stream
    except ProviderError:
        raise
    except Exception as exc:
        error = translate(exc)
        if error.outcome == "connection":
            error = ProviderError("stream_broken", "The provider's stream broke off.")
        raise error from None
