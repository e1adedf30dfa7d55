"""Each provider kind through the real SDK against the fake server: the request it sends, the
answer it reads, streaming, and the ledger row it leaves."""

from __future__ import annotations

import hashlib

import pytest

from ai.models import AILedgerEntry
from tenants.scope import workspace_scope
from tests.ai.fake_provider import FakeProvider, Fault
from tests.ai.router.helpers import PLATFORM_KEY, endpoint, request_for, run
from tests.tenants.api_helpers import Tenant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
@pytest.mark.parametrize(
    ("kind", "api", "path"),
    [
        ("openai", "chat", "/v1/chat/completions"),
        ("openai", "responses", "/v1/responses"),
        ("openai_compatible", "chat", "/v1/chat/completions"),
        ("anthropic", None, "/v1/messages"),
    ],
)
def test_each_kind_answers_and_streams(
    settings, fake: FakeProvider, alpha: Tenant, kind: str, api: str | None, path: str, stream: bool
) -> None:
    base = fake.url if kind == "anthropic" else fake.openai_url
    settings.AI_ENDPOINTS = [endpoint("p1", base, kind=kind, api=api)]
    fake.reply = "Your parcel left the depot today."
    fake.usage = (42, 7)
    deltas: list[str] = []

    result = run(
        request_for(alpha.workspace.pk, redaction_counts={"ORDER": 1}),
        on_delta=deltas.append if stream else None,
    )

    assert result.text == "Your parcel left the depot today."
    assert (result.provider, result.endpoint, result.region) == (kind, "platform:p1", "uk")
    assert (result.input_tokens, result.output_tokens) == (42, 7)
    assert result.key_source == "platform" and result.offline is False
    if stream:
        assert len(deltas) == 6 and "".join(deltas) == result.text
    sent = fake.last
    assert sent.path == path
    assert sent.headers["authorization"] == f"Bearer {PLATFORM_KEY}"
    assert sent.json["model"] == "fake-model"
    assert sent.json.get("stream", False) is stream
    if kind in ("openai", "openai_compatible"):
        assert sent.json["store"] is False
    with workspace_scope(alpha.workspace.pk):
        row = AILedgerEntry.objects.get()
    assert row.payload_sha256 == hashlib.sha256(sent.body).hexdigest()
    assert row.payload_bytes == len(sent.body)
    assert (row.outcome, row.endpoint, row.provider, row.region) == (
        "ok",
        "platform:p1",
        kind,
        "uk",
    )
    assert (row.input_tokens, row.output_tokens, row.streamed) == (42, 7, stream)
    assert row.redaction_counts == {"ORDER": 1}
    assert row.key_source == "platform"


def test_system_instructions_go_where_each_api_expects_them(
    settings, fake: FakeProvider, alpha: Tenant
) -> None:
    settings.AI_ENDPOINTS = [
        endpoint("resp", fake.openai_url, api="responses"),
    ]
    run(request_for(alpha.workspace.pk))
    body = fake.last.json
    assert body["instructions"].startswith("You summarise support chats")
    assert body["input"] == [
        {"role": "user", "content": "Visitor: my order <ORDER_1> has not arrived."}
    ]
    assert body["store"] is False

    settings.AI_ENDPOINTS = [endpoint("claude", fake.url, kind="anthropic")]
    run(request_for(alpha.workspace.pk))
    body = fake.last.json
    assert body["system"].startswith("You summarise support chats")
    assert [m["role"] for m in body["messages"]] == ["user"]
    assert "anthropic-version" in fake.last.headers


def test_azure_openai_uses_its_deployment_path_and_api_key_header(
    settings, fake: FakeProvider, alpha: Tenant
) -> None:
    settings.AI_ENDPOINTS = [
        endpoint(
            "azure-uksouth",
            fake.url,
            kind="azure_openai",
            api_version="2024-10-21",
            deployment="gpt-uk",
        )
    ]
    result = run(request_for(alpha.workspace.pk))
    assert result.text == "ok"
    sent = fake.last
    assert sent.path == "/openai/deployments/gpt-uk/chat/completions?api-version=2024-10-21"
    assert sent.headers["api-key"] == PLATFORM_KEY
    assert sent.json["store"] is False


def test_bedrock_and_vertex_through_the_anthropic_sdk(
    settings, fake: FakeProvider, alpha: Tenant
) -> None:
    settings.AI_ENDPOINTS = [
        endpoint("bedrock-eu", fake.url, kind="bedrock", region="eu", aws_region="eu-west-2"),
    ]
    result = run(request_for(alpha.workspace.pk))
    assert (result.text, result.provider) == ("ok", "bedrock")
    assert fake.last.path == "/model/fake-model/invoke"
    assert fake.last.headers["authorization"] == f"Bearer {PLATFORM_KEY}"
    fake.reply = "streamed from bedrock"
    deltas: list[str] = []
    result = run(request_for(alpha.workspace.pk), on_delta=deltas.append)
    assert deltas == ["streamed ", "from ", "bedrock"] and result.text == "streamed from bedrock"
    assert fake.last.path == "/model/fake-model/invoke-with-response-stream"
    fake.reply = "ok"

    settings.AI_ENDPOINTS = [
        endpoint(
            "vertex-uk", fake.url, kind="vertex", project_id="proj", gcp_region="europe-west2"
        ),
    ]
    deltas: list[str] = []
    result = run(request_for(alpha.workspace.pk), on_delta=deltas.append)
    assert (result.text, result.provider, deltas) == ("ok", "vertex", ["ok"])
    assert fake.last.path == (
        "/projects/proj/locations/europe-west2/publishers/anthropic/models/fake-model"
        ":streamRawPredict"
    )
    assert fake.last.headers["authorization"] == f"Bearer {PLATFORM_KEY}"


@pytest.mark.parametrize(
    ("kind", "api"),
    [("openai", "chat"), ("openai", "responses"), ("anthropic", None)],
)
def test_every_stream_dialect_reports_a_mid_stream_disconnect(
    settings, fake: FakeProvider, fake2: FakeProvider, alpha: Tenant, kind: str, api: str | None
) -> None:
    from ai.router import AIUnavailable

    base = fake.url if kind == "anthropic" else fake.openai_url
    settings.AI_ENDPOINTS = [
        endpoint("first", base, kind=kind, api=api),
        endpoint("second", fake2.openai_url, region="eu"),
    ]
    fake.reply = "one two three four"
    fake.push(Fault.disconnect(after=0))
    result = run(request_for(alpha.workspace.pk), on_delta=lambda _chunk: None)
    assert [a.outcome for a in result.fallback_chain] == ["stream_broken", "ok"]

    fake.push(Fault.disconnect(after=2))
    deltas: list[str] = []
    with pytest.raises(AIUnavailable) as caught:
        run(request_for(alpha.workspace.pk), on_delta=deltas.append)
    assert deltas == ["one ", "two "] and caught.value.partial_output is True
    assert len(fake2.requests) == 1
