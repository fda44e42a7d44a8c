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

Only the shapes the exact tier uses are handled here — one Term or an And of Terms, scored by
``scoring.SaturatedTf``, less what an exclusion (-词) matches, within what the page's filters
allow (indexer.search.facets.restrict); ``top_k`` returns None for anything else, and the caller lets Whoosh
run it. Excluded and allowed documents are sets (indexer.engine.docsets) checked on the survivors,
as deletions are.

Whoosh's own block-max pruning is not exact: IntersectionMatcher.skip_to_quality weighs a
block of one term against the *current* block of the other, whose documents are not the
ones skipped, and drops matches that belong in the top k (and which ones depends on k, so
pages disagree). Where Whoosh runs a ranked search for us, it runs without it (``whoosh_best``).
"""
from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left

from whoosh import collectors
from whoosh import query as Q

from indexer.engine import docsets, kept
from indexer.engine.deadline import Stopped, passed
from indexer.engine.deadline import run as deadline_run
from indexer.engine import postings
from indexer.engine.scoring import _SaturatedTfScorer

_SLACK = 1e-6        # bounds and scores are sums in different orders: never prune on a rounding
DEADLINE_BLOCKS = 16  # blocks visited between two looks at the clock (a block: at most 128 documents)


def conjunction(query) -> list[tuple[str, str, float]] | None:
    """(field, text, boost) of each term when query is a Term or an And of Terms, else None."""
    if isinstance(query, Q.Term):
        return [(query.fieldname, query.text, query.boost)]
    if type(query) is Q.And and query.boost == 1.0:
        out = []
        for sub in query.subqueries:
            terms = conjunction(sub)
            if terms is None:
                return None
            out += terms
        return out or None
    return None


class _Blocks:
    """One term's postings in one segment: block headers up front, blocks decoded on demand."""

    def __init__(self, matcher, scorer: _SaturatedTfScorer, boost: float, headers=None):
        """``headers``: the list's block headers as ``_headers`` gives them, when the caller has
        them (indexer.engine.kept); else they are read from ``matcher``."""
        self.of = scorer._of
        self.boost = boost
        self.maxids: list[int] = []
        self.bounds: list[float] = []
        self._decoded: dict[int, tuple] = {}
        self._dicts: dict[int, dict] = {}
        self.postings = 0
        self._scores: dict[float, float] = {}
        self._leaf = postings.leaf(matcher)
        if self._leaf is not None:
            self._headers = headers if headers is not None else _headers(self._leaf)
            maxids, maxweights, _, _, _, lengths = self._headers
            self.maxids = maxids.tolist()
            of = self.of
            self.bounds = [of(weight) * boost for weight in maxweights]
            self.postings = sum(lengths)
        else:
            # Any other matcher (postings inlined in the term's info): read it whole, as one block.
            ids, weights = [], []
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(matcher.weight())
                matcher.next()
            if ids:
                self.maxids.append(ids[-1])
                self.bounds.append(self.of(max(weights)) * boost)
                self._decoded[0] = (ids, weights)
                self.postings = len(ids)

    def block(self, i: int) -> tuple:
        """(ids, weights) of block i."""
        got = self._decoded.get(i)
        if got is None:
            maxids, maxweights, starts, ends, compressions, lengths = self._headers
            block = postings.Block(maxids[i], maxweights[i], starts[i], ends[i], compressions[i], lengths[i])
            got = self._decoded[i] = postings.decode(self._leaf, block)
        return got

    def lookup(self, i: int) -> dict:
        """id → weight over block i."""
        got = self._dicts.get(i)
        if got is None:
            ids, weights = self.block(i)
            got = self._dicts[i] = dict(zip(ids, weights))
        return got

    def score_of(self, weight: float) -> float:
        """The term's score for a posting of this weight (memoised: weights are few)."""
        got = self._scores.get(weight)
        if got is None:
            got = self._scores[weight] = self.of(weight) * self.boost
        return got

    def weight_at(self, doc: int, a: int, b: int) -> float | None:
        """The weight of doc's posting (None: no posting), looking in blocks a..b-1."""
        i = a if b - a == 1 else bisect_left(self.maxids, doc, a, b)
        if i >= b:
            return None
        return self.lookup(i).get(doc)

    def span(self, lo: int, hi: int) -> tuple[int, int]:
        """Indices [a, b) of the blocks that may hold ids in lo..hi."""
        a = bisect_left(self.maxids, lo)
        b = min(bisect_left(self.maxids, hi) + 1, len(self.maxids))
        return a, b


