"""supportdesk.serve: Daphne's event loop is uvloop unless SUPPORTDESK_UVLOOP=0."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = (
    "from supportdesk.serve import use_uvloop; used = use_uvloop(); "
    "import daphne.server as s; print(used, type(s.twisted_loop).__module__)"
)


@pytest.mark.parametrize(
    ("switch", "expected"), [("1", "True uvloop"), ("0", "False asyncio.unix_events")]
)
def test_daphnes_loop_is_uvloop_unless_switched_off(switch: str, expected: str) -> None:
    env = dict(os.environ, SUPPORTDESK_UVLOOP=switch)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == expected


def test_serve_takes_daphnes_arguments() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "supportdesk.serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--proxy-headers" in out.stdout and "application" in out.stdout
