"""The exact k best paragraphs having every one of some bigrams, a block of postings at a time.

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
index view's ``top_k``, which the search's exact-tier pass asks for the best candidates.

Whoosh answers an And of terms one document at a time in Python (IntersectionMatcher,
``skip_to`` stepping through a block posting by posting), and at 100k paragraphs the
bigrams of a query word are often in a third to four fifths of them, so the exact pass spent
most of a query there. This module gives the same top k (same scores, ties to the lower
document number, as Whoosh's TopCollector) with block-max pruning done a block at a time:

* every term's block headers are read first (largest id and largest term frequency per
  block of 128 postings: no decompression, no unpickling);
* each block of the rarest term gets an upper bound: its own best score plus, for every
  other term, the best score of that term's blocks over the same document range;
* blocks are visited best bound first, and the visit stops once the next bound is below
  the k-th best score found; a visited block is decoded whole (ids and frequencies), the
  other terms' overlapping blocks likewise, and the documents having all the terms scored.

Only the shapes the exact tier uses are handled here — one Term or an And of Terms, a lone
character among them (Or(Term c, Prefix c): c itself or any bigram it opens, hundreds of terms that
Whoosh unites a posting at a time, a single-character query taking seconds at 100k; here merged
into one list per segment, ``_Lone``, scored as Whoosh scores it), scored by
``scoring.SaturatedTf``, less what an exclusion (-词) matches, within what the page's filters
allow (indexer.search.facets.restrict); ``top_k`` returns None for anything else, and the caller lets Whoosh
run it. Excluded and allowed documents are sets (indexer.engine.docsets) checked on the survivors,
as deletions are.

Whoosh's own block-max pruning is not exact: IntersectionMatcher.skip_to_quality weighs a
block of one term against the *current* block of the other, whose documents are not the
ones skipped, and drops matches that belong in the top k (and which ones depends on k, so
pages disagree). The queries not handled here are scored whole (indexer.engine.treescan).
"""
from __future__ import annotations

import numpy as np
from whoosh import query as Q

from indexer.engine import docsets, kept
from indexer.engine.deadline import Stopped, passed
from indexer.engine import postings
from indexer.engine.scoring import _SaturatedTfScorer

_SLACK = 1e-6        # bounds and scores are sums in different orders: never prune on a rounding
FIRST_BATCH = 4      # blocks of the rarest term scored at once, then twice as many each time…
LAST_BATCH = 64      # …up to this many; the clock is looked at between batches
_PRELOAD_DOCS = 5000  # Whoosh's Or preloads its matches unscored in a segment of no more documents


def conjunction(query) -> list[tuple[str, str, float, bool]] | None:
    """(field, text, boost, lone) of each term when query is a Term or an And of Terms, else None;
    ``lone``: a lone character as the exact tier asks for it, itself or any bigram it opens
    (Or(Term c, Prefix c), ``_lone``)."""
    if isinstance(query, Q.Term):
        return [(query.fieldname, query.text, query.boost, False)]
    if _is_lone(query):
        return [(query.subqueries[0].fieldname, query.subqueries[0].text, query.boost, True)]
    if type(query) is Q.And and query.boost == 1.0:
        out = []
        for sub in query.subqueries:
            terms = conjunction(sub)
            if terms is None:
                return None
            out += terms
        return out or None
    return None


def _is_lone(query) -> bool:
    if type(query) is not Q.Or or len(query.subqueries) != 2:
        return False
    term, prefix = query.subqueries
    return (type(term) is Q.Term and type(prefix) is Q.Prefix and term.boost == 1.0 and prefix.boost == 1.0
            and term.fieldname == prefix.fieldname and term.text == prefix.text)


class _Term:
    """One term's postings in one segment (postings.PostingList), scored: the score of each
    distinct weight and each block's best score, as the term's scorer gives them."""

    def __init__(self, plist: postings.PostingList, scorer: _SaturatedTfScorer, boost: float):
        self.ids, self.codes, self.ends, self.maxids = plist.ids, plist.codes, plist.ends, plist.maxids
        self.starts = np.concatenate(([0], plist.ends[:-1]))
        self.scores = scorer.scores(plist.values) * boost
        self.bounds = scorer.scores(plist.maxweights) * boost
        self.postings = len(self.ids)


