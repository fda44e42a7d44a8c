"""The set of paragraphs a query matches, by set algebra on posting lists.

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
index view's ``matches``, which the search's counts ask for (totals, facet counts).

Facet counts and exact totals need every match, not the best few. Whoosh's docs_for_query
walks the query's matcher tree a document at a time in Python, about a second for a common
query at 100,000 paragraphs. Here each term's posting list is decoded a block at a time into
a set and the query's structure becomes set operations: And → ∩, Or → ∪, AndNot → −,
AndMaybe → its required part. Only the shapes the search's query objects compile to are handled;
for any other ``matching`` returns None and the caller asks Whoosh.

The ids of a long list are kept once decoded (indexer.engine.kept).
"""
from __future__ import annotations

from array import array

from whoosh import query as Q

from indexer.engine import kept, postings


class _Unsupported(Exception):
    pass


def matching(searcher, query: Q.Query) -> set[int] | None:
    """Docnums of the live documents query matches, or None for a query shape not handled."""
    out: set[int] | None = None
    try:
        for subsearcher, offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            docs = _docs(reader, query, offset)           # a fresh set, numbered as the searcher numbers
            if reader.has_deletions():
                deleted = reader.deleted_docs_set
                docs -= set(map(offset.__add__, deleted)) if offset else deleted
            if out is None:
                out = docs
            else:
                out |= docs
    except _Unsupported:
        return None
    return out if out is not None else set()


def _term(reader, fieldname: str, text, offset: int) -> set[int]:
    """The documents with the term in this segment (deleted ones included), numbered from ``offset``."""
    btext = postings.term_bytes(reader, fieldname, text)
    if btext is None:
        return set()
    if not kept.is_long(reader, fieldname, btext):
        return _read(reader, fieldname, btext, offset)
    # Kept numbered from the offset: the segment's place in the searcher is part of the key.
    ids = kept.get(reader, fieldname, btext, ("ids", offset))
    if ids is not None:
        return set(ids)
    docs = _read(reader, fieldname, btext, offset)
    kept.put(reader, fieldname, btext, ("ids", offset), array("i", docs))
    return docs


def _read(reader, fieldname: str, btext: bytes, offset: int) -> set[int]:
    matcher = reader.postings(fieldname, btext)
    leaf = postings.leaf(matcher)
    shift = offset.__add__
    if leaf is None:
        ids = postings.all_ids(matcher)
        return set(map(shift, ids) if offset else ids)
    out: set[int] = set()
    for block in postings.blocks(leaf):       # straight into the set, a block at a time
        ids = postings.decode(leaf, block)[0]
        out.update(map(shift, ids) if offset else ids)
    return out


def _docs(reader, q: Q.Query, offset: int) -> set[int]:
    kind = type(q)
    if kind is Q.Term:
        return _term(reader, q.fieldname, q.text, offset)
    if kind in (Q.Prefix, Q.Wildcard):
        out: set[int] = set()
        for fieldname, btext in q.expanded_terms(reader):
            out |= _term(reader, fieldname, btext, offset)
        return out
    if kind is Q.And:
        parts = sorted((_docs(reader, sub, offset) for sub in q.subqueries), key=len)
        return set.intersection(*parts) if parts else set()
    if kind is Q.Or and not getattr(q, "minmatch", 0):
        out = set()
        for sub in q.subqueries:
            out |= _docs(reader, sub, offset)
        return out
    if kind is Q.AndMaybe:
        return _docs(reader, q.a, offset)
    if issubclass(kind, Q.AndNot):          # ours (indexer.engine.exclusion) included
        return _docs(reader, q.a, offset) - _docs(reader, q.b, offset)
    if kind is Q.ConstantScoreQuery:
        return _docs(reader, q.child, offset)
    if kind is Q.Every and not q.fieldname:
        return set(range(offset, offset + reader.doc_count_all()))
    if isinstance(q, Q.NullQuery.__class__):
        return set()
    raise _Unsupported(kind.__name__)
