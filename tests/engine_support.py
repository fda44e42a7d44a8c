"""For the tests that check engine internals against Whoosh itself: the engine's objects made
with the parameters the search uses (indexer.search.ranking), and the Whoosh queries the
search's query objects compile to."""
from types import SimpleNamespace

from whoosh import collectors

from indexer.engine import scoring
from indexer.engine.compile import to_whoosh
from indexer.engine.deadline import run as deadline_run
from indexer.search import query, ranking
from indexer.search.tiers import IndexStats  # noqa: F401  (as the tests ask for it)


def weighting():
    return scoring.weighting(ranking.BM25)


def exact_weighting():
    return scoring.exact_weighting(ranking.BM25)


def parse(text, stats=None):
    """The parser's full and exact-tier queries, compiled to Whoosh (indexer.engine.compile)."""
    parsed = query.parse(text, stats)
    return SimpleNamespace(query=to_whoosh(parsed.query),
                           exact=to_whoosh(parsed.exact) if parsed.exact is not None else None)


def whoosh_best(searcher, query, k: int, mask=None, deadline=None):
    """Whoosh's k best matches, exactly, scoring every match a match at a time: the reference the
    engine's top k (topk) and array scan (treescan) are checked against. Ties to the lower docnum.

    Whoosh's TopCollector, as ``search`` sets it up, is not exact: its block-max pruning weighs
    blocks that do not line up (indexer.engine.topk), and every ten matches it rebuilds the matcher
    for the current k-th score, after which matches tying with that score go missing. Neither is
    used here. Past ``deadline``: deadline.Stopped with the best of the matches seen so far.
    """
    collector = collectors.TopCollector(k, usequality=False, replace=0)
    if mask:
        collector = collectors.FilterCollector(collector, None, mask)
    return deadline_run(searcher, query, collector, deadline)
