"""A long posting list, kept once read: decoded into arrays (postings.PostingList).

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
sets of matches (docsets: every id) and the exact top k (topk: ids, weights, block headers). A
common bigram's list is long (社区 is in 85% of the synthetic 100,000 paragraphs: 667 blocks),
and reading it is most of what a count or a top k of a common word costs: walking the headers is
a seek and a pickle load per block, decoding every block a zlib and a pickle call more. Kept
decoded, a list costs 5 bytes a posting (its id, and its weight as an index into the distinct
weights), and both the count and the top k of the next query read it as it is.

A segment's posting lists never change (its deletions are kept apart and applied by the
callers), so what is read of a long list is kept per segment, in compact arrays, and shared by
every thread's view; segments' ids are random and never reused, so a reindex, which makes new
segments, can never be answered from an old one. The least recently used lists are dropped past
a budget. Short lists (most of the lexicon) are kept apart, within a smaller budget: one costs
about 0.15 ms to read from its blocks, and in an index built a folder of reports at a time (a
segment a few thousand paragraphs each) a query's middling words have short lists in every
segment: read each time, they were most of such a query (bench/daily.py --batches).
Segments written by this version hold their long lists decoded already (indexer.engine.decoded):
kept here are those of older segments, and what else callers remember (a segment's field lengths).
"""
from __future__ import annotations

import threading
from array import array
from collections import OrderedDict

import numpy as np

from indexer.engine import decoded, postings

LONG = 1024                     # postings: a list this long (8 blocks and more) is kept once read…
BUDGET = 32 * 1024 * 1024       # …within this many bytes of arrays, all lists together
SHORT_BUDGET = 8 * 1024 * 1024  # short lists: bytes of arrays and of the objects holding them
SHORT_OVERHEAD = 1536           # bytes a kept short list takes beyond its arrays (measured: six arrays, a key)


_lock = threading.Lock()


class _Lru:
    """Values by key, the least recently used dropped once their bytes pass ``budget``."""

    def __init__(self, budget: int, overhead: int = 0):
        self.entries: "OrderedDict[tuple, object]" = OrderedDict()
        self.size, self.budget, self.overhead = 0, budget, overhead

    def kept(self, key: tuple, make):
        """``make()``, made once for ``key`` and kept while the budget holds it."""
        with _lock:
            got = self.entries.get(key)
            if got is not None:
                self.entries.move_to_end(key)
                return got
        got = make()
        with _lock:
            self._put(key, got)
        return got

    def _put(self, key, value) -> None:
        size = _bytes(value) + self.overhead
        if key in self.entries or size > self.budget:
            return
        self.entries[key] = value
        self.size += size
        while self.size > self.budget:
            _, dropped = self.entries.popitem(last=False)
            self.size -= _bytes(dropped) + self.overhead

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0


_long, _short = _Lru(BUDGET), _Lru(SHORT_BUDGET, SHORT_OVERHEAD)
_kept = _long.entries


def is_long(reader, fieldname: str, btext: bytes) -> bool:
    """Is the term's list in this segment long enough to be kept (and the reader one segment's)?"""
    return getattr(reader, "segment", None) is not None and reader.doc_frequency(fieldname, btext) >= LONG


def posting_list(reader, fieldname: str, btext: bytes, weights: bool = True) -> postings.PostingList:
    """The term's list in this segment, decoded (deleted documents included); a long one is read
    as the index step wrote it decoded (indexer.engine.decoded), or else kept and read once; a
    short one is kept too, apart. Kept lists have their weights, whatever ``weights`` says."""
    if not is_long(reader, fieldname, btext):
        if getattr(reader, "segment", None) is None:        # not one segment's: nothing to key it by
            return postings.read_term(reader, fieldname, btext, weights)
        # Few are worth keeping alone, but a segment written by a run that added a folder of reports
        # has its middling words' lists short, and a query reads one from each such segment.
        return _short.kept((reader.segment().segment_id(), fieldname, btext),
                           lambda: postings.read_term(reader, fieldname, btext))
    written = decoded.posting_list(reader, fieldname, btext)
    if written is not None:
        return written
    return remember(reader, fieldname, btext, "list", lambda: postings.read_list(reader.postings(fieldname, btext)))


def remember(reader, fieldname: str, btext: bytes, kind, make):
    """``make()`` for a long list of a segment (or a column of it: its documents' field lengths),
    made once and kept; ``make`` returns an array, a tuple of arrays or a PostingList (which the
    caller must not change)."""
    return _long.kept((reader.segment().segment_id(), fieldname, btext, kind), make)


def _bytes(value) -> int:
    if isinstance(value, postings.PostingList):
        return value.nbytes
    parts = value if isinstance(value, tuple) else (value,)
    return sum(part.nbytes if isinstance(part, np.ndarray) else part.itemsize * len(part)
               for part in parts if isinstance(part, (array, np.ndarray)))


def clear() -> None:
    """Forget every kept list, and the files of lists written decoded (for measuring the cost of
    reading them)."""
    with _lock:
        _long.clear()
        _short.clear()
    decoded.forget()
