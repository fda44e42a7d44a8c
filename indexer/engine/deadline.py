"""Stopping a running search at the request's deadline, keeping what it had found.

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
index view (indexer.engine.view), which gives each request a deadline. A call that starts after
the deadline raises at once (the view's own check); a Whoosh search or a fast top-k search
(indexer.engine.topk) that is running when it passes stops at the next match or block and hands
back the matches collected so far, in order, so that the page can list them marked as incomplete
(issue: hardening — 12 single characters ANDed took 33 s on 30,000 paragraphs, almost all of it
inside one search).
"""
from __future__ import annotations

import time

from whoosh import collectors


class Stopped(Exception):
    """The deadline passed while a search ran; ``found`` is what it had collected (the type the
    search would have returned: a Whoosh Results, or a top-k list)."""

    def __init__(self, found):
        super().__init__("deadline passed")
        self.found = found


class _Stop(Exception):
    pass


class _Deadline(collectors.WrappingCollector):
    """Raises once time.monotonic() passes ``deadline``, checked at each match: in an And of
    many common words the matcher may step through thousands of documents between two matches.
    Wrapped around the innermost collector (the one keeping the hits), so that filters, masks
    and collapsing around it still decide which matches reach it."""

    def __init__(self, child, deadline: float):
        super().__init__(child)
        self.deadline = deadline

    def collect_matches(self):
        for sub_docnum in self.child.matches():
            self.collect(sub_docnum)

    def collect(self, sub_docnum):
        if time.monotonic() > self.deadline:
            raise _Stop()
        return self.child.collect(sub_docnum)


def _wrap_innermost(collector, deadline: float):
    """``collector`` with the innermost collector of its chain wrapped in a _Deadline."""
    if not isinstance(collector, collectors.WrappingCollector):
        return _Deadline(collector, deadline)
    outer = collector
    while isinstance(outer.child, collectors.WrappingCollector):
        outer = outer.child
    outer.child = _Deadline(outer.child, deadline)
    return collector


def run(searcher, query, collector, deadline: float | None):
    """Whoosh's results of ``query`` gathered by ``collector``; Stopped(results so far) when
    ``deadline`` (a time.monotonic() value; None: none) passes first."""
    if deadline is None:
        searcher.search_with_collector(query, collector)
        return collector.results()
    collector = _wrap_innermost(collector, deadline)
    try:
        searcher.search_with_collector(query, collector)
    except _Stop:
        raise Stopped(collector.results()) from None
    return collector.results()


def passed(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline
