"""The exact-tier top k (indexer.engine.topk) against Whoosh scoring every match, on an index with
many posting blocks, two segments and deleted documents."""
import random
import time

import pytest
from whoosh import index
from whoosh import query as Q
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.searching import Searcher

from engine_support import exact_weighting
from engine_support import whoosh_best as _best
from indexer.engine.deadline import Stopped
from indexer.engine.exclusion import AndNot
from indexer.engine.topk import conjunction, top_k

WORDS = ["aa", "bb", "cc", "dd", "ee", "ff"]
# Document frequency falls from aa (nearly every document) to ff (a few percent).
SHARE = [0.9, 0.6, 0.45, 0.3, 0.1, 0.03]


def two_segments(folder, words: list[str], shares: list[float], seed: int, most: int, per_segment: int,
                 delete_every: int) -> Searcher:
    """A searcher over two segments of random documents (each word, in its share of them, up to
    ``most`` times) and some deleted documents."""
    rng = random.Random(seed)
    schema = Schema(id=ID(stored=True, unique=True), grams=TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False))
    ix = index.create_in(str(folder), schema)
    n = 0
    for _ in range(2):
        writer = ix.writer()
        for _ in range(per_segment):
            found = [w for w, share in zip(words, shares) for _ in range(rng.randint(1, most)) if rng.random() < share]
            writer.add_document(id=str(n), grams=" ".join(found) or "zz")
            n += 1
        writer.commit(merge=False)
    writer = ix.writer()
    for docnum in range(0, n, delete_every):
        writer.delete_by_term("id", str(docnum))
    writer.commit(merge=False)
    s = Searcher(ix.reader(), weighting=exact_weighting())
    assert len(s.leaf_searchers()) == 2 and s.reader().has_deletions()
    return s


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    s = two_segments(tmp_path_factory.mktemp("topk"), WORDS, SHARE, seed=5, most=12, per_segment=1500, delete_every=7)
    yield s
    s.close()


def brute(searcher, query, k):
    every = sorted(((round(hit.score, 9), hit.docnum) for hit in searcher.search(query, limit=None)),
                   key=lambda sd: (-sd[0], sd[1]))
    return every[:k], len(every) < k


@pytest.mark.parametrize("words", [["aa"], ["ff"], ["aa", "bb"], ["aa", "bb", "cc"], ["bb", "ee"],
                                   ["aa", "ff"], ["cc", "dd", "ee", "ff"], ["aa", "nowhere"]])
@pytest.mark.parametrize("k", [1, 10, 20, 300, 5000])
def test_same_as_scoring_every_match(searcher, words, k):
    query = Q.And([Q.Term("grams", w) for w in words]) if len(words) > 1 else Q.Term("grams", words[0])
    ranked, exhausted = top_k(searcher, query, k)
    expected, expected_exhausted = brute(searcher, query, k)
    assert [d for _, d in ranked] == [d for _, d in expected]
    assert [s for s, _ in ranked] == pytest.approx([s for s, _ in expected], abs=1e-6)
    assert exhausted == expected_exhausted


def test_nested_and_is_flattened():
    query = Q.And([Q.And([Q.Term("grams", "aa"), Q.Term("grams", "bb")]), Q.Term("grams", "cc")])
    assert [t[1] for t in conjunction(query)] == ["aa", "bb", "cc"]
    assert conjunction(Q.And([Q.Term("grams", "aa"), lone("b")]))[1] == ("grams", "b", 1.0, True)


def brute_within(searcher, query, k, allowed=None, excluded=None):
    """brute, keeping the documents allowed and not excluded (sets found by Whoosh)."""
    allowed = set(searcher.docs_for_query(allowed)) if allowed is not None else None
    excluded = set(searcher.docs_for_query(excluded)) if excluded is not None else set()
    every = sorted(((round(hit.score, 9), hit.docnum) for hit in searcher.search(query, limit=None)
                    if hit.docnum not in excluded and (allowed is None or hit.docnum in allowed)),
                   key=lambda sd: (-sd[0], sd[1]))
    return every[:k], len(every) < k


NARROW = Q.Or([Q.Term("id", str(n)) for n in range(100, 3000, 37)])     # a few dozen documents


