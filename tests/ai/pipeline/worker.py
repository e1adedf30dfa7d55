"""A real Celery worker (prefork) for the pipeline tests and the benchmark: a child process on
this session's test database and Redis, consuming queue "ai"."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def worker_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="tests.ai.pipeline.worker_settings",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(extra)
    return env


def endpoints_env(openai_url: str) -> dict[str, str]:
    """One platform endpoint (UK) at a fake provider, for a worker's router."""
    return {
        "AI_ENDPOINTS": json.dumps(
            [
                {
                    "name": "fake-uk",
                    "kind": "openai",
                    "region": "uk",
                    "model": "fake-model",
                    "base_url": openai_url,
                    "key_env": "FAKE_PLATFORM_KEY",
                }
            ]
        ),
        "FAKE_PLATFORM_KEY": "sk-fake-platform-0000",
    }


class Worker:
    """``celery -A supportdesk worker -Q ai`` in its own process group (so a SIGKILL takes the
    main process and its pool children at once, as an OOM kill of the container would)."""

    def __init__(self, env: dict[str, str], log_path: Path, concurrency: int = 1) -> None:
        self.log_path = log_path
        self.log = log_path.open("a")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "supportdesk",
                "worker",
                "-Q",
                "ai",
                "-c",
                str(concurrency),
                "-P",
                "prefork",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"ai-test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        start = self.log_path.stat().st_size if self.log_path.exists() else 0
        while time.monotonic() < deadline:
            text = self.log_path.read_text()[start:] if start else self.log_path.read_text()
            if re.search(r"ai-test-\S+ ready\.", text) or " ready." in text:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"the worker did not start:\n{self.log_path.read_text()[-4000:]}")

    def kill9(self) -> None:
        """SIGKILL the whole worker (main process and pool children)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log.close()


def purge_ai_queue() -> int:
    """Drop tasks other tests left in the broker (their rows are gone; they would be no-ops)."""
    from supportdesk.celery import app

    with app.connection_for_write() as conn:
        return int(conn.default_channel.queue_purge("ai") or 0)


def database_url_for_workers() -> str:
    from django.conf import settings
    from django.db import connections

    name = connections["default"].settings_dict["NAME"]
    return re.sub(r"/[^/?]+(\?|$)", f"/{name}\\1", settings.DATABASE_URL, count=1)
