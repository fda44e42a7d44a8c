"""Our query objects (indexer.engine.queries) → Whoosh queries, one for one.

Its place in the flow query → parse → search → highlight → results: inside the engine, between
the query objects the search hands over and the Whoosh searcher that runs them. Each class maps
to the Whoosh query of the same name built with the same arguments, so a compiled query scores
and matches exactly as the Whoosh query the search used to build itself; exclusions become our
AndNot (indexer.engine.exclusion), which fixes Whoosh's first-match leak.
"""
from __future__ import annotations

from whoosh import query as W

from indexer.engine import queries as Q
from indexer.engine.exclusion import AndNot


def to_whoosh(query: Q.Query) -> W.Query:
    """The Whoosh query that ``query`` stands for."""
    kind = type(query)
    if kind is Q.Term:
        return W.Term(query.field, query.text, boost=query.boost)
    if kind is Q.Prefix:
        return W.Prefix(query.field, query.text, boost=query.boost)
    if kind is Q.Phrase:
        return W.Phrase(query.field, list(query.words), boost=query.boost)
    if kind is Q.And:
        return W.And([to_whoosh(q) for q in query.queries], boost=query.boost)
    if kind is Q.Or:
        return W.Or([to_whoosh(q) for q in query.queries], boost=query.boost)
    if kind is Q.AndNot:
        return AndNot(to_whoosh(query.query), to_whoosh(query.excluded))
    if kind is Q.AndMaybe:
        return W.AndMaybe(to_whoosh(query.query), to_whoosh(query.optional))
    if kind is Q.ConstantScore:
        return W.ConstantScoreQuery(to_whoosh(query.query), query.score)
    if kind is Q.Every:
        return W.Every()
    raise TypeError(f"not a query object: {query!r}")
