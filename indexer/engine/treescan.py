"""Every match of a query and its score, a posting list at a time: Whoosh's matcher tree, done as arrays.

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
index view's ``top_k``, for the queries the block-max top k (indexer.engine.topk) does not
handle: the lower tiers' Or of words, synonyms and partial matches.

Whoosh scores such a query a match at a time in Python. When a page has to reach the lower tiers
(a long topic, a question, a word the collection never writes as typed), the partial tier
matches every paragraph with one common word of the query (管理, 推进, 服务): at 100,000
paragraphs tens of thousands of matches, about a second. Here Whoosh still builds the matcher
tree, which fixes everything that decides a score (which subquery goes where, boosts, the
scorer of each term); the tree is then evaluated whole, as arrays: a term's postings decoded at
once and scored as its scorer scores one posting (BM25F with the document's field length read
from the same length column, or presence), a union adding where both sides match, an
intersection adding, an optional part adding where it matches, an exclusion removing. The sums
are made in the tree's order, so each score is the same float Whoosh computes. A tree holding
any other matcher (Whoosh's preloaded Or of small segments, phrases, prefixes) is scanned by
Whoosh itself, a match at a time, segment by segment.
"""
from __future__ import annotations

import numpy as np
from whoosh import matching as M
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

from indexer.engine import kept
from indexer.engine.deadline import Stopped, passed
from indexer.engine.exclusion import _Matcher as Excluding
from indexer.engine.optional import _Matcher as Optional
from indexer.engine.scoring import _PresenceScorer

_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class _Unsupported(Exception):
    pass


class Scan:
    """Every match of a query (docnum, score), best first, ties to the lower docnum: what
    Whoosh's collector ranks, once, for any k."""

    def __init__(self, docs: np.ndarray, scores: np.ndarray):
        order = np.lexsort((docs, -scores))
        self.docs, self.scores = docs[order], scores[order]

    def top(self, k: int) -> tuple[list[tuple[float, int]], bool]:
        """The k best (score, docnum) and whether they are every match (as ``topk.whoosh_best``)."""
        return list(zip(self.scores[:k].tolist(), self.docs[:k].tolist())), len(self.docs) < k


def scan(searcher, query, mask: set[int] | None = None, deadline: float | None = None) -> Scan:
    """Every match of query, scored as Whoosh scores it (docnums in ``mask`` left out)."""
    context = searcher.context()
    docs, scores = [], []
    for subsearcher, offset in searcher.leaf_searchers():
        if passed(deadline):
            raise Stopped(Scan(np.concatenate(docs or [np.zeros(0, np.int64)]),
                               np.concatenate(scores or [np.zeros(0)])).top(2 ** 31)[0])
        matcher = query.matcher(subsearcher, context)
        try:
            d, s = _evaluate(matcher, subsearcher.reader())
        except _Unsupported:
            d, s = _walk(matcher, deadline)
        docs.append(d.astype(np.int64) + offset)
        scores.append(s)
    docs, scores = np.concatenate(docs), np.concatenate(scores)
    if mask:
        keep = ~np.isin(docs, np.fromiter(mask, dtype=np.int64, count=len(mask)))
        docs, scores = docs[keep], scores[keep]
    return Scan(docs, scores)


def _walk(matcher, deadline: float | None) -> tuple[np.ndarray, np.ndarray]:
    """A matcher's matches and scores, a match at a time (what Whoosh's collector does)."""
    docs, scores = [], []
    while matcher.is_active():
        if len(docs) % 1024 == 1023 and passed(deadline):
            raise Stopped([])
        docs.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
    return np.array(docs, dtype=np.int64), np.array(scores, dtype=np.float64)


def _evaluate(m, reader) -> tuple[np.ndarray, np.ndarray]:
    """(sorted docnums in the segment, their scores) of every match of matcher m."""
    kind = type(m)
    if isinstance(m, M.NullMatcherClass):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    if kind is W3LeafMatcher:
        return _leaf(m, reader)
    if kind is M.FilterMatcher:
        docs, scores = _evaluate(m.child, reader)
        inside = np.isin(docs, np.fromiter(m._ids, dtype=np.int64, count=len(m._ids)))
        keep = ~inside if m._exclude else inside
        return docs[keep], scores[keep] * m.boost
    if kind is M.WrappingMatcher:
        docs, scores = _evaluate(m.child, reader)
        return docs, scores * m.boost
    if kind is M.UnionMatcher:
        (a, sa), (b, sb) = _evaluate(m.a, reader), _evaluate(m.b, reader)
        docs = np.union1d(a, b)
        scores = np.zeros(len(docs))
        ia, ib = np.searchsorted(docs, a), np.searchsorted(docs, b)
        only_a, only_b = ~np.isin(a, b), ~np.isin(b, a)
        scores[ia[only_a]] = sa[only_a]
        scores[ib[only_b]] = sb[only_b]
        both_a = ~only_a
        both_b = ~only_b
        scores[ia[both_a]] = sa[both_a] + sb[both_b]      # a.score() + b.score(), in that order
        return docs, scores
    if kind is M.IntersectionMatcher:
        (a, sa), (b, sb) = _evaluate(m.a, reader), _evaluate(m.b, reader)
        docs, ia, ib = np.intersect1d(a, b, assume_unique=True, return_indices=True)
        return docs, sa[ia] + sb[ib]
    if kind is Optional:
        (a, sa), (b, sb) = _evaluate(m.a, reader), _evaluate(m.b, reader)
        scores = sa.copy()
        _, ia, ib = np.intersect1d(a, b, assume_unique=True, return_indices=True)
        scores[ia] = sa[ia] + sb[ib]
        return a, scores
    if kind is Excluding:
        (a, sa), (b, _) = _evaluate(m.a, reader), _evaluate(m.b, reader)
        keep = ~np.isin(a, b)
        return a[keep], sa[keep]
    if kind is M.ListMatcher and m._scorer is None and m._weights is None and m.is_active():
        docs = np.asarray(m._ids, dtype=np.int64)
        return docs, np.full(len(docs), m.weight(), dtype=np.float64)
    raise _Unsupported(kind.__name__)


def _leaf(m: W3LeafMatcher, reader) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings, scored as its scorer scores each (scorer.score(matcher))."""
    fieldname, btext = m.term()
    plist = kept.posting_list(reader, fieldname, btext)
    docs = plist.ids.astype(np.int64)
    scorer = m.scorer
    if type(scorer) is _PresenceScorer:
        return docs, np.ones(len(docs))
    if type(scorer) is not BM25FScorer or not hasattr(scorer, "dfl"):
        raise _Unsupported(type(scorer).__name__)
    weights = plist.values[plist.codes]
    lengths = _field_lengths(reader, fieldname)[docs]
    if not lengths.all():
        raise _Unsupported("a posting in a document of length 0")
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    # whoosh.scoring.bm25, operation for operation
    return docs, idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))


def _field_lengths(reader, fieldname: str) -> np.ndarray:
    """Each document's length in the field, as doc_field_length decodes it (0: none)."""
    def read():
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            raise _Unsupported("no length column")
        return _LENGTHS[np.frombuffer(bytes(column.load()), dtype=np.uint8)]
    return kept.remember(reader, fieldname, b"", "lengths", read)
