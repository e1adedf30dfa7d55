"""Client CPU per statement for the chat's event-loop statement shape: psycopg_pool vs the free
list of kept connections and cursors that chat/fastpath.py uses (``_Lanes``).

Embedded PostgreSQL in a temp dir (no migrations needed: the statement has the shape of
``chat_visitor_message()``'s call, 7 parameters with two arrays, and returns JSON, without
touching a table). Four statements at a time on uvloop, as a busy Daphne issues them; CPU is
this process's user + system time (PostgreSQL runs in its own processes).

    .venv/bin/python bench/fastpath_db.py --json bench/results/fastpath-db.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SQL = (
    "SELECT json_build_object('a', %s::int, 'b', %s::int, 'c', %s::text, 'd', %s::text, "
    "'e', %s::int, 'f', %s::bigint[], 'g', %s::float8[])"
)
PARAMS_LISTS = [
    1,
    2,
    "client-abc-123",
    "hello there, a message body",
    60,
    [10, 120],
    [10.0, 3600.0],
]
PARAMS_LITERALS = [
    1,
    2,
    "client-abc-123",
    "hello there, a message body",
    60,
    "{10,120}",
    "{10.0,3600.0}",
]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _measure(one: Callable[[], Awaitable[Any]], calls: int) -> dict[str, float]:
    for _ in range(100):
        await one()
    cpu, wall = _cpu(), time.perf_counter()
    for _ in range(calls // 4):
        await asyncio.gather(*(one() for _ in range(4)))
    return {
        "cpu_us_per_call": round((_cpu() - cpu) / calls * 1e6, 1),
        "wall_us_per_call": round((time.perf_counter() - wall) / calls * 1e6, 1),
    }


async def through_pool(url: str, calls: int) -> dict[str, float]:
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(url, min_size=4, max_size=4, kwargs={"autocommit": True}, open=False)
    await pool.open(wait=True)

    async def one() -> Any:
        async with pool.connection() as conn:
            cursor = await conn.execute(SQL, PARAMS_LISTS)
            return await cursor.fetchone()

    try:
        return await _measure(one, calls)
    finally:
        await pool.close()


async def through_lanes(url: str, calls: int, params: list[Any]) -> dict[str, float]:
    from chat.fastpath import _Lanes

    lanes = _Lanes(url, 4)
    try:
        return await _measure(lambda: lanes.execute(SQL, params), calls)
    finally:
        await lanes.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()
    import uvloop

    from supportdesk import embedded

    tmp = Path(tempfile.mkdtemp(prefix="supportdesk-fastpath-bench-"))
    services = embedded.start_services(tmp / "services")
    url = services.environ()["DATABASE_URL"]
    os.environ.update(services.environ(), DJANGO_SETTINGS_MODULE="supportdesk.settings.local")
    os.environ.setdefault("SUPPORTDESK_DEVDATA", str(tmp / "devdata"))
    import django

    django.setup()  # chat.fastpath imports the chat app
    runs: dict[str, list[dict[str, float]]] = {"pool": [], "lanes": [], "lanes_literals": []}
    try:
        for _ in range(args.rounds):  # interleaved: the VM's noise hits all three alike
            runs["pool"].append(uvloop.run(through_pool(url, args.calls)))
            runs["lanes"].append(uvloop.run(through_lanes(url, args.calls, PARAMS_LISTS)))
            runs["lanes_literals"].append(
                uvloop.run(through_lanes(url, args.calls, PARAMS_LITERALS))
            )
    finally:
        services.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    out = {
        "benchmark": "fastpath-db",
        "command": "python bench/fastpath_db.py --json bench/results/fastpath-db.json",
        "calls_per_run": args.calls,
        "runs": runs,
        "median_cpu_us_per_call": {
            k: statistics.median(r["cpu_us_per_call"] for r in v) for k, v in runs.items()
        },
    }
    print(json.dumps(out["median_cpu_us_per_call"]))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
