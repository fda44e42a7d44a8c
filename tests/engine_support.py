"""For the tests that check engine internals against Whoosh itself: the engine's objects made
with the parameters the search uses (indexer.search.ranking)."""
from indexer.engine import scoring
from indexer.search import ranking


def weighting():
    return scoring.weighting(ranking.BM25)


def exact_weighting():
    return scoring.exact_weighting(ranking.BM25)
