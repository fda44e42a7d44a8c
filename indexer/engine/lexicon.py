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

from pickle import loads
from struct import Struct
from typing import NamedTuple

import numpy as np

from indexer.engine import postings

_FIELD_ID = Struct("!H")          # a key starts with its field's number
_RECORD = Struct("!ii")           # a record starts with its key's length and its value's length
_INFO_DF, _INFO_FIRST, _INFO_LAST, _INFO_SIZE = 5, 15, 19, 23     # in W3's term info, "!BfIBBfII"
_EXTENT = Struct("!qi")           # after a term info without inlined postings: the list's offset and size
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

    def terms(self) -> list[bytes]:
        """Every term, in order (sliced from one bytes object: a call to term() apiece took
        0.1 s for the report ids and sources at 1,000,000 paragraphs)."""
        data = self.data.tobytes()
        return [data[start:start + length] for start, length in zip(self.starts.tolist(), self.lengths.tolist())]

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


def posting_ids(reader, lex: Lexicon, i: int) -> list[int]:
    """Every document (ascending; deleted ones included) with term ``i`` of ``lex``, a
    lexicon of ``reader``: its posting list read from the extent in the term info, with no term
    lookup and no matcher (indexer.engine.postings), or its postings inlined in the term info."""
    info = int(lex.starts[i] + lex.lengths[i])
    if lex.data[info]:                   # W3 flags: the postings are pickled in the term info
        size = int(_int32_at(lex.data, np.array([lex.starts[i] - _FIELD_ID.size - 4]))[0])
        return list(loads(lex.data[info + _INFO_SIZE:info + size].tobytes())[0])
    offset, size = _EXTENT.unpack(lex.data[info + _INFO_SIZE:info + _INFO_SIZE + _EXTENT.size].tobytes())
    return postings.ids_at(reader._terms._postfile, offset, size)


class Keys(NamedTuple):
    """A lexicon's terms as rows of big-endian 8-byte words (zero-padded: ordered as the bytes),
    with their lengths: what group_ids compares, without the lexicon's bytes."""

    words: np.ndarray         # (terms, width / 8), ">u8"
    lengths: np.ndarray       # int32 (kept per segment with the facet columns: half the bytes of int64)


