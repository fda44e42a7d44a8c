"""The search keeps its own promises, on queries drawn at random from the bundled corpus:

* a total that is not an estimate is the length of the list;
* small pages, one after another, are the same list as one long page (sorted by date too);
* a facet count is the length of the list its filter shows;
* sorted by date, the list holds the same paragraphs (up to which copy of a repeated one);
* an excluded word is in no result, a quoted phrase in every one.
"""
from __future__ import annotations

import random
import re

import pytest

from indexer.text.analysis import query_words
from indexer.errors import QueryError
from indexer.text.normalize import normalize
from indexer.ingest.pipeline import dupkey
from indexer.engine.schema import heading_and_text
from indexer.search.searcher import Searcher

QUERIES = 60
PAGE = 7


@pytest.fixture(scope="module")
def searcher(seed_index):
    return Searcher(seed_index, refresh_seconds=60)


def _queries(searcher) -> list[tuple[str, str, str]]:
    """(query, form, the word it excludes or quotes), built from words of random paragraphs."""
    rng = random.Random(20261129)
    texts = [h.text for h in searcher.search("社区 OR 工作 OR 建设", limit=100).hits]
    out = []
    while len(out) < QUERIES:
        words = [w for w in query_words(rng.choice(texts)) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w)]
        if len(words) < 3:
            continue
        a, b = rng.sample(words, 2)
        form = rng.choice(["plain", "two", "exclude", "or", "quoted"])
        query = {"plain": a, "two": f"{a} {b}", "exclude": f"{a} -{b}", "or": f"{a} OR {b}", "quoted": f"“{a}{b}”"}[form]
        out.append((query, form, b if form == "exclude" else a + b if form == "quoted" else ""))
    return out


def _all(searcher, q, **kw):
    hits, offset = [], 0
    while True:
        result = searcher.search(q, limit=100, offset=offset, **kw)
        hits += result.hits
        offset += 100
        if offset >= result.total or not result.hits:
            return result, hits


def test_queries_keep_their_promises(searcher):
    checked = 0
    for q, form, word in _queries(searcher):
        try:
            result, hits = _all(searcher, q)
        except QueryError:
            continue
        if result.estimated:
            continue
        checked += 1
        assert result.total == len(hits), q
        paged = [h.id for offset in range(0, min(len(hits), 5 * PAGE), PAGE)
                 for h in searcher.search(q, limit=PAGE, offset=offset).hits]
        assert paged == [h.id for h in hits][:len(paged)], q
        dated = _all(searcher, q, sort="date")[1]
        assert sorted(dupkey(h.text) for h in dated) == sorted(dupkey(h.text) for h in hits), q
        paged = [h.id for offset in range(0, min(len(dated), 5 * PAGE), PAGE)
                 for h in searcher.search(q, limit=PAGE, offset=offset, sort="date").hits]
        assert paged == [h.id for h in dated][:len(paged)], q
        for name, values in searcher.facet_counts(q)["counts"].items():
            for value, count in values[:3]:
                assert searcher.search(q, limit=1, filters={name: value}).total == count, (q, name, value)
        contents = [heading_and_text(normalize(h.section) if h.section else None, normalize(h.text)) for h in hits]
        if form == "exclude":
            assert not any(normalize(word) in c for c in contents), q
        if form == "quoted":
            assert all(normalize(word) in c for c in contents), q
    assert checked >= QUERIES // 2


def test_a_total_given_as_a_bound_is_counted_when_asked(seed_index, monkeypatch):
    """Too many matches to count cheaply: the total is an upper bound on the list's length, and
    the length itself is what a search with count_all, Searcher.count and the facets' total say."""
    import indexer.search.searcher as searching

    monkeypatch.setattr(searching, "EXACT_COUNT_LIMIT", 0)       # every relevance total a bound
    searcher = Searcher(seed_index)
    checked = 0
    for q, form, _ in _queries(searcher)[:24]:
        try:
            bounded = searcher.search(q, limit=1)
        except QueryError:
            continue
        if not bounded.estimated:
            continue              # a quoted phrase confirmed on the text is counted anyway
        checked += 1
        length = len(_all(searcher, q)[1])
        counted = searcher.search(q, limit=1, count_all=True)
        assert bounded.total >= length, q
        assert (counted.total, counted.estimated) == (length, False), q
        assert searcher.count(q) == searcher.facet_counts(q)["total"] == length, q
        assert searcher.search(q, limit=1, sort="date").total == length, q
    assert checked >= 10
