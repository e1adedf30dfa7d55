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


def _autobahn_masker(mask: bytes, length: int) -> object:
    from autobahn.websocket.xormasker import create_xor_masker

    return create_xor_masker(mask, length)


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 127, 128, 129, 1000, 65536])
@pytest.mark.parametrize("split", [0, 1, 2, 3, 7])
def test_xor_masker_matches_autobahns(size: int, split: int) -> None:
    from supportdesk.serve import XorMasker

    mask, data = os.urandom(4), os.urandom(size)
    ours, theirs = XorMasker(mask, size), _autobahn_masker(mask, size)
    got = ours.process(data[:split]) + ours.process(data[split:])
    want = theirs.process(data[:split]) + theirs.process(data[split:])  # type: ignore[attr-defined]
    assert got == want
    assert ours.pointer() == size
    assert XorMasker(mask).process(got) == data  # masking twice gives the payload back
    ours.reset()
    assert ours.pointer() == 0


def test_xor_masker_refuses_a_bad_mask() -> None:
    from supportdesk.serve import XorMasker

    with pytest.raises(ValueError):
        XorMasker(b"abc")


TUNE_PROBE = (
    "from supportdesk.serve import tune_autobahn, XorMasker; tune_autobahn(); "
    "import autobahn.websocket.protocol as p, autobahn.util as u; "
    "print(p.create_xor_masker is XorMasker, repr(u.hltype(tune_autobahn)))"
)


def test_tune_autobahn_swaps_the_masker_and_drops_log_colours() -> None:
    out = subprocess.run(
        [sys.executable, "-c", TUNE_PROBE], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True '<supportdesk.serve.tune_autobahn>'"