def keys(lex: Lexicon) -> Keys:
    """The lexicon's terms as Keys, as wide as its longest term (in whole words)."""
    n = len(lex)
    width = max(8, -(-int(lex.lengths.max()) // 8) * 8) if n else 8
    rows = np.zeros((n, width), dtype=np.uint8)
    if n:
        size = int(lex.lengths[0])
        step = int(lex.starts[1] - lex.starts[0]) if n > 1 else 0
        if (lex.lengths == size).all() and (np.diff(lex.starts) == step).all() and step >= 0:
            # Terms of one length in records of one length (a hash per paragraph): a strided view.
            start = int(lex.starts[0])
            rows[:, :size] = np.lib.stride_tricks.as_strided(lex.data[start:], shape=(n, size), strides=(step, 1),
                                                             writeable=False)
        else:
            for j in range(int(lex.lengths.max())):
                inside = lex.lengths > j
                rows[:, j] = np.where(inside, lex.data[np.where(inside, lex.starts + j, 0)], 0)
    return Keys(rows.view(">u8"), lex.lengths.astype(np.int32))


def group_ids(all_keys: list[Keys]) -> tuple[list[np.ndarray], int]:
    """For each Keys (one lexicon's terms), each term's group number: equal terms
    (in any of them) get equal numbers, different terms different ones, numbered in term order from
    0; and how many groups. Terms are compared as bytes, eight at a time (no Python object a term)."""
    sizes = [len(k.lengths) for k in all_keys]
    total = sum(sizes)
    if total == 0:
        return [np.zeros(0, dtype=np.int64) for _ in all_keys], 0
    words, lengths = _stacked(all_keys)
    # Each lexicon is sorted, so a stable sort by the first eight bytes merges sorted runs (fast);
    # only terms whose first eight bytes tie with another's are sorted by the rest too.
    leading = words[:, 0].astype(np.uint64)
    order = np.argsort(leading, kind="stable")
    ties = np.zeros(total, dtype=bool)
    same = leading[order[1:]] == leading[order[:-1]]
    ties[1:] |= same
    ties[:-1] |= same
    if ties.any():
        at = np.flatnonzero(ties)
        tied = order[at]
        sort_keys = [lengths[tied]] + [words[tied, j] for j in range(words.shape[1] - 1, 0, -1)] + [leading[tied]]
        order[at] = tied[np.lexsort(sort_keys)]       # lexsort's last key is the primary one
    ordered_words, ordered_lengths = words[order], lengths[order]
    new = np.ones(total, dtype=bool)
    new[1:] = (ordered_words[1:] != ordered_words[:-1]).any(axis=1) | (ordered_lengths[1:] != ordered_lengths[:-1])
    numbers = np.empty(total, dtype=np.int64)
    numbers[order] = np.cumsum(new) - 1
    return np.split(numbers, np.cumsum(sizes)[:-1]), int(new.sum())


def extend_group_ids(known: list[tuple[Keys, np.ndarray]], count: int,
                     fresh: list[Keys]) -> tuple[list[np.ndarray], int] | None:
    """group_ids for terms added beside terms already numbered: each term of each ``fresh`` Keys
    gets the number of an equal term of ``known`` (Keys with their terms' numbers, as group_ids
    gave them, numbers below ``count``), or else a new one from ``count`` on (equal new terms
    alike, in term order); and how many numbers there are then. A reindex that adds a report adds
    a segment: only its terms are looked up (a binary search in each known lexicon, which is in
    term order), not every term sorted again. None in the one case this does not decide: a known
    term equal to a fresh one but for trailing zero bytes (group_ids tells those apart)."""
    sizes = [len(k.lengths) for k in fresh]
    if not sum(sizes):
        return [np.zeros(0, dtype=np.int64) for _ in fresh], count
    words, lengths = _stacked(fresh)
    width = words.shape[1]
    numbers = np.full(len(lengths), -1, dtype=np.int64)
    for keys, their_numbers in known:
        have = keys.words.shape[1]
        asked = np.flatnonzero((numbers < 0) & (lengths <= have * 8))
        if not len(asked) or not len(keys.lengths):
            continue
        rows = _rows(words[asked, :have] if width >= have else _widened(words[asked], have))
        table = _rows(keys.words)
        at = np.minimum(np.searchsorted(table, rows), len(table) - 1)
        same = table[at] == rows
        if (same & (keys.lengths[at] != lengths[asked])).any():
            return None
        numbers[asked[same]] = their_numbers[at[same]]
    new = numbers < 0
    if new.any():
        rows = _rows(np.column_stack([words[new], lengths[new].astype(np.uint64)]))
        distinct, which = np.unique(rows, return_inverse=True)
        numbers[new] = count + which.ravel()
        count += len(distinct)
    return np.split(numbers, np.cumsum(sizes)[:-1]), count


def _stacked(all_keys: list[Keys]) -> tuple[np.ndarray, np.ndarray]:
    """Every Keys' rows one under another, as wide as the widest, and their lengths."""
    width = max(k.words.shape[1] for k in all_keys)
    return (np.concatenate([k.words if k.words.shape[1] == width else _widened(k.words, width) for k in all_keys]),
            np.concatenate([k.lengths for k in all_keys]))


def _rows(words: np.ndarray) -> np.ndarray:
    """Rows of words as single items that compare as their bytes (memcmp): big-endian, which
    numpy's concatenate and column_stack do not keep."""
    words = np.ascontiguousarray(words.astype(">u8", copy=False))
    return words.view(np.dtype((np.void, words.shape[1] * words.itemsize))).ravel()


def _widened(words: np.ndarray, width: int) -> np.ndarray:
    """Rows of words padded with zero words to ``width`` words (the bytes' order unchanged)."""
    out = np.zeros((len(words), width), dtype=words.dtype)
    out[:, :words.shape[1]] = words
    return out