class _Lone:
    """A lone character's terms in one segment as one list, scored as Whoosh scores Or(Term c,
    Prefix c): the score of c itself where a document has it alone, plus the prefix's
    (``prefix``: docnum → score, ``_prefix``); in blocks of BLOCK postings."""

    BLOCK = 128

    def __init__(self, alone: _Term | None, prefix: tuple[np.ndarray, np.ndarray], boost: float):
        self.ids, scores = prefix
        if alone is not None:
            at = np.searchsorted(self.ids, alone.ids)
            scores = scores.copy()
            scores[at] = alone.scores[alone.codes] + scores[at]
        self.scores = scores * boost
        self.postings = len(self.ids)
        self.codes = np.arange(self.postings)
        self.starts = np.arange(0, self.postings, self.BLOCK)
        self.ends = np.append(self.starts[1:], self.postings)
        self.maxids = self.ids[self.ends - 1].astype(np.int64)
        self.bounds = np.maximum.reduceat(self.scores, self.starts)


def _segment(searcher, subsearcher, terms) -> list[_Term | _Lone] | None:
    """The terms' postings in one segment (None: some term is absent, or not handled here)."""
    reader = subsearcher.reader()
    out = []
    for fieldname, text, boost, lone in terms:
        if lone:
            term = _lone(searcher, subsearcher, fieldname, text, boost)
        else:
            btext = postings.term_bytes(reader, fieldname, text)
            term = None if btext is None else _term(searcher, subsearcher, fieldname, btext, boost)
        if term is None or not term.postings:
            return None
        out.append(term)
    return out


def _lone(searcher, subsearcher, fieldname: str, char: str, boost: float) -> _Lone | None:
    reader = subsearcher.reader()
    btexts = list(reader.expand_prefix(fieldname, char))
    if not btexts:
        return None
    btext = postings.term_bytes(reader, fieldname, char)
    alone = None if btext is None else _term(searcher, subsearcher, fieldname, btext, 1.0)
    return _Lone(alone, _prefix(searcher, subsearcher, fieldname, btexts), boost)


def _prefix(searcher, subsearcher, fieldname: str, btexts: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, scores) of Prefix(c) in a segment, as Whoosh's ranked search scores it
    (whoosh.query.terms.MultiTerm.matcher, whoosh.query.compound.Or._matcher): one term, as that
    term; two, or fewer than Or.TOO_MANY_CLAUSES in a segment of more than _PRELOAD_DOCS, the
    sum of the terms' scores; else (its matches preloaded, unscored) 1 for every document."""
    reader = subsearcher.reader()
    if len(btexts) == 1:
        term = _term(searcher, subsearcher, fieldname, btexts[0], 1.0)
        return term.ids, term.scores[term.codes]
    if len(btexts) == 2 or (len(btexts) < Q.Or.TOO_MANY_CLAUSES and subsearcher.doc_count_all() > _PRELOAD_DOCS):
        terms = [_term(searcher, subsearcher, fieldname, b, 1.0) for b in btexts]
        ids = np.concatenate([t.ids for t in terms])
        scores = np.concatenate([t.scores[t.codes] for t in terms])
        order = np.argsort(ids, kind="stable")
        ids, scores = ids[order], scores[order]
        first = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
        return ids[first], np.add.reduceat(scores, first)
    ids = np.unique(np.concatenate([kept.posting_list(reader, fieldname, b, weights=False).ids for b in btexts]))
    return ids, np.ones(len(ids))


def _term(searcher, subsearcher, fieldname: str, btext: bytes, boost: float) -> _Term:
    scorer = searcher.weighting.scorer(subsearcher, fieldname, btext)
    if not isinstance(scorer, _SaturatedTfScorer):
        raise _Unsupported
    # Deletions are checked on the survivors.
    return _Term(kept.posting_list(subsearcher.reader(), fieldname, btext), scorer, boost)


class _Unsupported(Exception):
    pass


def _parts(query) -> tuple[Q.Query, Q.Query | None, Q.Query | None]:
    """(what is scored, what the filters allow or None, what is excluded or None)."""
    allowed = None
    if type(query) is Q.And and query.boost == 1.0:
        filters = [sub.child for sub in query.subqueries if type(sub) is Q.ConstantScoreQuery]
        if filters:
            rest = [sub for sub in query.subqueries if type(sub) is not Q.ConstantScoreQuery]
            allowed = filters[0] if len(filters) == 1 else Q.And(filters)
            query = rest[0] if len(rest) == 1 else Q.And(rest)
    if isinstance(query, Q.AndNot) and query.boost == 1.0:
        return query.a, allowed, query.b
    return query, allowed, None