@pytest.mark.parametrize("words,allowed,excluded", [
    (["aa", "bb"], None, Q.Term("grams", "cc")),
    (["cc"], None, Q.Or([Q.Term("grams", "ee"), Q.And([Q.Term("grams", "dd"), Q.Term("grams", "bb")])])),
    (["aa", "bb"], Q.Term("grams", "dd"), None),
    (["aa"], NARROW, None),
    (["bb", "cc"], NARROW, Q.Term("grams", "ee")),
])
@pytest.mark.parametrize("k", [1, 10, 20, 300])
def test_exclusions_and_filters_as_the_search_builds_them(searcher, words, allowed, excluded, k):
    query = Q.And([Q.Term("grams", w) for w in words]) if len(words) > 1 else Q.Term("grams", words[0])
    built = AndNot(query, excluded) if excluded is not None else query
    if allowed is not None:
        built = Q.And([built, Q.ConstantScoreQuery(allowed, 0.0)])      # facets.restrict's shape
    ranked, exhausted = top_k(searcher, built, k)
    expected, expected_exhausted = brute_within(searcher, query, k, allowed, excluded)
    assert [d for _, d in ranked] == [d for _, d in expected]
    assert [s for s, _ in ranked] == pytest.approx([s for s, _ in expected], abs=1e-6)
    assert exhausted == expected_exhausted


# A character alone, and the bigrams it opens: three terms open with a and b, two with c, one with e.
LONE_WORDS = ["a", "ab", "ac", "b", "ba", "bc", "c", "cd", "e"]
LONE_SHARE = [0.3, 0.5, 0.2, 0.6, 0.3, 0.1, 0.4, 0.2, 0.1]


@pytest.fixture(scope="module")
def lone_searcher(tmp_path_factory):
    s = two_segments(tmp_path_factory.mktemp("lone"), LONE_WORDS, LONE_SHARE, seed=7, most=6, per_segment=1200,
                     delete_every=5)
    yield s
    s.close()


def lone(char: str, boost: float = 1.0):
    """A lone character as the exact tier asks for it (indexer.search.tiers._gram_terms)."""
    return Q.Or([Q.Term("grams", char), Q.Prefix("grams", char)], boost=boost)


@pytest.mark.parametrize("query", [
    lone("a"), lone("c"), lone("e"), lone("a", boost=0.5),
    Q.And([lone("a"), Q.Term("grams", "bc")]),
    Q.And([lone("a"), lone("b")]),
    Q.And([Q.Term("grams", "ab").with_boost(0.5), lone("c", boost=0.5)]),
    Q.And([lone("b"), Q.ConstantScoreQuery(Q.Term("grams", "ac"), 0.0)]),
])
@pytest.mark.parametrize("k", [1, 10, 300, 5000])
def test_a_lone_character_is_ranked_here_as_whoosh_scores_it(lone_searcher, query, k):
    # Or(Term c, Prefix c) is a union of every term opening with c; Whoosh ran it a posting at a
    # time (a single-character query took seconds at 100,000 paragraphs). Same top k, same scores.
    ranked, exhausted = top_k(lone_searcher, query, k)
    scored = query.subqueries[0] if type(query) is Q.And and type(query.subqueries[-1]) is Q.ConstantScoreQuery else query
    allowed = query.subqueries[-1].child if scored is not query else None
    expected, expected_exhausted = brute_within(lone_searcher, scored, k, allowed)
    assert [d for _, d in ranked] == [d for _, d in expected]
    assert [s for s, _ in ranked] == pytest.approx([s for s, _ in expected], abs=1e-6)
    assert exhausted == expected_exhausted


@pytest.mark.parametrize("query", [
    Q.Or([Q.Term("grams", "aa"), Q.Term("grams", "bb")]),
    AndNot(Q.Or([Q.Term("grams", "aa"), Q.Term("grams", "bb")]), Q.Term("grams", "cc")),
    Q.And([Q.Term("grams", "aa"), Q.Prefix("grams", "b")]),
])
def test_other_shapes_are_left_to_whoosh(searcher, query):
    assert top_k(searcher, query, 10) is None


