"""OpenAI, Azure OpenAI and self-hosted OpenAI-compatible servers (vLLM, Ollama), through the
``openai`` SDK: Chat Completions or the Responses API, always with ``store=false`` (zero
retention) and ``max_retries=0`` (the router owns retries)."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import openai

from ai.router.types import CompletionRequest

from .base import (
    DeltaCallback,
    Endpoint,
    ProviderError,
    ProviderResult,
    attempt_timeout,
    classify_status,
    http_client,
    stream_events,
)

#: The openai SDK refuses an empty key; a keyless self-hosted server gets this placeholder.
NO_KEY = "no-key"
AZURE_DEFAULT_API_VERSION = "2024-10-21"


def make_client(endpoint: Endpoint, key: str) -> openai.OpenAI:
    common: dict[str, Any] = {
        "max_retries": 0,
        "timeout": attempt_timeout(endpoint),
        "http_client": http_client(),
    }
    if endpoint.kind == "azure_openai":
        return openai.AzureOpenAI(
            api_key=key,
            azure_endpoint=endpoint.base_url,
            api_version=str(endpoint.options.get("api_version", AZURE_DEFAULT_API_VERSION)),
            azure_deployment=str(endpoint.options.get("deployment", endpoint.model)),
            **common,
        )
    return openai.OpenAI(
        api_key=key or NO_KEY,
        base_url=endpoint.base_url,
        organization=None,
        project=None,
        **common,
    )


def _split(request: CompletionRequest) -> tuple[str, list[dict[str, str]]]:
    system = "\n\n".join(m.content for m in request.messages if m.role == "system")
    rest = [{"role": m.role, "content": m.content} for m in request.messages if m.role != "system"]
    return system, rest


def call(
    endpoint: Endpoint, key: str, request: CompletionRequest, on_delta: DeltaCallback | None
) -> ProviderResult:
    try:
        client = make_client(endpoint, key)
    except Exception as exc:  # nothing was sent: a configuration problem, not an outage
        raise ProviderError(
            "config", f"The endpoint is misconfigured ({type(exc).__name__})."
        ) from None
    try:
        if endpoint.api == "responses":
            return _responses(client, endpoint, request, on_delta)
        return _chat(client, endpoint, request, on_delta)
    except ProviderError:
        raise
    except Exception as exc:  # every SDK / transport failure becomes a classified ProviderError
        raise translate(exc) from None


def _chat(
    client: openai.OpenAI,
    endpoint: Endpoint,
    request: CompletionRequest,
    on_delta: DeltaCallback | None,
) -> ProviderResult:
    messages = [{"role": m.role, "content": m.content} for m in request.messages]
    params: dict[str, Any] = {
        "model": endpoint.model,
        "messages": messages,
        "max_completion_tokens": request.max_output_tokens,
        "temperature": request.temperature,
        "store": False,
    }
    if on_delta is None:
        response = client.chat.completions.create(**params)
        if not response.choices:
            raise ProviderError("malformed", "The provider answered without a choice.")
        usage = response.usage
        return ProviderResult(
            text=response.choices[0].message.content or "",
            input_tokens=usage.prompt_tokens if usage else None,
            output_tokens=usage.completion_tokens if usage else None,
        )
    stream = client.chat.completions.create(
        **params, stream=True, stream_options={"include_usage": True}
    )
    parts: list[str] = []
    result = ProviderResult(text="")
    finished = False
    for chunk in stream_events(stream, translate):
        if chunk.usage is not None:
            result.input_tokens = chunk.usage.prompt_tokens
            result.output_tokens = chunk.usage.completion_tokens
        for choice in chunk.choices:
            text = choice.delta.content if choice.delta else None
            if text:
                parts.append(text)
                on_delta(text)
            if choice.finish_reason:
                finished = True
    if not finished:
        raise ProviderError("stream_broken", "The provider's stream ended before it finished.")
    result.text = "".join(parts)
    return result


def _responses(
    client: openai.OpenAI,
    endpoint: Endpoint,
    request: CompletionRequest,
    on_delta: DeltaCallback | None,
) -> ProviderResult:
    system, rest = _split(request)
    params: dict[str, Any] = {
        "model": endpoint.model,
        "input": rest,
        "max_output_tokens": request.max_output_tokens,
        "temperature": request.temperature,
        "store": False,
    }
    if system:
        params["instructions"] = system
    if on_delta is None:
        response = client.responses.create(**params)
        usage = response.usage
        return ProviderResult(
            text=response.output_text,
            input_tokens=usage.input_tokens if usage else None,
            output_tokens=usage.output_tokens if usage else None,
        )
    parts: list[str] = []
    result = ProviderResult(text="")
    completed = False
    for event in stream_events(client.responses.create(**params, stream=True), translate):
        if event.type == "response.output_text.delta":
            parts.append(event.delta)
            on_delta(event.delta)
        elif event.type == "response.completed":
            completed = True
            usage = event.response.usage
            if usage is not None:
                result.input_tokens = usage.input_tokens
                result.output_tokens = usage.output_tokens
        elif event.type in ("response.failed", "error"):
            raise ProviderError("http_5xx", "The provider reported a failure mid-stream.")
    if not completed:
        raise ProviderError("stream_broken", "The provider's stream ended before it finished.")
    result.text = "".join(parts)
    return result


def translate(exc: BaseException) -> ProviderError:
    """SDK and transport exceptions -> ProviderError (shared with the anthropic kinds)."""
    import anthropic

    if isinstance(
        exc, (openai.APITimeoutError, anthropic.APITimeoutError, httpx2.TimeoutException)
    ):
        return ProviderError("timeout", "The provider did not answer in time.")
    if isinstance(exc, (openai.APIStatusError, anthropic.APIStatusError)):
        return classify_status(exc.status_code, exc.body, exc.response.headers)
    if isinstance(exc, (openai.APIConnectionError, anthropic.APIConnectionError)):
        return ProviderError("connection", "The provider could not be reached.")
    if isinstance(exc, (httpx2.RemoteProtocolError, httpx2.ReadError, httpx2.NetworkError)):
        return ProviderError("stream_broken", "The connection to the provider broke off.")
    if isinstance(exc, httpx2.TransportError):
        return ProviderError("connection", "The provider could not be reached.")
    if isinstance(
        exc,
        (
            json.JSONDecodeError,
            openai.APIResponseValidationError,
            anthropic.APIResponseValidationError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
        ),
    ):
        return ProviderError("malformed", "The provider's answer could not be read.")
    return ProviderError("connection", f"The provider call failed ({type(exc).__name__}).")
