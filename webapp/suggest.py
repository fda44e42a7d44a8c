"""Ways out of an empty result list: the same query with one word dropped, or without quotes.

Its place in the flow query → parse → search → highlight → results: after a search that found
little, the search page (views) asks here for variants of the parsed query — new ParsedQuery
objects (indexer.search.query) — searches each, and offers the ones that find something.
"""
from __future__ import annotations

from indexer.errors import QueryError
from indexer.search.query import OPERATORS, ParsedQuery, of_words, parse
from indexer.text.analysis import query_words

MAX_CANDIDATES = 4      # each one is counted with a search


def relaxed_queries(q: str) -> list[tuple[str, ParsedQuery]]:
    """(label such as 去掉“火星”, the relaxed query) pairs.

    Several words: drop each in turn. One quoted phrase: drop the quotes. One long word:
    drop each of its jieba words, keeping the rest as separate words. A relaxed query may have
    nothing left to search; searching it then raises QueryError.
    """
    try:
        parsed = parse(q)
    except QueryError:
        return []
    words = [w for w in parsed.words() if w not in OPERATORS]
    out: list[tuple[str, ParsedQuery]] = []
    if len(words) > 1:
        for word in words:
            relaxed = parsed.without(word)
            if any(w not in OPERATORS for w in relaxed.words()):
                out.append((f"去掉“{word}”", relaxed))
    elif len(words) == 1:
        bare = parsed.unquoted()
        if bare.text != words[0] and bare.text:
            out.append(("去掉引号", bare))
        parts = query_words(bare.text)
        if len(parts) > 1:
            for n, part in enumerate(parts):
                out.append((f"去掉“{part}”", of_words(parts[:n] + parts[n + 1:])))
    seen, unique = set(), []
    for label, relaxed in out:
        if relaxed.text and relaxed.text not in seen and relaxed.text != q:
            seen.add(relaxed.text)
            unique.append((label, relaxed))
    return unique[:MAX_CANDIDATES]


def relaxations(q: str) -> list[tuple[str, str]]:
    """(label, the relaxed query as the user would type it) pairs."""
    return [(label, relaxed.text) for label, relaxed in relaxed_queries(q)]
