"""Facet columns: a field's value for every document, as one array, built once per searcher.

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
index view's ``column``, which the search's facet counts and report lookups read
(indexer.search.facets, indexer.search.about). Each column is built from the field's lexicon and
posting lists (read a block at a time, indexer.engine.postings) and cached for as long as the
Whoosh searcher lives (until the next reindex), so a count costs an array lookup per match.
"""
from __future__ import annotations

import threading
import weakref
from array import array

from indexer.engine import postings

_COLUMNS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _column(searcher, field: str) -> tuple[list[str], array]:
    """(values, docnum → value index or -1) for a field, built once per searcher and cached."""
    with _LOCK:
        cached = _COLUMNS.setdefault(searcher, {})
        if field in cached:
            return cached[field]
    values, index = [], {}
    column = array("i", [-1]) * searcher.reader().doc_count_all()
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        for term in reader.lexicon(field):
            if term not in index:
                index[term] = len(values)
                values.append(term.decode("utf-8"))
            i = index[term]
            for docnum in postings.all_ids(reader.postings(field, term)):   # block by block
                column[docnum + offset] = i
        if reader.has_deletions():
            for docnum in reader.deleted_docs_set:
                column[docnum + offset] = -1
    with _LOCK:
        _COLUMNS.setdefault(searcher, {})[field] = (values, column)
    return values, column


def report_of(searcher):
    """docnum → its report's id ("" for a file marker), from the cached report_id column."""
    values, column = _column(searcher, "report_id")
    return lambda docnum: values[column[docnum]] if column[docnum] >= 0 else ""


def paragraph_count(searcher) -> int:
    """How many paragraphs the index holds (not counting duplicate records and file markers)."""
    _, column = _column(searcher, "report_id")
    return len(column) - column.count(-1)
