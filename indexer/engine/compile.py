"""Our query objects (indexer.engine.queries) → Whoosh queries, one for one.

Its place in the flow query → parse → search → highlight → results: inside the engine, between
the query objects the search hands over and the Whoosh searcher that runs them. Each class maps
to the Whoosh query of the same name built with the same arguments, so a compiled query scores
and matches exactly as the Whoosh query the search used to build itself; exclusions become our
AndNot (indexer.engine.exclusion), which fixes Whoosh's first-match leak, and optional parts our
AndMaybe (indexer.engine.optional), whose optional matcher keeps in step when skipped ahead.
"""
from __future__ import annotations

from whoosh import query as W

from indexer.engine import queries as Q
from indexer.engine.exclusion import AndNot
from indexer.engine.optional import AndMaybe


def to_whoosh(query: Q.Query) -> W.Query:
    """The Whoosh query that ``query`` stands for, made once per query object: a search runs
    the same query several times (ranked, counted, estimated) and Whoosh queries are not
    changed by running them."""
    compiled = query.__dict__.get("_whoosh")
    if compiled is None:
        compiled = _compile(query)
        object.__setattr__(query, "_whoosh", compiled)      # not a field: equality and hash ignore it
    return compiled


def _compile(query: Q.Query) -> W.Query:
    kind = type(query)
    if kind is Q.Term:
        return W.Term(query.field, query.text, boost=query.boost)
    if kind is Q.Prefix:
        return W.Prefix(query.field, query.text, boost=query.boost)
    if kind is Q.Phrase:
        return W.Phrase(query.field, list(query.words), boost=query.boost)
    if kind is Q.And:
        return W.And([_compile(q) for q in query.queries], boost=query.boost)
    if kind is Q.Or:
        return W.Or([_compile(q) for q in query.queries], boost=query.boost)
    if kind is Q.AndNot:
        return AndNot(_compile(query.query), _compile(query.excluded))
    if kind is Q.AndMaybe:
        return AndMaybe(_compile(query.query), _compile(query.optional))
    if kind is Q.ConstantScore:
        return W.ConstantScoreQuery(_compile(query.query), query.score)
    if kind is Q.Every:
        return W.Every()
    raise TypeError(f"not a query object: {query!r}")