def top_k(searcher, query, k: int, deadline: float | None = None) -> tuple[list[tuple[float, int]], bool] | None:
    """([(score, docnum)] best first, whether that is every match) or None (not handled).

    Past ``deadline`` (checked between batches of blocks): deadline.Stopped with the best of
    the documents scored so far, best first."""
    ranking = Ranking.of(searcher, query)
    return None if ranking is None else ranking.top(k, deadline)


class Ranking:
    """One query made ready for top-k passes: its terms' postings read, its blocks in the order
    they are visited. A caller that asks for more than k (the ties at the cut) asks the same
    Ranking again, and nothing is read again."""

    def __init__(self, segments, allowed, excluded):
        self.segments, self.allowed, self.excluded = segments, allowed, excluded
        self.bounds, self.owners, self.blocks = _plan(segments, allowed)

    @classmethod
    def of(cls, searcher, query) -> "Ranking | None":
        """The query made ready, or None for a query not handled here."""
        prepared = _prepare(searcher, query)
        return None if prepared is None else cls(*prepared)

    def top(self, k: int, deadline: float | None = None) -> tuple[list[tuple[float, int]], bool]:
        """As ``top_k``. Blocks are scored in batches, best bound first, until the next bound is
        below the k-th best score (a batch may score blocks that could not reach it: their
        documents are real matches with their real scores, and the k best are the same)."""
        bounds, owners, blocks = self.bounds, self.owners, self.blocks
        best = _Best(k)
        at, size = 0, FIRST_BATCH
        while at < len(bounds) and bounds[at] + _SLACK >= best.floor:
            if at and passed(deadline):
                raise Stopped(best.ranked())
            end = min(at + size, len(bounds))
            for n in np.unique(owners[at:end]).tolist():
                self._score(best, n, blocks[at:end][owners[at:end] == n])
            at, size = end, min(2 * size, LAST_BATCH)
        ranked = best.ranked()
        return ranked, len(ranked) < k

    def _score(self, best: "_Best", n: int, blocks: np.ndarray) -> None:
        """Offer ``best`` every document of these blocks of segment n's rarest term that has all
        the other terms (and is not deleted, excluded or outside the filters), with its score:
        the terms' scores added in order, as a posting at a time would add them."""
        offset, driver, others, dead = self.segments[n]
        at = _positions(driver.starts[blocks], driver.ends[blocks])
        docs = driver.ids[at]
        scores = driver.scores[driver.codes[at]]
        for other in others:
            found = np.minimum(np.searchsorted(other.ids, docs), len(other.ids) - 1)
            hit = other.ids[found] == docs
            docs, scores, found = docs[hit], scores[hit], found[hit]
            scores = scores + other.scores[other.codes[found]]
        if dead is not None:
            keep = ~_member(dead, docs)
            docs, scores = docs[keep], scores[keep]
        docs = docs.astype(np.int64) + offset
        if self.excluded is not None:
            keep = ~_member(self.excluded, docs)
            docs, scores = docs[keep], scores[keep]
        if self.allowed is not None:
            keep = _member(self.allowed, docs)
            docs, scores = docs[keep], scores[keep]
        best.offer(scores, docs)