def _headers(leaf) -> tuple:
    """(largest ids, largest weights, data starts, data ends, compressions, lengths) of every
    block, as arrays (postings.blocks, compact enough to keep)."""
    blocks = postings.blocks(leaf)
    return (array("q", [b.maxid for b in blocks]), array("d", [b.maxweight for b in blocks]),
            array("q", [b.start for b in blocks]), array("q", [b.end for b in blocks]),
            array("b", [b.compression for b in blocks]), array("i", [b.length for b in blocks]))


def _segment(searcher, subsearcher, terms) -> list[_Blocks] | None:
    """The terms' postings in one segment (None: some term is absent, or not handled here)."""
    reader = subsearcher.reader()
    out = []
    for fieldname, text, boost in terms:
        btext = postings.term_bytes(reader, fieldname, text)
        if btext is None:
            return None
        scorer = searcher.weighting.scorer(subsearcher, fieldname, btext)
        if not isinstance(scorer, _SaturatedTfScorer):
            raise _Unsupported
        # Deletions are checked on the survivors.
        matcher = postings.unfiltered(reader.postings(fieldname, btext, scorer=scorer))
        headers = None
        if kept.is_long(reader, fieldname, btext) and (leaf := postings.leaf(matcher)) is not None:
            headers = kept.remember(reader, fieldname, btext, "headers", lambda: _headers(leaf))
        blocks = _Blocks(matcher, scorer, boost, headers)
        if not blocks.maxids:
            return None
        out.append(blocks)
    return out


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

    Past ``deadline`` (checked every DEADLINE_BLOCKS blocks): deadline.Stopped with the best of
    the documents scored so far, best first."""
    ranking = Ranking.of(searcher, query)
    return None if ranking is None else ranking.top(k, deadline)


class Ranking:
    """One query made ready for top-k passes: its terms' block headers read, its blocks in the
    order they are visited. A caller that asks for more than k (the ties at the cut) asks the
    same Ranking again, and blocks decoded by the first pass are not decoded again."""

    def __init__(self, segments, allowed, excluded):
        self.segments, self.allowed, self.excluded = segments, allowed, excluded
        self.plan = _plan(segments)
        # A narrow filter (one report) leaves most blocks without an allowed document: not decoded.
        self.within = sorted(allowed) if allowed is not None else None

    @classmethod
    def of(cls, searcher, query) -> "Ranking | None":
        """The query made ready, or None for a query not handled here."""
        prepared = _prepare(searcher, query)
        return None if prepared is None else cls(*prepared)

    def top(self, k: int, deadline: float | None = None) -> tuple[list[tuple[float, int]], bool]:
        """As ``top_k``."""
        segments, allowed, excluded, within = self.segments, self.allowed, self.excluded, self.within
        best = _Best(k)
        for visited, (bound, n, i, lo, hi) in enumerate(self.plan):
            if bound + _SLACK < best.floor:
                break
            if visited and visited % DEADLINE_BLOCKS == 0 and passed(deadline):
                raise Stopped(best.ranked())
            offset, driver, rest, deleted = segments[n]
            if within is not None:
                first = bisect_left(within, offset + lo)
                if first == len(within) or within[first] > offset + hi:
                    continue
            _visit(best, driver, i, [(o, *o.span(lo, hi)) for o in rest], offset, deleted, allowed, excluded)
        ranked = best.ranked()
        return ranked, len(ranked) < k


def _prepare(searcher, query):
    """(per segment: (offset, its rarest term's blocks, the other terms', deleted docnums),
    allowed docnums or None, excluded docnums or None), or None for a query not handled."""
    query, allowed, excluded = _parts(query)
    terms = conjunction(query)
    if terms is None or searcher.weighting.use_final:
        return None
    if allowed is not None and (allowed := docsets.matching(searcher, allowed)) is None:
        return None
    if excluded is not None and (excluded := docsets.matching(searcher, excluded)) is None:
        return None
    try:
        segments = []
        for subsearcher, offset in searcher.leaf_searchers():
            lists = _segment(searcher, subsearcher, terms)
            if lists is not None:
                reader = subsearcher.reader()
                deleted = reader.deleted_docs_set if reader.has_deletions() else None
                driver = min(lists, key=lambda p: p.postings)
                segments.append((offset, driver, [p for p in lists if p is not driver], deleted))
    except _Unsupported:
        return None
    return segments, allowed, excluded


def _plan(segments) -> list[tuple[float, int, int, int, int]]:
    """Every block of each segment's rarest term, with the best score a document in it could
    have: (bound, segment, block, first docnum, last docnum), best bound first."""
    plan = []
    for n, (_, driver, others, _) in enumerate(segments):
        lo = 0
        for i, hi in enumerate(driver.maxids):
            bound = driver.bounds[i]
            for other in others:
                a, b = other.span(lo, hi)
                if a >= b:
                    bound = None
                    break
                bound += max(other.bounds[a:b])
            if bound is not None:
                plan.append((bound, n, i, lo, hi))
            lo = hi + 1
    plan.sort(key=lambda entry: -entry[0])
    return plan


class _Best:
    """The k best (score, docnum) so far; ``floor`` is the k-th best score once there are k."""

    def __init__(self, k: int):
        self.k = k
        self.heap: list[tuple[float, int]] = []      # (score, -docnum): the root is the k-th best
        self.floor = float("-inf")

    def offer(self, score: float, docnum: int) -> None:
        # Rounded: a score is a sum in some order, and ties must go to the lower docnum.
        item = (round(score, 9), -docnum)
        heap = self.heap
        if len(heap) < self.k:
            heapq.heappush(heap, item)
            if len(heap) == self.k:
                self.floor = heap[0][0]
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
            self.floor = heap[0][0]

    def ranked(self) -> list[tuple[float, int]]:
        return sorted(((score, -neg) for score, neg in self.heap), key=lambda sd: (-sd[0], sd[1]))


def _visit(best: _Best, driver: _Blocks, i: int, others, offset: int, deleted, allowed, excluded) -> None:
    """Score the documents of the rarest term's block i that have every other term (``others``:
    (term's blocks, first and last block over i's range)), offering each to ``best``."""
    tail = sum(max(o.bounds[a:b]) for o, a, b in others)
    score_of = driver.score_of
    ids, weights = driver.block(i)
    if len(others) < 2:
        _visit_short(best, score_of, ids, weights, tail, others, offset, deleted, allowed, excluded)
        return
    for doc, weight in zip(ids, weights):
        floor = best.floor
        score = score_of(weight)
        if score + tail + _SLACK < floor:
            continue
        # The block of each other term that would hold doc, and the best it could add.
        where, more = [], 0.0
        for other, a, b in others:
            j = a if b - a == 1 else bisect_left(other.maxids, doc, a, b)
            if j >= b:
                break
            where.append((other, j))
            more += other.bounds[j]
        else:
            if score + more + _SLACK < floor:
                continue
            # Blocks already decoded first: a doc they rule out costs no decoding. (A stable
            # partition: what sorting on "not decoded" gives, without a key call per block.)
            where = [oj for oj in where if oj[1] in oj[0]._dicts] + [oj for oj in where if oj[1] not in oj[0]._dicts]
            for other, j in where:
                w = other.lookup(j).get(doc)
                if w is None:
                    break
                score += other.score_of(w)
                more -= other.bounds[j]
                if score + more + _SLACK < floor:
                    break
            else:
                if deleted and doc in deleted:
                    continue
                if excluded and offset + doc in excluded or allowed is not None and offset + doc not in allowed:
                    continue
                best.offer(score, offset + doc)


def _visit_short(best: _Best, score_of, ids, weights, tail: float, others, offset: int, deleted, allowed,
                 excluded) -> None:
    """``_visit`` for one term or two (most queries), without the bookkeeping of several other
    terms: the same checks in the same order, so the same documents are offered with the same
    scores (with one other term, its score is added the one way there is)."""
    other = None
    if others:
        ((other, a, b),) = others
        maxids, bounds, single = other.maxids, other.bounds, b - a == 1
    for doc, weight in zip(ids, weights):
        floor = best.floor
        score = score_of(weight)
        if score + tail + _SLACK < floor:
            continue
        if other is not None:
            j = a if single else bisect_left(maxids, doc, a, b)
            if j >= b or score + bounds[j] + _SLACK < floor:
                continue
            w = other.lookup(j).get(doc)
            if w is None:
                continue
            score += other.score_of(w)
            if score + _SLACK < floor:          # what is left of the bound: bounds[j] - bounds[j] = 0.0
                continue
        if deleted and doc in deleted:
            continue
        if excluded and offset + doc in excluded or allowed is not None and offset + doc not in allowed:
            continue
        best.offer(score, offset + doc)


def whoosh_best(searcher, query, k: int, mask: set[int] | None = None, deadline: float | None = None):
    """Whoosh's k best matches, exactly: ties to the lower docnum, as ``top_k`` breaks them.

    Whoosh's TopCollector, as ``search`` sets it up, is not exact: its block-max pruning weighs
    blocks that do not line up (see above), and every ten matches it rebuilds the matcher for
    the current k-th score, after which matches tying with that score go missing, so which of
    them make the list depends on k, and pages disagree. Neither is used here.

    Past ``deadline``: deadline.Stopped with the best of the matches seen so far.
    """
    collector = collectors.TopCollector(k, usequality=False, replace=0)
    if mask:
        collector = collectors.FilterCollector(collector, None, mask)
    return deadline_run(searcher, query, collector, deadline)
