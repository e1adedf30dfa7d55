"""``complete``: walk the workspace's candidate endpoints, call them, fall back, keep the
breakers and the ledger. The one module every LLM call goes through."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

from django.conf import settings
from django.db import transaction

from ai import providers
from ai.ledger import ledger_record
from ai.providers import offline
from ai.providers.base import Endpoint, ProviderError, ProviderResult, capture_payload
from tenants.ai_settings import endpoint_address_allowed
from tenants.keys import provider_key_reject
from tenants.models import Workspace
from tenants.scope import current_workspace_id

from .breaker import Breaker
from .candidates import Candidate, Plan, plan_for
from .endpoints import OFFLINE, platform_endpoints, workspace_endpoint
from .types import AIUnavailable, Attempt, ChatMessage, Completion, CompletionRequest

logger = logging.getLogger(__name__)

DeltaCallback = Callable[[str], None]


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def complete(
    request: CompletionRequest,
    *,
    on_delta: DeltaCallback | None = None,
    workspace: Workspace | None = None,
) -> Completion:
    """Runs inside ``workspace_scope(request.workspace_id)`` (a Celery worker's task scope).
    ``workspace``: the request's workspace row when the caller read it in this task already
    (it is not read again); any other row is ignored.

    Returns the first answer of an allowed endpoint in region-preference order, or the offline
    provider's when allowed; raises ``AIUnavailable`` with a reason an admin can act on."""
    if current_workspace_id() != request.workspace_id:
        raise ValueError("complete() must run inside the request's own workspace scope")
    if workspace is None or workspace.pk != request.workspace_id:
        workspace = Workspace.objects.get(pk=request.workspace_id)
    if not workspace.is_active:
        raise AIUnavailable(f"AI features are unavailable: this workspace is {workspace.status}.")
    plan = plan_for(workspace, allow_offline=request.allow_offline)
    attempts: list[Attempt] = []
    refused_keys: set[int] = set()
    deadline = time.monotonic() + float(settings.AI_REQUEST_BUDGET_SECONDS)
    for candidate in plan.candidates:
        if candidate.provider_key_id in refused_keys:
            continue  # refused a moment ago on another endpoint: not sent again
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            attempts.append(Attempt(candidate.endpoint.ref, candidate.endpoint.region, "budget", 0))
            break
        if remaining < candidate.endpoint.timeout_seconds:
            candidate = replace(
                candidate,
                endpoint=replace(
                    candidate.endpoint,
                    options={**candidate.endpoint.options, "timeout": remaining},
                ),
            )
        completion = _attempt(request, candidate, attempts, on_delta)
        if completion is not None:
            return completion
        if attempts[-1].outcome == "auth" and candidate.provider_key_id is not None:
            refused_keys.add(candidate.provider_key_id)
    if plan.offline_allowed:
        return _offline(request, attempts, on_delta)
    raise AIUnavailable(_reason(plan, attempts), attempts=tuple(attempts))


def _attempt(
    request: CompletionRequest,
    candidate: Candidate,
    attempts: list[Attempt],
    on_delta: DeltaCallback | None,
) -> Completion | None:
    endpoint = candidate.endpoint
    started = time.perf_counter()
    breaker = Breaker(endpoint.breaker_key)
    permit = breaker.allow()
    if not permit.allowed:
        attempts.append(Attempt(endpoint.ref, endpoint.region, "breaker_open", _ms(started)))
        return None
    emitted = False
    listener_failed = False

    def forward(chunk: str) -> None:
        # The caller's callback failing is not the provider failing: it must not count against
        # the endpoint's breaker. Stop forwarding; the whole text still comes back at the end.
        nonlocal emitted, listener_failed
        emitted = True
        if listener_failed or on_delta is None:
            return
        try:
            on_delta(chunk)
        except Exception:
            listener_failed = True
            logger.exception("on_delta raised; the rest of the stream is not forwarded")

    result: ProviderResult | None = None
    error: ProviderError | None = None
    try:
        key = candidate.load_key()
    except Exception as exc:  # e.g. a retired FIELD_ENCRYPTION_KEYS key; the message is safe
        logger.error("AI endpoint key unavailable: endpoint=%s (%s)", endpoint.ref, exc)
        key, error = "", ProviderError("config", "The key for this endpoint cannot be read.")
    if endpoint.owner == "workspace" and not endpoint_address_allowed(endpoint.base_url):
        logger.warning("AI endpoint refused: %s resolves to an internal address", endpoint.ref)
        error = ProviderError("config", "The endpoint resolves to an internal address.")
    with capture_payload() as sent:
        try:
            if error is None:
                result = providers.call(endpoint, key, request, forward if on_delta else None)
        except ProviderError as exc:
            error = exc
        except Exception:  # a bug in our own code path: classified, logged without arguments
            logger.exception("provider call crashed: endpoint=%s", endpoint.ref)
            error = ProviderError("connection", "The provider call failed unexpectedly.")
    latency = _ms(started)
    outcome = "ok" if error is None else error.outcome
    if outcome != "config":  # "config": nothing left the building, so no ledger row
        _ledger(request, candidate, sent, outcome, latency, result, streamed=on_delta is not None)
    attempts.append(Attempt(endpoint.ref, endpoint.region, outcome, latency))
    if error is None and result is not None:
        breaker.record_success()
        return Completion(
            text=result.text,
            provider=endpoint.kind,
            endpoint=endpoint.ref,
            model=endpoint.model,
            region=endpoint.region,
            key_source=candidate.key_source,  # type: ignore[arg-type]
            latency_ms=latency,
            input_tokens=result.input_tokens,
            output_tokens=result.output_tokens,
            fallback_chain=tuple(attempts),
        )
    assert error is not None
    _account(error, candidate, breaker)
    logger.warning(
        "AI endpoint failed: endpoint=%s outcome=%s status=%s latency_ms=%.1f",
        endpoint.ref,
        error.outcome,
        error.status,
        latency,
    )
    if emitted:
        raise AIUnavailable(
            "The AI answer broke off while streaming; nothing was kept. Try again.",
            attempts=tuple(attempts),
            partial_output=True,
        )
    if error.outcome == "http_4xx":
        raise AIUnavailable(
            f"{endpoint.ref}: {error.message} The request was not retried elsewhere.",
            attempts=tuple(attempts),
        )
    return None


def _account(error: ProviderError, candidate: Candidate, breaker: Breaker) -> None:
    """Breaker and key bookkeeping for a failed call."""
    if error.retryable:
        breaker.record_failure(retry_after=error.retry_after)
    elif error.outcome == "auth" and candidate.key_source == "byok":
        provider_key_reject(
            provider=candidate.endpoint.kind, status=error.status, endpoint=candidate.endpoint.ref
        )
        breaker.release_probe()
    elif error.outcome in ("auth", "quota") and candidate.key_source == "platform":
        # The platform's own key is refused or out of quota: every workspace would hit it.
        breaker.record_failure(retry_after=None)
    else:
        breaker.release_probe()


def _ledger(
    request: CompletionRequest,
    candidate: Candidate,
    sent: object,
    outcome: str,
    latency: float,
    result: ProviderResult | None,
    *,
    streamed: bool,
) -> None:
    # A savepoint: a ledger failure must not poison the caller's transaction, nor hide the answer.
    try:
        with transaction.atomic():
            ledger_record(
                request=request,
                endpoint=candidate.endpoint,
                key_source=candidate.key_source,
                sent=sent,  # type: ignore[arg-type]
                outcome=outcome,
                latency_ms=latency,
                input_tokens=result.input_tokens if result else None,
                output_tokens=result.output_tokens if result else None,
                streamed=streamed,
            )
    except Exception:
        logger.exception("AI ledger row not written: endpoint=%s", candidate.endpoint.ref)


def _offline(
    request: CompletionRequest, attempts: list[Attempt], on_delta: DeltaCallback | None
) -> Completion:
    started = time.perf_counter()
    result = offline.complete(request)
    if on_delta is not None and result.text:
        on_delta(result.text)
    latency = _ms(started)
    candidate = Candidate(OFFLINE, "none", lambda: "")
    with capture_payload() as sent:
        pass  # nothing leaves the process: the ledger row has an empty payload hash
    _ledger(request, candidate, sent, "ok", latency, result, streamed=on_delta is not None)
    attempts.append(Attempt(OFFLINE.ref, OFFLINE.region, "ok", latency))
    return Completion(
        text=result.text,
        provider="offline",
        endpoint=OFFLINE.ref,
        model=OFFLINE.model,
        region=OFFLINE.region,
        key_source="none",
        latency_ms=latency,
        input_tokens=None,
        output_tokens=None,
        fallback_chain=tuple(attempts),
        offline=True,
    )


def _reason(plan: Plan, attempts: list[Attempt]) -> str:
    allowed = ", ".join(plan.settings.ordered_allowed()) or "none"
    parts = [f"No AI provider answered in the regions this workspace allows ({allowed})."]
    if attempts:
        parts.append(
            "Tried: "
            + "; ".join(f"{a.endpoint} ({a.outcome.replace('_', ' ')})" for a in attempts)
            + "."
        )
    elif not plan.key_problems:
        parts.append("No provider endpoint is configured for these regions.")
    if plan.key_problems:
        parts.append("Not used: " + "; ".join(plan.key_problems) + ".")
    if plan.disallowed_regions:
        regions = ", ".join(sorted(plan.disallowed_regions))
        parts.append(f"Endpoints in {regions} were not used: this workspace does not allow them.")
    if not plan.offline_allowed:
        parts.append("The offline fallback is off for this request or workspace.")
    return " ".join(parts)


def validate_key(*, provider: str, key: str) -> str:
    """Check a BYOK key with a cheap call (1 output token) through the same client code.

    Runs inside the workspace scope. Uses the workspace's own endpoint of that kind if it has
    one, else the first platform endpoint of that kind in an allowed region. Returns "" when the
    key works, else a reason safe to show (never the key)."""
    from tenants.ai_settings import ai_settings_for_workspace, workspace_endpoints

    allowed = set(ai_settings_for_workspace().allowed_regions)
    own = [workspace_endpoint(r) for r in workspace_endpoints().filter(kind=provider, enabled=True)]
    choices: list[Endpoint] = [
        e for e in [*own, *platform_endpoints()] if e.kind == provider and e.region in allowed
    ]
    if not choices:
        return (
            f"there is no {provider} endpoint in this workspace's allowed regions to check it "
            "against; add one first"
        )
    endpoint = choices[0]
    request = CompletionRequest(
        workspace_id=current_workspace_id(),
        feature="key_check",
        messages=(ChatMessage(role="user", content="ping"),),
        max_output_tokens=1,
        temperature=0.0,
        allow_offline=False,
    )
    candidate = Candidate(endpoint, "byok", lambda: key)
    started = time.perf_counter()
    with capture_payload() as sent:
        try:
            result = providers.call(endpoint, key, request, None)
            error = None
        except ProviderError as exc:
            result, error = None, exc
    outcome = "ok" if error is None else error.outcome
    if outcome != "config":
        _ledger(request, candidate, sent, outcome, _ms(started), result, streamed=False)
    if error is None:
        return ""
    if error.outcome == "auth":
        return f"{endpoint.ref} refused it (HTTP {error.status})"
    if error.outcome == "quota":
        return f"{endpoint.ref} accepted it but the account has no quota"
    return f"{endpoint.ref} could not check it just now ({error.message})"
