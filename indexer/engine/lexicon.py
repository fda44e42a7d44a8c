"""A field's lexicon in one segment as arrays: every term's bytes, document frequency, first and
last document, read from the W3 terms file with numpy, not a record at a time.

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
facet columns (indexer.engine.columns), which a server builds before its first answer. ``dupkey``
has a term per paragraph: a million records at a million paragraphs, and walking them in Python
(two struct unpacks and a bytes object each, then a dict of every term) was most of a cold
start and left a hundred megabytes of small objects behind.

The W3 terms file is Whoosh's ordered hash file: records (key length, value length, key, value)
in key order, each key the field's number then the term, and after the hash tables an array of
every record's position, in key order. A field's terms are a slice of that array: two binary
searches find it, and the records it points to are read in one piece. A term's value starts with
W3's term info (flags, weight, document frequency, lengths, largest weight, first and last
document), whatever follows it (inlined postings). Beneath Whoosh's public layer: a reader of
another codec gets None, and the caller walks Whoosh's lexicon.
"""
from __future__ import annotations

from struct import Struct
from typing import NamedTuple

import numpy as np

_FIELD_ID = Struct("!H")          # a key starts with its field's number
_RECORD = Struct("!ii")           # a record starts with its key's length and its value's length
_INFO_DF, _INFO_FIRST, _INFO_LAST, _INFO_SIZE = 5, 15, 19, 23     # in W3's term info, "!BfIBBfII"
_POSITION_TYPES = {"B": "u1", "H": ">u2", "i": ">i4", "I": ">u4", "q": ">i8"}


class Lexicon(NamedTuple):
    """One field's terms in one segment, in term order (the arrays are parallel)."""

    data: np.ndarray          # uint8: the bytes the terms are read from
    starts: np.ndarray        # int64: where each term's bytes start in ``data`` (after the field number)
    lengths: np.ndarray       # int64: each term's length in bytes
    df: np.ndarray            # int64: documents with the term (deleted ones included)
    first: np.ndarray         # int64: the first document with it
    last: np.ndarray          # int64: the last document with it

    def term(self, i: int) -> bytes:
        start = int(self.starts[i])
        return self.data[start:start + int(self.lengths[i])].tobytes()

    def __len__(self) -> int:
        return len(self.df)


def parse_records(data: bytes, positions: np.ndarray) -> Lexicon:
    """The records of ordered-hash-file bytes ``data`` that start at ``positions`` (offsets into
    data, in key order), each key a field number then a term and each value a W3 term info."""
    buf = np.frombuffer(data, dtype=np.uint8)
    at = np.asarray(positions, dtype=np.int64)
    keylen = _int32_at(buf, at)
    info = at + _RECORD.size + keylen
    if len(at) and (keylen.min() < _FIELD_ID.size or (info + _INFO_SIZE).max() > len(buf)):
        raise ValueError("not W3 terms records")
    return Lexicon(buf, at + _RECORD.size + _FIELD_ID.size, keylen - _FIELD_ID.size,
                   _int32_at(buf, info + _INFO_DF, unsigned=True), _int32_at(buf, info + _INFO_FIRST, unsigned=True),
                   _int32_at(buf, info + _INFO_LAST, unsigned=True))


def _int32_at(buf: np.ndarray, at: np.ndarray, unsigned: bool = False) -> np.ndarray:
    """The big-endian 32-bit integers at offsets ``at`` of ``buf``, as int64."""
    value = np.zeros(len(at), dtype=np.int64)
    for i in range(4):
        value = (value << 8) | buf[at + i]
    return value if unsigned else np.where(value >= 1 << 31, value - (1 << 32), value)


def read(reader, fieldname: str) -> Lexicon | None:
    """The field's lexicon in one segment's reader; None for a reader this does not know (not a
    W3 segment). A field without terms in the segment gives an empty Lexicon."""
    try:
        table = reader._terms._tindex
        fieldid = reader._terms._fieldmap.get(fieldname)
        base, count, dtype = table.indexbase, table.indexlen, np.dtype(_POSITION_TYPES[table.extras["indextype"]])
        dbfile = table.dbfile
    except (AttributeError, KeyError):
        return None
    if fieldid is None:
        return parse_records(b"", np.zeros(0, dtype=np.int64))

    def position(i: int) -> int:
        return int(np.frombuffer(dbfile.get(base + i * dtype.itemsize, dtype.itemsize), dtype=dtype)[0])

    def bound(prefix: bytes) -> int:
        """The first record whose key is not below ``prefix`` (a binary search of the positions)."""
        lo, hi = 0, count
        while lo < hi:
            mid = (lo + hi) // 2
            if table.key_at(position(mid)) < prefix:
                lo = mid + 1
            else:
                hi = mid
        return lo

    lo = bound(_FIELD_ID.pack(fieldid))
    hi = bound(_FIELD_ID.pack(fieldid + 1)) if fieldid + 1 < 1 << 16 else count
    if lo >= hi:
        return parse_records(b"", np.zeros(0, dtype=np.int64))
    positions = np.frombuffer(dbfile.get(base + lo * dtype.itemsize, (hi - lo) * dtype.itemsize),
                              dtype=dtype).astype(np.int64)
    start, last = int(positions[0]), int(positions[-1])
    keylen, datalen = _RECORD.unpack(dbfile.get(last, _RECORD.size))
    data = dbfile.get(start, last + _RECORD.size + keylen + datalen - start)
    return parse_records(data, positions - start)


def group_ids(lexicons: list[Lexicon]) -> tuple[list[np.ndarray], int]:
    """For each lexicon, each term's group number: equal terms (in any of the lexicons) get equal
    numbers, different terms different ones, numbered in term order from 0; and how many groups.
    Terms are compared as bytes, eight at a time, with numpy (no Python object per term)."""
    sizes = [len(lex) for lex in lexicons]
    total = sum(sizes)
    if total == 0:
        return [np.zeros(0, dtype=np.int64) for _ in lexicons], 0
    width = max(int(lex.lengths.max()) for lex in lexicons if len(lex))
    width = max(8, -(-width // 8) * 8)
    rows = np.zeros((total, width), dtype=np.uint8)
    lengths = np.concatenate([lex.lengths for lex in lexicons])
    at = 0
    for lex in lexicons:
        n = len(lex)
        for j in range(int(lex.lengths.max()) if n else 0):
            inside = lex.lengths > j
            rows[at:at + n, j] = np.where(inside, lex.data[np.where(inside, lex.starts + j, 0)], 0)
        at += n
    words = rows.view(">u8")            # big-endian: comparing the words compares the bytes
    # lexsort's last key is the primary one: the first eight bytes, then the next…, then the length.
    order = np.lexsort([lengths] + [words[:, j] for j in range(words.shape[1] - 1, -1, -1)])
    ordered_rows, ordered_lengths = words[order], lengths[order]
    new = np.ones(total, dtype=bool)
    new[1:] = (ordered_rows[1:] != ordered_rows[:-1]).any(axis=1) | (ordered_lengths[1:] != ordered_lengths[:-1])
    numbers = np.empty(total, dtype=np.int64)
    numbers[order] = np.cumsum(new) - 1
    return np.split(numbers, np.cumsum(sizes)[:-1]), int(new.sum())
