"""The engine's best k, with equal scores in the paragraphs' order rather than the index's.

Its place in the flow query → parse → search → highlight → results: the search run
(indexer.search.run) asks for its passes' best matches here. The engine breaks ties by document
number, which depends on how the index was built (one process or several write its segments in
another order); here a group of equal scores is ordered by ``ranking.position``, and a group cut
by k is read whole (up to TIE_READ_LIMIT more) so that which of its paragraphs make the cut does
not depend on the build either.
"""
from __future__ import annotations

from itertools import groupby

from indexer.search.ranking import TIE_READ_LIMIT, stored_score


def top_k(view, query, k: int, mask: set[int] | None = None, ranker=None) -> tuple[list[tuple[float, int]], bool]:
    """The k best (score, docnum), best first, equal scores by position, and whether they are
    every match (as ``view.top_k``). ``ranker``: the query's ``view.ranker`` from an earlier call
    (asking again for more reuses what it read)."""
    ask = k + 1
    ranker = ranker or view.ranker(query, mask)
    while True:
        ranked, exhausted = ranker(ask)
        cut_open = (len(ranked) > k and stored_score(ranked[-1][0]) == stored_score(ranked[k - 1][0])) if k else False
        # A search stopped by the request's deadline keeps what it found: asking again would
        # only be refused, and lose it.
        if exhausted or not cut_open or ask >= k + TIE_READ_LIMIT or view.stopped:
            break
        last = stored_score(ranked[-1][0])
        if stored_score(ranked[len(ranked) // 2][0]) == last:
            # The tie at the cut fills half the list or more (a rare word, most paragraphs saying
            # it once): doubling would take several more passes to get past it. Any ask past
            # the group, up to the limit, gives the same page; only the cost differs.
            ask = k + TIE_READ_LIMIT
        else:
            ask = min(2 * ask, k + TIE_READ_LIMIT)
    ordered = []
    for _, group in groupby(ranked, key=lambda pair: stored_score(pair[0])):
        if len(ordered) >= k:
            break                   # the groups past the cut are not returned: not read to order them
        group = list(group)
        if len(group) > 1:
            # view.collection_order: the order ``position`` gives, read mostly from columns
            keys = dict(zip((d for _, d in group), view.collection_order([d for _, d in group])))
            group.sort(key=lambda pair: keys[pair[1]])
        ordered += group
    return ordered[:k], exhausted and len(ranked) <= k
