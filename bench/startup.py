"""How long `make run` takes to serve its first page, cold (empty data dir: initdb, migrate,
seed) and warm (data reused). Each sample starts the full launcher (web, worker, beat) in a
fresh process, polls /login/ until it answers 200, then stops it with SIGINT.

    .venv/bin/python bench/startup.py --cold 3 --warm 7 --json bench/results/startup.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sample(devdata: Path) -> tuple[float, float]:
    """Seconds to first 200 on /login/, and seconds to a clean stop after SIGINT."""
    port = _free_port()
    env = dict(os.environ, SUPPORTDESK_DEVDATA=str(devdata))
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "supportdesk.launcher", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ready = None
    try:
        while time.monotonic() - started < 120 and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as resp:
                    if resp.status == 200:
                        ready = time.monotonic() - started
                        break
            except OSError:
                time.sleep(0.05)
    finally:
        stop_started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(60)
        stopped = time.monotonic() - stop_started
    if ready is None:
        raise RuntimeError("the launcher never served /login/")
    return ready, stopped


def _summary(values: list[float]) -> dict[str, float | int | list[float]]:
    ordered = sorted(values)
    return {
        "n": len(values),
        "median_s": round(statistics.median(ordered), 3),
        "min_s": round(ordered[0], 3),
        "max_s": round(ordered[-1], 3),
        "samples_s": [round(v, 3) for v in values],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cold", type=int, default=3, help="cold samples (fresh data dir each)")
    parser.add_argument("--warm", type=int, default=7, help="warm samples (data reused)")
    parser.add_argument("--json", dest="json_path", help="write the figures here as JSON")
    args = parser.parse_args()

    cold: list[float] = []
    warm: list[float] = []
    stops: list[float] = []
    base = Path(tempfile.mkdtemp(prefix="supportdesk-bench-"))
    try:
        for i in range(args.cold):
            ready, stop = _sample(base / f"cold-{i}")
            cold.append(ready)
            stops.append(stop)
            print(f"cold {i + 1}/{args.cold}: first page after {ready:.2f}s", flush=True)
        reused = base / "cold-0" if args.cold else base / "warm"
        if not args.cold:
            _sample(reused)
        for i in range(args.warm):
            ready, stop = _sample(reused)
            warm.append(ready)
            stops.append(stop)
            print(f"warm {i + 1}/{args.warm}: first page after {ready:.2f}s", flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)

    result = {
        "benchmark": "make-run-startup",
        "what": "seconds from launcher start to the first 200 on /login/ (venv already installed)",
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "cold": _summary(cold) if cold else None,
        "warm": _summary(warm) if warm else None,
        "stop_after_sigint": _summary(stops) if stops else None,
    }
    print(json.dumps(result, indent=2))
    if args.json_path:
        Path(args.json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_path).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
