"""The web process: Daphne on uvloop. ``python -m supportdesk.serve`` takes Daphne's arguments.

Daphne runs Twisted on an asyncio event loop that it creates when ``daphne.server`` is imported,
so the uvloop policy has to be in place before that import: hence this entry point instead of
the ``daphne`` command. uvloop (libuv) makes the event loop's own work — callbacks, socket reads
and writes of the websockets, Redis and PostgreSQL connections — cheaper: measured with
bench/chat_delivery.py, ≈ 15 % less Daphne CPU per chat message and more messages per second
(docs/benchmarks.md). ``SUPPORTDESK_UVLOOP=0`` runs the standard asyncio loop.
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


def main() -> None:
    use_uvloop()
    from daphne.cli import CommandLineInterface

    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
