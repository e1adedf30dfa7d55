"""A fake LLM provider: real HTTP on 127.0.0.1 (port 0), for the real SDK clients.

Speaks OpenAI Chat Completions (``POST …/chat/completions``, Azure's deployment paths too),
OpenAI Responses (``POST …/responses``), Anthropic Messages (``POST /v1/messages``), Bedrock's
InvokeModel / InvokeModelWithResponseStream (``POST /model/<id>/invoke[-with-response-stream]``,
the stream as AWS event-stream frames) and Vertex's rawPredict / streamRawPredict, each with SSE
streaming when the body asks for ``"stream": true``.

Usage::

    with FakeProvider() as fake:
        fake.openai_url        # "http://127.0.0.1:<port>/v1"  (OpenAI/compatible base_url)
        fake.url               # "http://127.0.0.1:<port>"     (Anthropic, Azure, Vertex, Bedrock)
        fake.reply = "Hello there"              # the text every answer carries (default "ok")
        fake.usage = (11, 3)                    # input / output tokens reported
        fake.push(Fault.http(429, retry_after="2"))   # faults are consumed one per request
        fake.push(Fault.http(500), Fault.slow_first_byte(1.0))
        fake.sticky = Fault.http(503)         # applied to every request once the queue is empty
        fake.requests          # [Recorded(method, path, headers, body, json)], every request
        fake.arrivals          # time.time() each request arrived (benchmarks)
        fake.last.json["store"]                # what the SDK sent
        fake.reset()           # clear faults, sticky, and recorded requests

Faults: ``Fault.http(code, retry_after=None, body=None)`` (429/500/401/…; ``body`` defaults to
a provider-shaped error), ``Fault.slow_first_byte(seconds)``, ``Fault.disconnect(after=2)``
(stream ``after`` deltas, then drop the connection mid-chunk), ``Fault.malformed()`` (a 200 whose
JSON / SSE data does not parse). Also ``Fault.delay(seconds)`` spaces the stream's deltas.
``closed_port()`` returns a port on 127.0.0.1 that refuses connections.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Fault:
    kind: str  # status | slow | disconnect | malformed | delay
    status: int = 200
    retry_after: str | None = None
    body: Any = None
    seconds: float = 0.0
    after: int = 0

    @classmethod
    def http(cls, code: int, retry_after: str | None = None, body: Any = None) -> Fault:
        return cls("status", status=code, retry_after=retry_after, body=body)

    @classmethod
    def slow_first_byte(cls, seconds: float) -> Fault:
        return cls("slow", seconds=seconds)

    @classmethod
    def disconnect(cls, after: int = 2) -> Fault:
        return cls("disconnect", after=after)

    @classmethod
    def malformed(cls) -> Fault:
        return cls("malformed")

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        return cls("delay", seconds=seconds)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any = None


@dataclass
class _State:
    reply: str = "ok"
    usage: tuple[int, int] = (11, 3)
    faults: list[Fault] = field(default_factory=list)
    sticky: Fault | None = None
    requests: list[Recorded] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _words(text: str) -> list[str]:
    parts = text.split(" ")
    return [p + (" " if i < len(parts) - 1 else "") for i, p in enumerate(parts)]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are separate writes: with Nagle on, the body waits for the client's
    # delayed ACK (tens of ms) and the fake would not be zero-latency.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        arrived = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        state = self.server.state
        with state.lock:
            state.arrivals.append(arrived)
            state.requests.append(
                Recorded(
                    "POST",
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    parsed,
                )
            )
            fault = state.faults.pop(0) if state.faults else state.sticky
            reply, usage = state.reply, state.usage
        path = self.path.split("?")[0]
        if path.endswith("/chat/completions"):
            dialect = "chat"
        elif path.endswith("/responses"):
            dialect = "responses"
        elif path.endswith("/invoke-with-response-stream"):
            dialect = "anthropic"
            parsed = {**(parsed or {}), "stream": True}
        elif path.endswith("/messages") or path.endswith(":rawPredict") or path.endswith("/invoke"):
            dialect = "anthropic"
        elif path.endswith(":streamRawPredict"):
            dialect = "anthropic"
            parsed = {**(parsed or {}), "stream": True}
        else:
            self._json(404, {"error": {"type": "not_found", "message": "no such route"}})
            return
        model = str((parsed or {}).get("model", "fake-model"))
        stream = bool((parsed or {}).get("stream"))
        delay = 0.0
        if fault is not None:
            if fault.kind == "slow":
                time.sleep(fault.seconds)
            elif fault.kind == "delay":
                delay = fault.seconds
            elif fault.kind == "status":
                self._error(dialect, fault)
                return
            elif fault.kind == "malformed" and not stream:
                self._raw(200, b'{"id": "x", "choices": [', "application/json")
                return
        if not stream:
            self._json(200, _full(dialect, model, reply, usage))
            return
        events = _events(dialect, model, reply, usage)
        aws = path.endswith("/invoke-with-response-stream")
        self.send_response(200)
        self.send_header(
            "Content-Type", "application/vnd.amazon.eventstream" if aws else "text/event-stream"
        )
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        deltas = 0
        for name, data in events:
            if fault is not None and fault.kind == "malformed":
                self._chunk(b"data: {not json\n\n")
                break
            if fault is not None and fault.kind == "disconnect" and deltas >= fault.after:
                # Half a chunk, then the socket goes away: the client sees a broken stream.
                self.wfile.write(b"ff\r\ndata: {")
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            if aws:
                self._chunk(aws_event(data))
            else:
                text = (f"event: {name}\n" if name else "") + f"data: {data}\n\n"
                self._chunk(text.encode())
            if '"delta"' in data and ("text" in data or "content" in data):
                deltas += 1
                if delay:
                    time.sleep(delay)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _raw(self, status: int, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _json(self, status: int, payload: Any, extra: dict | None = None) -> None:
        self._raw(status, json.dumps(payload).encode(), "application/json", extra)

    def _error(self, dialect: str, fault: Fault) -> None:
        body = fault.body
        if body is None:
            kinds = {400: "invalid_request_error", 401: "authentication_error", 429: "rate_limit"}
            kind = kinds.get(fault.status, "api_error")
            body = (
                {"type": "error", "error": {"type": kind, "message": "fake failure"}}
                if dialect == "anthropic"
                else {"error": {"type": kind, "code": kind, "message": "fake failure"}}
            )
        extra = {"retry-after": fault.retry_after} if fault.retry_after else {}
        self._json(fault.status, body, extra)


def aws_event(data: str) -> bytes:
    """One AWS event-stream message as Bedrock's InvokeModelWithResponseStream sends it: a
    "chunk" event whose JSON payload carries the Anthropic event base64-encoded."""
    payload = json.dumps({"bytes": base64.b64encode(data.encode()).decode()}).encode()
    headers = b""
    for name, value in (
        (":event-type", "chunk"),
        (":content-type", "application/json"),
        (":message-type", "event"),
    ):
        raw = value.encode()
        headers += bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(raw)) + raw
    total = 12 + len(headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def _full(dialect: str, model: str, reply: str, usage: tuple[int, int]) -> dict[str, Any]:
    now = int(time.time())
    if dialect == "chat":
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": now,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": usage[0],
                "completion_tokens": usage[1],
                "total_tokens": sum(usage),
            },
        }
    if dialect == "responses":
        return _response_object(model, reply, usage, "completed")
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": reply}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    }


def _response_object(model: str, reply: str, usage: tuple[int, int], status: str) -> dict:
    return {
        "id": "resp_fake",
        "object": "response",
        "created_at": int(time.time()),
        "model": model,
        "status": status,
        "output": [
            {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": reply, "annotations": []}],
            }
        ]
        if reply
        else [],
        "parallel_tool_calls": False,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": usage[0],
            "output_tokens": usage[1],
            "total_tokens": sum(usage),
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }


def _events(dialect: str, model: str, reply: str, usage: tuple[int, int]) -> list[tuple[str, str]]:
    dumps = json.dumps
    if dialect == "chat":
        base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0}
        out = [
            (
                "",
                dumps(
                    {
                        **base,
                        "model": model,
                        "choices": [{"index": 0, "delta": {"content": w}, "finish_reason": None}],
                    }
                ),
            )
            for w in _words(reply)
        ]
        out.append(
            (
                "",
                dumps(
                    {
                        **base,
                        "model": model,
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                    }
                ),
            )
        )
        out.append(
            (
                "",
                dumps(
                    {
                        **base,
                        "model": model,
                        "choices": [],
                        "usage": {
                            "prompt_tokens": usage[0],
                            "completion_tokens": usage[1],
                            "total_tokens": sum(usage),
                        },
                    }
                ),
            )
        )
        out.append(("", "[DONE]"))
        return out
    if dialect == "responses":
        seq = iter(range(1000))
        item = {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "status": "in_progress",
            "content": [],
        }
        part = {"type": "output_text", "text": "", "annotations": []}
        events = [
            (
                "response.created",
                {
                    "type": "response.created",
                    "response": _response_object(model, "", usage, "in_progress"),
                },
            ),
            (
                "response.output_item.added",
                {"type": "response.output_item.added", "output_index": 0, "item": item},
            ),
            (
                "response.content_part.added",
                {
                    "type": "response.content_part.added",
                    "item_id": "msg_fake",
                    "output_index": 0,
                    "content_index": 0,
                    "part": part,
                },
            ),
        ]
        for w in _words(reply):
            events.append(
                (
                    "response.output_text.delta",
                    {
                        "type": "response.output_text.delta",
                        "item_id": "msg_fake",
                        "output_index": 0,
                        "content_index": 0,
                        "delta": w,
                        "logprobs": [],
                    },
                )
            )
        events += [
            (
                "response.output_text.done",
                {
                    "type": "response.output_text.done",
                    "item_id": "msg_fake",
                    "output_index": 0,
                    "content_index": 0,
                    "text": reply,
                    "logprobs": [],
                },
            ),
            (
                "response.completed",
                {
                    "type": "response.completed",
                    "response": _response_object(model, reply, usage, "completed"),
                },
            ),
        ]
        return [(name, dumps({**data, "sequence_number": next(seq)})) for name, data in events]
    message = {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": 1},
    }
    events = [
        ("message_start", {"type": "message_start", "message": message}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
    ]
    for w in _words(reply):
        events.append(
            (
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": w},
                },
            )
        )
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": usage[1]},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return [(name, dumps(data)) for name, data in events]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    state: _State


class FakeProvider:
    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle
    def __enter__(self) -> FakeProvider:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> FakeProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- addresses
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openai_url(self) -> str:
        return self.url + "/v1"

    # -- behaviour
    @property
    def reply(self) -> str:
        return self._server.state.reply

    @reply.setter
    def reply(self, text: str) -> None:
        self._server.state.reply = text

    @property
    def usage(self) -> tuple[int, int]:
        return self._server.state.usage

    @usage.setter
    def usage(self, value: tuple[int, int]) -> None:
        self._server.state.usage = value

    @property
    def sticky(self) -> Fault | None:
        return self._server.state.sticky

    @sticky.setter
    def sticky(self, fault: Fault | None) -> None:
        self._server.state.sticky = fault

    def push(self, *faults: Fault) -> None:
        with self._server.state.lock:
            self._server.state.faults.extend(faults)

    def reset(self) -> None:
        state = self._server.state
        with state.lock:
            state.faults.clear()
            state.sticky = None
            state.requests.clear()
            state.arrivals.clear()
            state.reply, state.usage = "ok", (11, 3)

    # -- what was received
    @property
    def requests(self) -> list[Recorded]:
        with self._server.state.lock:
            return list(self._server.state.requests)

    @property
    def arrivals(self) -> list[float]:
        """time.time() at which each request's headers were read, in order."""
        with self._server.state.lock:
            return list(self._server.state.arrivals)

    @property
    def last(self) -> Recorded:
        return self.requests[-1]


def closed_port() -> int:
    """A 127.0.0.1 port nobody listens on (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
