"""Browser end-to-end tests: Debian's Chromium driven by Playwright against a real Daphne.

Run in their own pytest invocation (`make test-browser`): pytest-playwright's sync API keeps an
event loop in the main thread, which clashes with async tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("SUPPORTDESK_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"Chromium not found at {CHROMIUM} (apt-get install chromium).")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    for item in items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def daphne_url(transactional_db: None) -> Iterator[str]:
    """A real Daphne on a free port, talking to this session's test database and Redis."""
    test_db = connections["default"].settings_dict
    database_url = re.sub(r"/[^/?]+$", "/" + test_db["NAME"], settings.DATABASE_URL)
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=settings.REDIS_URL,
        DJANGO_SETTINGS_MODULE="supportdesk.settings.test",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log_path = ARTIFACTS / "daphne.log"
    ARTIFACTS.mkdir(exist_ok=True)
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "supportdesk.serve",
            "-e",
            "tcp:port=0:interface=127.0.0.1",
            "supportdesk.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        port = None
        while time.monotonic() < deadline and port is None:
            match = re.search(r"Listening on TCP address 127\.0\.0\.1:(\d+)", log_path.read_text())
            if match:
                port = int(match.group(1))
            elif proc.poll() is not None:
                break
            else:
                time.sleep(0.05)
        if port is None:
            raise RuntimeError(f"Daphne did not start:\n{log_path.read_text()}")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def seeded_demo(transactional_db: None) -> None:
    from django.core.management import call_command

    call_command("seed_demo", allow_production=True, origin="http://127.0.0.1:8000")
