"""Ways out of an empty result list: the same query with one word dropped, or without quotes.

Pure functions over the query string; the view counts each candidate and offers the ones
that find something.
"""
from __future__ import annotations

import re

from indexer.text.analysis import query_words

MAX_CANDIDATES = 4      # each one is counted with a search
_SEPARATORS = re.compile(r"[\s\u3000、，,;；]+")
_OPERATORS = {"OR", "AND", "NOT", "或", "且", "|", "｜"}
_QUOTES = "\"“”「」『』‘’"


def _tokens(q: str) -> list[str]:
    """Space-separated parts, a quoted phrase kept whole."""
    out, buf, quote = [], [], None
    for ch in q.strip():
        if quote:
            buf.append(ch)
            if ch in _QUOTES and ch != quote or ch == quote and len(buf) > 1:
                quote = None
            continue
        if ch in _QUOTES:
            quote = ch
            buf.append(ch)
        elif _SEPARATORS.match(ch):
            if buf:
                out.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
    if buf:
        out.append("".join(buf))
    return out


def relaxations(q: str) -> list[tuple[str, str]]:
    """(label such as 去掉“火星”, the relaxed query) pairs.

    Several words: drop each in turn. One quoted phrase: drop the quotes. One long word:
    drop each of its jieba words, keeping the rest as separate words.
    """
    tokens = _tokens(q)
    words = [t for t in tokens if t not in _OPERATORS]
    out: list[tuple[str, str]] = []
    if len(words) > 1:
        for word in words:
            rest = [t for t in tokens if t != word]
            if [t for t in rest if t not in _OPERATORS]:
                out.append((f"去掉“{word}”", " ".join(rest)))
    elif len(words) == 1:
        word = words[0]
        bare = word.strip(_QUOTES)
        if bare != word and bare:
            out.append(("去掉引号", bare))
        parts = query_words(bare)
        if len(parts) > 1:
            for n, part in enumerate(parts):
                out.append((f"去掉“{part}”", " ".join(parts[:n] + parts[n + 1:])))
    seen, unique = set(), []
    for label, relaxed in out:
        if relaxed and relaxed not in seen and relaxed != q:
            seen.add(relaxed)
            unique.append((label, relaxed))
    return unique[:MAX_CANDIDATES]
