"""The built-in offline provider: region ``local``, no network, no key. It keeps ``make run``
useful without any provider key, and serves as the last fallback where a workspace allows it.

- ``summary``: extractive, the most representative sentences of the transcript, in order;
- ``suggestions``: a JSON array of up to 3 of ``request.candidates`` (the workspace's saved
  replies) ranked by word overlap with the latest message;
- ``agent``: the best candidate if it matches well enough, else ``HANDOFF_MARKER``;
- ``translation``: the text unchanged (it cannot translate; ``Completion.offline`` says so);
- ``key_check``: "ok".
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter

from ai.router.types import HANDOFF_MARKER, CompletionRequest

from .base import ProviderResult

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "hello",
        "hi",
        "how",
        "i",
        "i'm",
        "if",
        "in",
        "is",
        "it",
        "its",
        "just",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "please",
        "so",
        "thanks",
        "thank",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yes",
        "ok",
        "okay",
    ]
)
#: Below this overlap score the agent hands off instead of answering.
AGENT_MIN_SCORE = 0.2
SUMMARY_SENTENCES = 3


def _words(text: str) -> list[str]:
    return [w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in _STOP]


def _content(request: CompletionRequest) -> list[str]:
    return [m.content for m in request.messages if m.role != "system"]


def _latest(request: CompletionRequest) -> str:
    contents = _content(request)
    if not contents:
        return ""
    lines = [line for line in contents[-1].splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _score(query: list[str], candidate: str) -> float:
    """Cosine similarity of word counts (0..1)."""
    q, c = Counter(query), Counter(_words(candidate))
    if not q or not c:
        return 0.0
    dot = sum(q[w] * c[w] for w in q)
    return dot / (
        math.sqrt(sum(v * v for v in q.values())) * math.sqrt(sum(v * v for v in c.values()))
    )


def rank(request: CompletionRequest) -> list[tuple[float, str]]:
    query = _words(_latest(request)) or _words(" ".join(_content(request)))
    scored = [(_score(query, c), c) for c in request.candidates if c.strip()]
    return sorted(scored, key=lambda pair: -pair[0])


def summarize(text: str, *, sentences: int = SUMMARY_SENTENCES) -> str:
    parts = [s.strip() for s in _SENTENCE.split(text) if len(_words(s)) >= 2]
    if len(parts) <= sentences:
        return " ".join(parts)
    freq = Counter(w for s in parts for w in _words(s))
    scores = [sum(freq[w] for w in set(_words(s))) / (1 + len(_words(s))) ** 0.5 for s in parts]
    best = sorted(sorted(range(len(parts)), key=lambda i: -scores[i])[:sentences])
    return " ".join(parts[i] for i in best)


def complete(request: CompletionRequest) -> ProviderResult:
    feature = request.feature
    if feature == "summary":
        text = summarize("\n".join(_content(request)))
    elif feature == "suggestions":
        drafts = [c for score, c in rank(request) if score > 0][:3]
        text = json.dumps(drafts, ensure_ascii=False)
    elif feature == "agent":
        ranked = rank(request)
        text = ranked[0][1] if ranked and ranked[0][0] >= AGENT_MIN_SCORE else HANDOFF_MARKER
    elif feature == "translation":
        text = _content(request)[-1] if _content(request) else ""
    else:
        text = "ok"
    return ProviderResult(text=text, input_tokens=None, output_tokens=None)
