"""Every match of a query and its score, a posting list at a time: Whoosh's matcher tree, done as arrays.

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
index view's ``top_k``, for the queries the block-max top k (indexer.engine.topk) does not
handle: the lower tiers' Or of words, synonyms and partial matches.

Whoosh scores such a query a match at a time in Python. When a page has to reach the lower tiers
(a long topic, a question, a word the collection never writes as typed), the partial tier
matches every paragraph with one common word of the query (管理, 推进, 服务): at 100,000
paragraphs tens of thousands of matches, about a second. Here the matcher tree Whoosh would
build is derived from the query by Whoosh's own rules (which subquery goes where, boosts, the
scorer of each term), without building Whoosh's matchers (an intersection finds its first
common document on construction, walking postings), and evaluated whole, as arrays: a term's
postings decoded at once and scored as its scorer scores one posting (BM25F with the document's
field length read from the same length column, or presence), a union adding where both sides
match, an intersection adding, an optional part adding where it matches, an exclusion
removing, a filter's documents kept. The sums are made in the tree's order, so each score is
the same float Whoosh computes. A query holding any other shape (phrases, prefixes) is scanned by
Whoosh itself, a match at a time, segment by segment.
"""
from __future__ import annotations

import numpy as np
from whoosh import matching as M
from whoosh import query as W
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.scoring import BM25FScorer
from whoosh.util import make_weighted_tree
from whoosh.util.numeric import byte_to_length

from indexer.engine import kept
from indexer.engine.deadline import Stopped, passed
from indexer.engine.exclusion import AndNot
from indexer.engine.exclusion import _Matcher as Excluding
from indexer.engine.optional import AndMaybe
from indexer.engine.optional import _Matcher as Optional
from indexer.engine.scoring import _PresenceScorer
from indexer.engine.topk import _PRELOAD_DOCS

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
        """The k best (score, docnum) and whether they are every match (fewer than k, as Whoosh's
        TopCollector says it)."""
        return list(zip(self.scores[:k].tolist(), self.docs[:k].tolist())), len(self.docs) < k


def scan(searcher, query, mask: set[int] | None = None, deadline: float | None = None) -> Scan:
    """Every match of query, scored as Whoosh scores it (docnums in ``mask`` left out)."""
    docs, scores = [], []
    for subsearcher, offset in searcher.leaf_searchers():
        if passed(deadline):
            raise Stopped(Scan(np.concatenate(docs or [np.zeros(0, np.int64)]),
                               np.concatenate(scores or [np.zeros(0)])).top(2 ** 31)[0])
        try:
            node = _build(query, subsearcher, searcher.weighting)
            d, s = node.docs, node.scores
        except _Unsupported:
            d, s = _walk(query.matcher(subsearcher, searcher.context()), deadline)
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


class _Node(M.Matcher):
    """A matcher of the tree Whoosh would build, as its matches and their scores. Whoosh orders
    an And's or an Or's parts by their sizes, and parts of equal size by comparing the matchers,
    which compare by class (whoosh.matching.Matcher.__lt__, __eq__): each node is of a class
    standing for the class of the matcher Whoosh would have built there."""

    def __init__(self, docs: np.ndarray, scores: np.ndarray):
        self.docs, self.scores = docs, scores


# One class per class of matcher Whoosh builds here, made once: two nodes standing for one class
# must be of one class (made per thread, the tree's shape could differ from Whoosh's).
_STANDS_FOR = {real: type("As" + real.__name__, (_Node,), {})
               for real in (M.NullMatcherClass, W3LeafMatcher, M.FilterMatcher, M.WrappingMatcher, M.UnionMatcher,
                            M.IntersectionMatcher, M.ListMatcher, M.ArrayUnionMatcher, Optional, Excluding)}


def _node(real: type, docs: np.ndarray, scores: np.ndarray) -> _Node:
    return _STANDS_FOR[real](docs, scores)


def _is(node: _Node, real: type) -> bool:
    return type(node) is _STANDS_FOR.get(real)


_EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0))


