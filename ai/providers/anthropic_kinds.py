"""Anthropic's Messages API directly, on AWS Bedrock (``AnthropicBedrock`` with a Bedrock API
key, i.e. bearer auth) and on Google Vertex (``AnthropicVertex`` with an access token), all
through the ``anthropic`` SDK with ``max_retries=0``.

anthropic 2.x's ``messages.create`` no longer takes ``temperature`` (current Claude models fix
their sampling), so ``CompletionRequest.temperature`` applies to the OpenAI kinds only."""

from __future__ import annotations

from typing import Any

import anthropic

from ai.router.types import CompletionRequest

from .base import (
    DeltaCallback,
    Endpoint,
    ProviderError,
    ProviderResult,
    attempt_timeout,
    http_client,
    stream_events,
)
from .openai_kinds import translate


def make_client(
    endpoint: Endpoint, key: str
) -> anthropic.Anthropic | anthropic.AnthropicBedrock | anthropic.AnthropicVertex:
    common: dict[str, Any] = {
        "max_retries": 0,
        "timeout": attempt_timeout(endpoint),
        "http_client": http_client(),
        "base_url": endpoint.base_url or None,
    }
    if endpoint.kind == "bedrock":
        return anthropic.AnthropicBedrock(
            api_key=key, aws_region=str(endpoint.options.get("aws_region", "eu-west-2")), **common
        )
    if endpoint.kind == "vertex":
        return anthropic.AnthropicVertex(
            access_token=key,
            region=str(endpoint.options.get("gcp_region", "europe-west2")),
            project_id=str(endpoint.options.get("project_id", "")),
            **common,
        )
    return anthropic.Anthropic(api_key=key, **common)


def call(
    endpoint: Endpoint, key: str, request: CompletionRequest, on_delta: DeltaCallback | None
) -> ProviderResult:
    try:
        client = make_client(endpoint, key)
    except Exception as exc:  # nothing was sent: a configuration problem, not an outage
        raise ProviderError(
            "config", f"The endpoint is misconfigured ({type(exc).__name__})."
        ) from None
    system = "\n\n".join(m.content for m in request.messages if m.role == "system")
    params: dict[str, Any] = {
        "model": endpoint.model,
        "max_tokens": request.max_output_tokens,
        "messages": [
            {"role": m.role, "content": m.content} for m in request.messages if m.role != "system"
        ],
    }
    if system:
        params["system"] = system
    try:
        if on_delta is None:
            message = client.messages.create(**params)
            text = "".join(
                getattr(block, "text", "") for block in message.content if block.type == "text"
            )
            return ProviderResult(
                text=text,
                input_tokens=message.usage.input_tokens,
                output_tokens=message.usage.output_tokens,
            )
        return _stream(client, params, on_delta)
    except ProviderError:
        raise
    except Exception as exc:
        raise translate(exc) from None


def _stream(client: Any, params: dict[str, Any], on_delta: DeltaCallback) -> ProviderResult:
    parts: list[str] = []
    result = ProviderResult(text="")
    stopped = False
    for event in stream_events(client.messages.create(**params, stream=True), translate):
        if event.type == "message_start":
            result.input_tokens = event.message.usage.input_tokens
        elif event.type == "content_block_delta" and event.delta.type == "text_delta":
            parts.append(event.delta.text)
            on_delta(event.delta.text)
        elif event.type == "message_delta":
            result.output_tokens = event.usage.output_tokens
        elif event.type == "message_stop":
            stopped = True
    if not stopped:
        raise ProviderError("stream_broken", "The provider's stream ended before it finished.")
    result.text = "".join(parts)
    return result
