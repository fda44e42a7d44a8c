"""The set of paragraphs a query matches, by set algebra on posting lists.

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
index view's ``matches``, which the search's counts ask for (totals, facet counts).

Facet counts and exact totals need every match, not the best few. Whoosh's docs_for_query
walks the query's matcher tree a document at a time in Python, about a second for a common
query at 100,000 paragraphs. Here each term's posting list is decoded into a sorted array
(indexer.engine.postings) and the query's structure becomes set operations on arrays, done by
numpy over a bitmap of the segment's documents: And → ∩, Or → ∪, AndNot → −, AndMaybe → its
required part. Only the shapes the search's query objects compile to are handled; for any other
``matching`` returns None and the caller asks Whoosh.

A long list is kept once decoded (indexer.engine.kept).
"""
from __future__ import annotations

from collections.abc import Set

import numpy as np
from whoosh import query as Q

from indexer.engine import kept, postings


class _Unsupported(Exception):
    pass


class Matches(Set):
    """Document numbers as a set, held as a sorted array: counting and intersecting them stays in
    numpy, and a Python set is made only if one is asked for element by element."""

    def __init__(self, docs: np.ndarray):
        self.array = docs
        self._list: list[int] | None = None
        self._set: set[int] | None = None

    def __len__(self) -> int:
        return len(self.array)

    def __iter__(self):
        if self._list is None:
            self._list = self.array.tolist()
        return iter(self._list)

    def __contains__(self, docnum) -> bool:
        if self._set is None:
            self._set = set(self)
        return docnum in self._set

    @classmethod
    def _from_iterable(cls, docs) -> set[int]:
        return set(docs)          # what &, |, - of the Set mixins give


def split(docs, among) -> tuple[Matches, np.ndarray]:
    """(the documents of ``docs`` that are in ``among``, those that are not): ascending arrays, the
    first as Matches. Either may be Matches or any iterable of docnums; a million in milliseconds."""
    a, b = (d.array if isinstance(d, Matches) else np.unique(as_array(d)) for d in (docs, among))
    at = np.minimum(np.searchsorted(b, a), max(len(b) - 1, 0))
    inside = (b[at] == a) if len(b) else np.zeros(len(a), dtype=bool)
    return Matches(a[inside]), a[~inside]


def merged(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The union of two ascending arrays of docnums that share none, ascending: ``b`` put in its
    places (a copy of ``a``; np.union1d sorts both again: about 50 ms for 250,000 paragraphs)."""
    return np.insert(a, np.searchsorted(a, b), b) if len(b) else a


def as_array(docs) -> np.ndarray:
    """Document numbers as an array: a Matches holds one (sorted), any other iterable is read as it is."""
    return docs.array if isinstance(docs, Matches) else np.fromiter(docs, dtype=np.int64)


def matching(searcher, query: Q.Query) -> set[int] | None:
    """Docnums of the live documents query matches, or None for a query shape not handled."""
    docs = matching_array(searcher, query)
    return None if docs is None else set(docs.tolist())


def matching_array(searcher, query: Q.Query) -> np.ndarray | None:
    """``matching`` as a sorted array of docnums (int64), or None for a query shape not handled."""
    parts = []
    try:
        for subsearcher, offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            docs = _docs(reader, query, reader.doc_count_all())      # numbered within the segment
            if reader.has_deletions() and len(docs):
                docs = docs[~_bitmap(reader.doc_count_all(), deleted(reader))[docs]]
            parts.append(docs.astype(np.int64) + offset)
    except _Unsupported:
        return None
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def deleted(reader) -> np.ndarray:
    """A segment's deleted document numbers, as an array."""
    dead = reader.deleted_docs_set
    return np.fromiter(dead, dtype=np.int64, count=len(dead))


def _bitmap(size: int, *arrays) -> np.ndarray:
    """True at every document number in the arrays."""
    mask = np.zeros(size, dtype=bool)
    for docs in arrays:
        mask[docs] = True
    return mask


def _term(reader, fieldname: str, text) -> np.ndarray:
    """The documents with the term in this segment (deleted ones included), sorted."""
    btext = postings.term_bytes(reader, fieldname, text)
    if btext is None:
        return np.zeros(0, dtype=np.int32)
    return kept.posting_list(reader, fieldname, btext, weights=False).ids


def _docs(reader, q: Q.Query, size: int) -> np.ndarray:
    """The sorted document numbers (within the segment of ``size`` documents) q matches."""
    kind = type(q)
    if kind is Q.Term:
        return _term(reader, q.fieldname, q.text)
    if kind in (Q.Prefix, Q.Wildcard):
        return _union(size, [_term(reader, f, btext) for f, btext in q.expanded_terms(reader)])
    if kind is Q.And:
        parts = sorted((_docs(reader, sub, size) for sub in q.subqueries), key=len)
        if not parts:
            return np.zeros(0, dtype=np.int32)
        out = parts[0]
        for other in parts[1:]:
            if not len(out):
                break
            out = out[_bitmap(size, other)[out]]
        return out
    if kind is Q.Or and not getattr(q, "minmatch", 0):
        return _union(size, [_docs(reader, sub, size) for sub in q.subqueries])
    if issubclass(kind, Q.AndMaybe):        # ours (indexer.engine.optional) included
        return _docs(reader, q.a, size)
    if issubclass(kind, Q.AndNot):          # ours (indexer.engine.exclusion) included
        keep = _docs(reader, q.a, size)
        return keep[~_bitmap(size, _docs(reader, q.b, size))[keep]] if len(keep) else keep
    if kind is Q.ConstantScoreQuery:
        return _docs(reader, q.child, size)
    if kind is Q.Every and not q.fieldname:
        return np.arange(size, dtype=np.int32)
    if isinstance(q, Q.NullQuery.__class__):
        return np.zeros(0, dtype=np.int32)
    raise _Unsupported(kind.__name__)


def _union(size: int, parts: list[np.ndarray]) -> np.ndarray:
    parts = [p for p in parts if len(p)]
    if len(parts) < 2:
        return parts[0] if parts else np.zeros(0, dtype=np.int32)
    return np.flatnonzero(_bitmap(size, *parts)).astype(np.int32)
