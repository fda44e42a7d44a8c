"""For the tests that check engine internals against Whoosh itself: the engine's objects made
with the parameters the search uses (indexer.search.ranking), and the Whoosh queries the
search's query objects compile to."""
from types import SimpleNamespace

from indexer.engine import scoring
from indexer.engine.compile import to_whoosh
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
