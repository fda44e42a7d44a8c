""""a but not b" (-词, NOT 词), as a Whoosh query that keeps its word.

Its place in the flow query → parse → search → highlight → results: inside the engine; every
AndNot query object the search builds compiles to this class (indexer.engine.compile).

Whoosh 2.7's AndNotMatcher checks its first document against the excluded matcher only when
both start on the same document. When the excluded postings start earlier (社区 in paragraph
3, the query's first match in paragraph 203, which also says 社区), that first match gets
through: it showed up in date-sorted lists, in paragraphs listed through their report and in
every walk of a matcher, though not in the relevance list, whose collector skips past it.
Whoosh is frozen, so the fix lives here.
"""
from __future__ import annotations

from whoosh import query as Q
from whoosh.matching import AndNotMatcher


class _Matcher(AndNotMatcher):
    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()        # moves the excluded matcher up to a's first document


class AndNot(Q.AndNot):
    """Whoosh's AndNot, with a matcher that never lets an excluded first match through."""

    def estimate_size(self, ixreader):
        # Whoosh adds the excluded query's size to the upper bound; a minus b is at most a. The
        # sum made a large exclusion (-year:2025) push an exact count over to an estimate.
        return self.a.estimate_size(ixreader)

    def matcher(self, searcher, context=None):
        return _Matcher(self.a.matcher(searcher, context), self.b.matcher(searcher, searcher.boolean_context()))
