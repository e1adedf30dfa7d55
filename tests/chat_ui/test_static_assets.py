"""Guards on the widget and inbox scripts: small enough to embed, and no HTML sinks for data."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"
WIDGET = STATIC / "widget" / "supportdesk-widget.js"
INBOX = STATIC / "inbox" / "inbox.js"
HTML_SINKS = re.compile(r"\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval)\b")


def test_widget_is_under_30_kb_gzipped() -> None:
    size = len(gzip.compress(WIDGET.read_bytes(), compresslevel=9))

    assert size < 30 * 1024


def _code(path: Path) -> str:
    """The script without its comments (they may name the sinks they avoid)."""
    source = path.read_text()
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"^\s*//.*$", "", source, flags=re.M)


STRING_CONCAT = re.compile(r"""(\s*("([^"\\]|\\.)*"|'([^'\\]|\\.)*')\s*\+?)+""")


def test_widget_sets_html_once_from_string_literals_only() -> None:
    code = _code(WIDGET)

    sinks = HTML_SINKS.findall(code)
    shell = re.search(r"root\.innerHTML =(.*?);\n", code, flags=re.S)

    assert sinks == ["innerHTML"]
    assert shell is not None
    assert STRING_CONCAT.fullmatch(shell.group(1))  # constants only: no variable reaches it


@pytest.mark.parametrize("script", [INBOX], ids=["inbox.js"])
def test_inbox_script_has_no_html_sinks(script: Path) -> None:
    assert HTML_SINKS.findall(_code(script)) == []