def _build(q, subsearcher, weighting) -> _Node:
    """The matcher q.matcher(subsearcher, context) would build, evaluated (whoosh.query: Term,
    CompoundQuery.matcher, Or._matcher, DefaultOr, And._matcher, _tree_matcher, ConstantScoreQuery;
    our AndNot and AndMaybe). ``weighting`` None: only the documents count (a filter's, an
    exclusion's), as in Whoosh's boolean context; the scores are left 0."""
    kind, reader = type(q), subsearcher.reader()
    if kind is W.Term:
        return _term(q, subsearcher, weighting)
    if kind is W.And or kind is W.Or:
        subs = q.subqueries
        if not subs:
            return _node(M.NullMatcherClass, *_EMPTY)
        if len(subs) == 1:
            return _build(subs[0], subsearcher, weighting)
        if kind is W.Or:
            if q.minmatch or q.scale:
                raise _Unsupported("Or with minmatch or scale")
            if weighting is not None and not _binary_or(q, subsearcher):
                return _preloaded(q, subsearcher, weighting)
            weigh, combine = (lambda sub: sub.estimate_size(reader)), _union
        else:
            weigh, combine = (lambda sub: 0 - sub.estimate_size(reader)), _intersection
        nodes = [(weigh(sub), _build(sub, subsearcher, weighting)) for sub in subs]
        node = make_weighted_tree(combine, nodes)
        return _node(M.WrappingMatcher, node.docs, node.scores * q.boost) if q.boost != 1.0 else node
    if kind is AndMaybe:
        a, b = _build(q.a, subsearcher, weighting), _build(q.b, subsearcher, weighting)
        scores = a.scores.copy()
        ia, ib = _common(a.docs, b.docs)
        scores[ia] = a.scores[ia] + b.scores[ib]
        return _node(Optional, a.docs, scores)
    if kind is AndNot:
        a, b = _build(q.a, subsearcher, weighting), _build(q.b, subsearcher, None)
        keep = ~np.isin(a.docs, b.docs)
        return _node(Excluding, a.docs[keep], a.scores[keep])
    if kind is W.ConstantScoreQuery:
        child = _build(q.child, subsearcher, None)         # its ids only (a ListMatcher of them)
        if _is(child, M.NullMatcherClass):
            return child
        # A ListMatcher of the child's ids weighing q.score each, or 1.0 when that is 0 (ListMatcher.weight).
        return _node(M.ListMatcher, child.docs, np.full(len(child.docs), q.score or 1.0))
    raise _Unsupported(kind.__name__)


def _binary_or(q, subsearcher) -> bool:
    """Does Whoosh build this Or as a tree of unions (DefaultOr), not a preloaded array? (Or._matcher,
    in a ranked search's context, which needs no current match.)"""
    if q.matcher_type == W.Or.DEFAULT_MATCHER:
        return True
    return q.matcher_type == W.Or.AUTO_MATCHER and len(q.subqueries) < W.Or.TOO_MANY_CLAUSES and (
        len(q.subqueries) == 2 or subsearcher.doc_count_all() > _PRELOAD_DOCS)


def _preloaded(q, subsearcher, weighting) -> _Node:
    """PreloadedOr (an Or of more than two parts in a segment of at most _PRELOAD_DOCS documents,
    or of too many parts): Whoosh's ArrayUnionMatcher adds each part's score times the Or's boost
    into an array, the parts in the query's order, and lists the documents whose sum is above 0.
    A long topic's lower tiers hold hundreds of such parts; walked by Whoosh, one small segment took
    0.4 of a 1.1 s search at 1,000,000 paragraphs."""
    nodes = [_build(sub, subsearcher, weighting) for sub in q.subqueries]
    sums = np.zeros(subsearcher.doc_count_all())
    matched = np.zeros(len(sums), dtype=bool)
    for node in nodes:
        sums[node.docs] += node.scores * q.boost        # a node's documents are distinct: one addition each
        matched[node.docs] = True
    docs = np.flatnonzero(matched)
    if not (sums[docs] > 0).all():
        raise _Unsupported("a preloaded sum of 0 or less")   # Whoosh's walk skips some such, not all
    return _node(M.ArrayUnionMatcher, docs.astype(np.int32), sums[docs])


