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
a budget. Short lists are read each time: that is cheap, and they are most of the lexicon.
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

_kept: "OrderedDict[tuple, object]" = OrderedDict()
_size = 0
_lock = threading.Lock()


def is_long(reader, fieldname: str, btext: bytes) -> bool:
    """Is the term's list in this segment long enough to be kept (and the reader one segment's)?"""
    return getattr(reader, "segment", None) is not None and reader.doc_frequency(fieldname, btext) >= LONG


def posting_list(reader, fieldname: str, btext: bytes, weights: bool = True) -> postings.PostingList:
    """The term's list in this segment, decoded (deleted documents included); a long one is read
    as the index step wrote it decoded (indexer.engine.decoded), or else kept (with its weights,
    whatever ``weights`` says) and read once."""
    if not is_long(reader, fieldname, btext):
        return postings.read_term(reader, fieldname, btext, weights)
    written = decoded.posting_list(reader, fieldname, btext)
    if written is not None:
        return written
    return remember(reader, fieldname, btext, "list", lambda: postings.read_list(reader.postings(fieldname, btext)))


def remember(reader, fieldname: str, btext: bytes, kind, make):
    """``make()`` for a long list of a segment (or a column of it: its documents' field lengths),
    made once and kept; ``make`` returns an array, a tuple of arrays or a PostingList (which the
    caller must not change)."""
    got = get(reader, fieldname, btext, kind)
    if got is None:
        got = make()
        put(reader, fieldname, btext, kind, got)
    return got


def get(reader, fieldname: str, btext: bytes, kind):
    """What was kept of a long list of this segment under ``kind``, or None."""
    key = (reader.segment().segment_id(), fieldname, btext, kind)
    with _lock:
        got = _kept.get(key)
        if got is not None:
            _kept.move_to_end(key)
        return got


def put(reader, fieldname: str, btext: bytes, kind, value) -> None:
    """Keep ``value`` (an array or a tuple of arrays, not to be changed) for a long list."""
    _keep((reader.segment().segment_id(), fieldname, btext, kind), value)


def _bytes(value) -> int:
    if isinstance(value, postings.PostingList):
        return value.nbytes
    parts = value if isinstance(value, tuple) else (value,)
    return sum(part.nbytes if isinstance(part, np.ndarray) else part.itemsize * len(part)
               for part in parts if isinstance(part, (array, np.ndarray)))


def _keep(key: tuple, value) -> None:
    global _size
    size = _bytes(value)
    with _lock:
        if key in _kept or size > BUDGET:
            return
        _kept[key] = value
        _size += size
        while _size > BUDGET:
            _, dropped = _kept.popitem(last=False)
            _size -= _bytes(dropped)


def clear() -> None:
    """Forget every kept list, and the files of lists written decoded (for measuring the cost of
    reading them)."""
    global _size
    with _lock:
        _kept.clear()
        _size = 0
    decoded.forget()