@pytest.mark.parametrize("query", [
    Q.Or([Q.And([Q.Term("grams", "ee"), Q.Term("grams", "bb")]), Q.Term("grams", "ff")]),
    Q.And([Q.Or([Q.Term("grams", "dd"), Q.Term("grams", "ee")]), Q.ConstantScoreQuery(Q.Term("grams", "aa"), 0.0)]),
    Q.Or([Q.Term("grams", w) for w in ["cc", "dd", "ee", "ff"]]),
])
@pytest.mark.parametrize("k", [1, 10, 20, 300])
def test_what_topk_leaves_to_whoosh_is_still_exact(searcher, query, k):
    expected, _ = brute(searcher, query, k)
    assert [hit.docnum for hit in _best(searcher, query, k)] == [d for _, d in expected]


# --- past the deadline: what was found so far, in order, with its true scores ----------------------

def test_topk_past_its_deadline_hands_back_the_best_it_scored(searcher):
    query = Q.Term("grams", "aa")            # in most documents: more blocks than one look at the clock
    every = dict((d, s) for s, d in brute(searcher, query, 5000)[0])
    with pytest.raises(Stopped) as stop:
        top_k(searcher, query, 5000, deadline=time.monotonic() - 1)
    found = stop.value.found
    assert 0 < len(found) < len(every)
    assert found == sorted(found, key=lambda sd: (-sd[0], sd[1]))
    assert all(s == pytest.approx(every[d], abs=1e-6) for s, d in found)


def test_whoosh_search_past_its_deadline_stops_at_the_next_match(searcher):
    query = Q.Or([Q.Term("grams", "aa"), Q.Term("grams", "bb")])
    with pytest.raises(Stopped) as stop:
        _best(searcher, query, 5000, mask=set(range(0, 3000, 2)), deadline=time.monotonic() - 1)
    assert stop.value.found.scored_length() == 0


def test_a_search_within_its_deadline_is_whole(searcher):
    query = Q.And([Q.Term("grams", "aa"), Q.Term("grams", "bb")])
    ranked, _ = top_k(searcher, query, 20, deadline=time.monotonic() + 60)
    assert ranked == top_k(searcher, query, 20)[0]


@pytest.mark.parametrize("words", [["aa"], ["aa", "bb"], ["cc", "dd", "ee", "ff"]])
def test_block_headers_kept_from_an_earlier_search_give_the_same_top_k(searcher, words, monkeypatch):
    from indexer.engine import kept

    monkeypatch.setattr(kept, "LONG", 1)            # every list of this small index is "long"
    kept.clear()
    query = Q.And([Q.Term("grams", w) for w in words]) if len(words) > 1 else Q.Term("grams", words[0])
    first = top_k(searcher, query, 20)
    assert kept._kept                                # something was kept…
    assert top_k(searcher, query, 20) == first       # …and the search that reads it back agrees
    assert [d for _, d in first[0]] == [d for _, d in brute(searcher, query, 20)[0]]
    kept.clear()


def test_short_lists_are_read_from_their_blocks_once_and_kept_within_their_budget(searcher, monkeypatch):
    # A segment written by a run that added a folder of reports has most lists short; each query
    # read each of them again from its blocks.
    from indexer.engine import kept

    kept.clear()
    query = Q.And([Q.Term("grams", "ee"), Q.Term("grams", "ff")])       # the rarest two: short lists
    first = top_k(searcher, query, 20)
    leaf, other = (r for r, _ in searcher.reader().leaf_readers())
    assert not kept.is_long(leaf, "grams", b"ee") and not kept.is_long(other, "grams", b"ff")
    assert kept.posting_list(leaf, "grams", b"ee") is kept.posting_list(leaf, "grams", b"ee", weights=False)
    assert top_k(searcher, query, 20) == first
    assert [d for _, d in first[0]] == [d for _, d in brute(searcher, query, 20)[0]]
    kept.clear()
    kept.posting_list(leaf, "grams", b"ee")
    monkeypatch.setattr(kept._short, "budget", kept._short.size + 10)
    kept.posting_list(leaf, "grams", b"ff")                 # a shorter list: it fits, ee's goes
    assert list(kept._short.entries) == [(leaf.segment().segment_id(), "grams", b"ff")]
    assert kept._short.size <= kept._short.budget
    kept.clear()


def test_asking_one_ranking_for_more_gives_what_a_fresh_top_k_gives(searcher):
    from indexer.engine.topk import Ranking

    query = Q.And([Q.Term("grams", "aa"), Q.Term("grams", "bb")])
    ranking = Ranking.of(searcher, query)
    for k in (5, 13, 26, 212, 5000):
        assert ranking.top(k) == top_k(searcher, query, k)