def _positions(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The indices starts[0]..ends[0]-1, starts[1]..ends[1]-1, … as one array."""
    lengths = ends - starts
    before = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return np.repeat(starts - before, lengths) + np.arange(int(lengths.sum()))


def _member(sorted_docs: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """For each of docs, whether it is in sorted_docs."""
    if not len(sorted_docs):
        return np.zeros(len(docs), dtype=bool)
    found = np.minimum(np.searchsorted(sorted_docs, docs), len(sorted_docs) - 1)
    return sorted_docs[found] == docs


def _prepare(searcher, query):
    """(per segment: (offset, its rarest term's postings, the other terms', deleted docnums as a
    sorted array or None), allowed docnums or None, excluded docnums or None, as sorted arrays),
    or None for a query not handled."""
    query, allowed, excluded = _parts(query)
    terms = conjunction(query)
    if terms is None or searcher.weighting.use_final:
        return None
    if allowed is not None and (allowed := docsets.matching_array(searcher, allowed)) is None:
        return None
    if excluded is not None and (excluded := docsets.matching_array(searcher, excluded)) is None:
        return None
    try:
        segments = []
        for subsearcher, offset in searcher.leaf_searchers():
            lists = _segment(searcher, subsearcher, terms)
            if lists is not None:
                reader = subsearcher.reader()
                dead = np.sort(docsets.deleted(reader)) if reader.has_deletions() else None
                driver = min(lists, key=lambda p: p.postings)
                segments.append((offset, driver, [p for p in lists if p is not driver], dead))
    except _Unsupported:
        return None
    return segments, allowed, excluded


def _plan(segments, allowed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every block of each segment's rarest term that may hold a match, with the best score a
    document in it could have: (bounds, segment numbers, block numbers), best bound first.
    A block's bound is its own best score plus, for every other term, the best score of that
    term's blocks over the same document range; with filters, a block without an allowed
    document is left out (a narrow filter, one report, leaves most blocks out)."""
    bounds, owners, numbers = [], [], []
    for n, (offset, driver, others, _) in enumerate(segments):
        his = driver.maxids
        los = np.concatenate(([0], his[:-1] + 1))
        bound, keep = driver.bounds, np.ones(len(his), dtype=bool)
        for other in others:
            a = np.searchsorted(other.maxids, los)
            b = np.minimum(np.searchsorted(other.maxids, his) + 1, len(other.maxids))
            keep &= a < b
            bound = bound + _range_max(other.bounds, a, b)
        if allowed is not None:
            keep &= _any_within(allowed, los + offset, his + offset)
        (kept_blocks,) = np.nonzero(keep)
        bounds.append(bound[kept_blocks])
        owners.append(np.full(len(kept_blocks), n))
        numbers.append(kept_blocks)
    if not bounds:
        return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    bounds, owners, numbers = np.concatenate(bounds), np.concatenate(owners), np.concatenate(numbers)
    order = np.argsort(-bounds, kind="stable")
    return bounds[order], owners[order], numbers[order]


def _any_within(sorted_docs: np.ndarray, los: np.ndarray, his: np.ndarray) -> np.ndarray:
    """For each i, whether some of sorted_docs lies in los[i]..his[i]."""
    if not len(sorted_docs):
        return np.zeros(len(los), dtype=bool)
    first = np.searchsorted(sorted_docs, los)
    return (first < len(sorted_docs)) & (sorted_docs[np.minimum(first, len(sorted_docs) - 1)] <= his)


def _range_max(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """max(values[a[i]:b[i]]) for each i where a[i] < b[i] (anything where not)."""
    padded = np.append(values, values[-1])          # reduceat's indices must lie inside the array
    edges = np.empty(2 * len(a), dtype=np.int64)
    edges[0::2], edges[1::2] = np.minimum(a, len(values) - 1), b
    return np.maximum.reduceat(padded, edges)[0::2]


class _Best:
    """The k best (score rounded to 9 decimals, docnum) so far, best first, ties to the lower
    docnum (a score is a sum in some order); ``floor`` is the k-th best score once there are k."""

    def __init__(self, k: int):
        self.k = k
        self.scores = np.zeros(0)
        self.docs = np.zeros(0, dtype=np.int64)
        self.floor = float("-inf")

    def offer(self, scores: np.ndarray, docs: np.ndarray) -> None:
        if self.floor > float("-inf"):
            keep = scores + _SLACK >= self.floor
            scores, docs = scores[keep], docs[keep]
        if not len(docs) or self.k < 1:
            return
        scores = np.concatenate((self.scores, _rounded(scores)))
        docs = np.concatenate((self.docs, docs))
        order = np.lexsort((docs, -scores))[:self.k]
        self.scores, self.docs = scores[order], docs[order]
        if len(order) == self.k:
            self.floor = float(self.scores[-1])

    def ranked(self) -> list[tuple[float, int]]:
        return list(zip(self.scores.tolist(), self.docs.tolist()))


def _rounded(scores: np.ndarray) -> np.ndarray:
    """round(score, 9) of each score, as Python rounds (numpy's round can differ in the last
    place), once per distinct score: scores are sums of a few terms' scores, and repeat."""
    values, inverse = np.unique(scores, return_inverse=True)
    return np.array([round(value, 9) for value in values.tolist()])[inverse.reshape(-1)]
