"""The web process: Daphne on uvloop. ``python -m supportdesk.serve`` takes Daphne's arguments.

Daphne runs Twisted on an asyncio event loop that it creates when ``daphne.server`` is imported,
so the uvloop policy has to be in place before that import: hence this entry point instead of
the ``daphne`` command. uvloop (libuv) makes the event loop's own work — callbacks, socket reads
and writes of the websockets, Redis and PostgreSQL connections — cheaper: measured with
bench/chat_delivery.py, ≈ 15 % less Daphne CPU per chat message and more messages per second
(docs/benchmarks.md). ``SUPPORTDESK_UVLOOP=0`` runs the standard asyncio loop.

``tune_autobahn`` trims two per-frame costs of Daphne's websocket library, measured with py-spy
under the chat benchmark's load: the XOR unmasking of every frame a browser sends (autobahn
builds a CFFI object per frame, ≈ 9 µs, four times the masker here) and the colouring of debug-log
arguments that autobahn formats for every read even with debug logging off (click.style;
server logs get no ANSI colour codes either way).
"""

from __future__ import annotations

import asyncio
import os


def use_uvloop() -> bool:
    if os.environ.get("SUPPORTDESK_UVLOOP", "1") == "0":
        return False
    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return True


class XorMasker:
    """RFC 6455 §5.3 unmasking with Python's integers (C loops), for autobahn's frames: the
    same interface and results as ``autobahn.websocket.xormasker.create_xor_masker``'s."""

    __slots__ = ("_mask", "_ptr")

    def __init__(self, mask: bytes, length: int | None = None) -> None:
        if len(mask) != 4:
            raise ValueError("a websocket mask is 4 bytes")
        self._mask = bytes(mask)
        self._ptr = 0

    def pointer(self) -> int:
        return self._ptr

    def reset(self) -> None:
        self._ptr = 0

    def process(self, data: bytes) -> bytes:
        size = len(data)
        if not size:
            return b""
        shift = self._ptr & 3
        key = (self._mask[shift:] + self._mask[:shift]) * (size // 4 + 1)
        self._ptr += size
        masked = int.from_bytes(data, "little") ^ int.from_bytes(key[:size], "little")
        return masked.to_bytes(size, "little")


def tune_autobahn() -> None:
    import autobahn.util
    import autobahn.websocket.protocol

    autobahn.websocket.protocol.create_xor_masker = XorMasker  # type: ignore[assignment]
    autobahn.util._HAS_CLICK = False  # type: ignore[attr-defined]


def main() -> None:
    use_uvloop()
    tune_autobahn()
    from daphne.cli import CommandLineInterface

    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