def _union(a: _Node, b: _Node) -> _Node:
    docs, scores = np.concatenate((a.docs, b.docs)), np.concatenate((a.scores, b.scores))
    order = np.argsort(docs, kind="stable")         # two sorted runs, merged; a's copy first
    docs, scores = docs[order], scores[order]
    second = np.flatnonzero(docs[1:] == docs[:-1]) + 1
    scores[second - 1] = scores[second - 1] + scores[second]      # a.score() + b.score(), in that order
    keep = np.ones(len(docs), dtype=bool)
    keep[second] = False
    return _node(M.UnionMatcher, docs[keep], scores[keep])


def _intersection(a: _Node, b: _Node) -> _Node:
    ia, ib = _common(a.docs, b.docs)
    return _node(M.IntersectionMatcher, a.docs[ia], a.scores[ia] + b.scores[ib])


def _common(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the documents both sorted arrays hold are, in a and in b (looked up from the shorter)."""
    if len(a) > len(b):
        ib, ia = _common(b, a)
        return ia, ib
    if not len(a) or not len(b):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    hit = b[at] == a
    return np.flatnonzero(hit), at[hit]


def _term(q, subsearcher, weighting) -> _Node:
    """Term.matcher: the postings (less deleted documents: a FilterMatcher), scored by the
    field's scorer, times the term's boost (a WrappingMatcher)."""
    reader = subsearcher.reader()
    fieldname = q.fieldname
    if fieldname not in reader.schema:
        return _node(M.NullMatcherClass, *_EMPTY)
    try:
        btext = reader.schema[fieldname].to_bytes(q.text)
    except ValueError:
        return _node(M.NullMatcherClass, *_EMPTY)
    if (fieldname, btext) not in reader:
        return _node(M.NullMatcherClass, *_EMPTY)
    if weighting is None:
        docs = kept.posting_list(reader, fieldname, btext, weights=False).ids
        scores = np.zeros(len(docs))
    else:
        docs, scores = _leaf(subsearcher, weighting, fieldname, btext)
    real = W3LeafMatcher
    deleted = reader.deleted_docs_set
    if deleted:
        keep = ~np.isin(docs, np.fromiter(deleted, dtype=np.int64, count=len(deleted)))
        docs, scores, real = docs[keep], scores[keep], M.FilterMatcher
    if q.boost != 1.0:
        scores, real = scores * q.boost, M.WrappingMatcher
    return _node(real, docs, scores)


def _leaf(subsearcher, weighting, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings in a segment, each scored as its scorer scores it (scorer.score(matcher))."""
    reader = subsearcher.reader()
    plist = kept.posting_list(reader, fieldname, btext)
    docs = plist.ids          # int32: within a segment (less memory for a common word at a million)
    scorer = weighting.scorer(subsearcher, fieldname, btext)      # as Term.matcher asks the context's
    if type(scorer) is _PresenceScorer:
        return docs, np.ones(len(docs))
    if type(scorer) is not BM25FScorer or not hasattr(scorer, "dfl"):
        raise _Unsupported(type(scorer).__name__)
    weights = plist.values[plist.codes]
    lengths = _LENGTHS[_length_bytes(reader, fieldname)[docs]]
    if not lengths.all():
        raise _Unsupported("a posting in a document of length 0")
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    # whoosh.scoring.bm25, operation for operation
    return docs, idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))


def _length_bytes(reader, fieldname: str) -> np.ndarray:
    """Each document's length in the field as its byte in the length column (``_LENGTHS`` decodes
    it as doc_field_length does; 0: none), one byte a document, kept per segment."""
    def read():
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            raise _Unsupported("no length column")
        return np.frombuffer(bytes(column.load()), dtype=np.uint8)
    return kept.remember(reader, fieldname, b"", "lengths", read)
