"""IP_ADDRESS: IPv4 (each octet 0-255) and IPv6, full or compressed.

Found: ``192.168.1.20``, ``10.0.0.5:8080`` (the address part), ``2001:db8::8a2e:370:7334``,
``fe80::1``. Not found: ``version 1.2.3.4`` / ``build 10.0.19045.2006`` (version numbers),
``256.1.1.1``, ``12:30:45`` (a time), MAC addresses, ``std::vector``.
"""

from __future__ import annotations

import ipaddress
import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers._support import (
    CompiledPatterns,
    SupportDeskPatternRecognizer,
    compile_patterns,
    fuzzy,
    pattern_results,
    set_score,
    shape,
)
from redaction.types import IP_ADDRESS

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"


class IpAddressRecognizer(SupportDeskPatternRecognizer):
    """IPv4 passes alone unless a version word ("version", "build", "update the app to"...)
    comes a few words before it and no IP word ("ip", "ping", "vpn"...) does: four dotted
    numbers there are a version. IPv6 candidates are checked
    with ``ipaddress`` and must contain a digit (so ``dead::beef`` or ``Foo::bar`` prose is
    left alone)."""

    ENTITY = IP_ADDRESS

    PATTERNS = [
        Pattern(
            "IPv4",
            rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?![\w]|\.\d)",
            0.7,
        ),
        Pattern(
            "IPv6 (candidate)",
            r"(?<![\w:.])(?:[0-9a-f]{1,4}:|:(?=:))(?:[0-9a-f]{0,4}:){1,7}"
            r"(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{1,4})?(?![\w:]|\.\d)",
            0.85,
        ),
    ]

    CONTEXT = ["ip", "ipv4", "ipv6", "address", "server", "host", "router", "vpn"]

    _COMPILED = compile_patterns(PATTERNS)
    _IPV4_SHAPE_RE = re.compile(rb"9\.9{1,3}\.9{1,3}\.9")
    # A version word a few words before ("update the app to 5.0.9.24", "(version 12.1.9.19)").
    _VERSION_BEFORE_RE = re.compile(
        rf"(?:\b{fuzzy('version', 'release', 'firmware', 'upgrade', 'update', 'install')}\w*|"
        r"\b(?:ver|v|build|fw|patch|driver|bios|sdk|kernel|app|apps|os|ios|android|windows|"
        r"macos|rev|revision|software|client)\b)[^.!?\n\d]{0,25}$",
        re.IGNORECASE,
    )
    # Words that make it an IP address even next to a version word.
    _IP_WORD_BEFORE_RE = re.compile(
        r"\b(?:ip|ipv4|ipv6|ip\s+address|ping|subnet|gateway|dns|proxy|vpn)\b[^.!?\n]{0,25}$",
        re.IGNORECASE,
    )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        ipv4, ipv6 = self._COMPILED
        patterns: CompiledPatterns = (ipv4,) if self._IPV4_SHAPE_RE.search(shape(text)) else ()
        patterns += (ipv6,) if text.count(":") >= 2 else ()
        if not patterns:
            return []
        results = pattern_results(self, text, patterns)
        kept = []
        for result in results:
            before = text[max(0, result.start - 40) : result.start]
            if self._IP_WORD_BEFORE_RE.search(before):
                set_score(result, max(result.score, 0.95))
            elif self._VERSION_BEFORE_RE.search(before):
                continue
            set_score(result, result.score)
            kept.append(result)
        return kept

    def validate_result(self, pattern_text: str) -> bool | None:
        if ":" not in pattern_text:
            return None  # IPv4: the regex already bounds every octet
        if not any(char.isdigit() for char in pattern_text):
            return False
        try:
            ipaddress.IPv6Address(pattern_text)
        except ValueError:
            return False
        return True


RECOGNIZER = IpAddressRecognizer
