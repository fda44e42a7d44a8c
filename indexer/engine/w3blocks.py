"""Posting lists written in Whoosh's W3 format: the bytes W3FieldWriter writes, made faster.

``write_term`` writes one term from its arrays (merged segments, positions). ``write_lists``
writes many terms at once from flat numpy arrays (a field's own counted or ID postings): what
W3 keeps per block (count, last id, top weight, shortest and longest document) is computed for
every block with numpy, so that Python's work per term is the pickles W3 stores and the terms
index entry. Both write what W3FieldWriter would after start_term, an add per posting and
finish_term (tests/test_segment_writer.py compares segments with Whoosh's own).
"""
from __future__ import annotations

import zlib
from array import array
from hashlib import md5
from operator import sub

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo, dumps, length_to_byte
from whoosh.filedb.filetables import _lengths as _RECORD_HEAD
from whoosh.filedb.filetables import md5_hash
from whoosh.system import pack_int, pack_long

from indexer.engine import kept

_TERMINFO = W3TermInfo._struct     # flags, weight, doc frequency, min/max length, max weight, first/last id
COMPRESS_FROM = 64        # bytes of a block's pickle from which it is compressed
_CHUNK = 1 << 16          # postings turned into Python objects at a time (write_lists)
_BATCH = 4096             # terms whose bytes write_lists holds before writing them
_HELD = 1 << 20           # or bytes of posting lists


def _block(ids: list, weights: list, block_values, level_wanted: int) -> tuple[bytes, int]:
    """A block's pickle, compressed when worth it, and its compression level.

    Whoosh meant to leave tiny blocks uncompressed, but a slip in its code compresses every
    one. Most blocks hold a posting or two: zlib makes them no smaller and took two fifths of
    the time of writing a segment. The block's header says which (readers check it).
    """
    first = weights[0]
    if weights.count(first) == len(weights):
        mini = None if first == 1.0 else first
    else:
        mini = tuple(weights)
    data = dumps((tuple(map(sub, ids, [0] + ids[:-1])), mini, block_values), 2)
    level = level_wanted if len(data) >= COMPRESS_FROM else 0
    return (zlib.compress(data, level) if level else data), level


def _md5_hash(key: bytes) -> int:
    """Whoosh's md5_hash (the digest as a number, its low 32 bits), without the hex round trip."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")


def _add_terms(tindex, keys: list[bytes], values: list[bytes]) -> None:
    """``tindex.add(key, value)`` for each key in turn (W3's ordered hash file of terms), in one write.

    OrderedHashWriter.add asks the file for its position twice per term, a seek system call each
    (the buffered file does not keep its position), and writes three times: a tenth of writing a
    segment. A record is the two lengths, the key and the value, so each position follows from
    the last; the table of positions and the hash buckets get what ``add`` would give them.
    """
    if not keys:
        return
    if keys[0] <= tindex.lastkey or any(a >= b for a, b in zip(keys, keys[1:])):
        raise ValueError("Keys must increase")
    hashfn = _md5_hash if tindex.hashfn is md5_hash else tindex.hashfn
    dbfile, buckets, positions = tindex.dbfile, tindex.buckets, tindex.index
    pos = dbfile.tell()
    out = []
    for key, value in zip(keys, values):
        positions.append(pos)
        h = hashfn(key)
        buckets[h & 255].append((h, pos))
        out += (_RECORD_HEAD.pack(len(key), len(value)), key, value)
        pos += _RECORD_HEAD.size + len(key) + len(value)
    dbfile.write(b"".join(out))
    tindex.lastkey = keys[-1]


def write_term(fw, keybytes: bytes, ids: array, weights: array, values, fixed: int | None, lengths,
               keep=None) -> None:
    """Write one term's posting list and its term info, without a call per posting or the
    writer objects Whoosh makes per term and per block.

    ``values``: for a format of fixed value size, the values joined into one bytes object;
    otherwise a list with one bytes object per posting. ``keep(term bytes, ids, weights)``, if
    given, is also called for a long list (indexer.engine.decoded).
    """
    postfile = fw._postfile
    limit, comp = fw._codec._blocklimit, fw._codec._compression
    offset = postfile.tell()
    out = [WHOOSH3_HEADER_MAGIC]
    n = len(ids)
    total = 0                          # W3TermInfo's statistics, as its add_block keeps them
    minlength, maxlength, maxweight = None, 0, 0
    for start in range(0, n, limit):
        end = min(start + limit, n)
        block_ids = ids[start:end].tolist()
        block_weights = weights[start:end].tolist()
        count = end - start
        total += sum(block_weights)
        top = max(0, max(block_weights))
        if lengths is not None:
            block_lengths = list(filter(None, map(lengths.__getitem__, block_ids)))
            low = min(block_lengths) if block_lengths else None
            high = max(block_lengths) if block_lengths else 0
        else:
            low, high = None, 0
        minlength = low if minlength is None else min(minlength, low)
        maxlength = max(maxlength, high)
        maxweight = max(maxweight, top)
        if fixed is None or fixed < 0:
            block_values = tuple(v for v in values[start:end] if v)
        elif fixed == 0:
            block_values = None
        else:
            block_values = values[start * fixed:end * fixed]
        data, level = _block(block_ids, block_weights, block_values, comp)
        info = dumps((count, block_ids[-1], top, level, length_to_byte(low), length_to_byte(high)), 2)
        size = len(info) + len(data)
        out += (pack_int(-size if end == n else size), info, data)
    written = b"".join(out)
    postfile.write(written)
    terminfo = _TERMINFO.pack(False, total, n, 0 if minlength is None else length_to_byte(minlength),
                              length_to_byte(maxlength), maxweight, ids[0], ids[-1])
    fw._tindex.add(keybytes, terminfo + pack_long(offset) + pack_int(len(written)))
    if keep is not None and n >= kept.LONG:        # the term without its 2-byte field number
        keep(keybytes[2:], np.frombuffer(ids, dtype=np.uint32), np.frombuffer(weights, dtype=np.float32))


def _blocks(starts: np.ndarray, n: int, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Where each block starts, and each term's first block: a term's postings in blocks of ``limit``."""
    sizes = np.diff(np.append(starts, n))
    per_term = (sizes + limit - 1) // limit
    first_block = np.concatenate(([0], np.cumsum(per_term)[:-1])).astype(np.int64)
    within = np.arange(int(per_term.sum()), dtype=np.int64) - np.repeat(first_block, per_term)
    return np.repeat(starts, per_term) + within * limit, first_block


def _block_stats(starts: np.ndarray, ids: np.ndarray, weights: np.ndarray, lengths: np.ndarray | None,
                 limit: int):
    """What W3 records of every block, for write_lists: ((first posting, end, top weight, sum
    of weights) of each block, shortest and longest document of each block (None without
    lengths), the end block of each term), as lists."""
    n = len(ids)
    bstarts, first_block = _blocks(starts, n, limit)
    bends = np.append(bstarts[1:], n)
    top = np.maximum.reduceat(weights, bstarts)
    sums = np.add.reduceat(weights, bstarts, dtype=np.float64)
    low = high = None
    if lengths is not None:
        posting_lengths = lengths[ids]
        low = np.minimum.reduceat(posting_lengths, bstarts).tolist()
        high = np.maximum.reduceat(posting_lengths, bstarts).tolist()
    term_blocks = np.append(first_block[1:], len(bstarts)).tolist()
    return (bstarts.tolist(), bends.tolist(), top.tolist(), sums.tolist()), low, high, term_blocks


def write_lists(fw, prefix: bytes, terms: list, starts: np.ndarray, ids: np.ndarray, weights: np.ndarray,
                values: bytes | None, lengths: np.ndarray | None, keep=None) -> None:
    """Write the posting lists of many terms of the field ``fw`` is writing.

    ``terms``: sorted, str (UTF-8 encoded here) or bytes; ``starts``: where each term's postings
    begin in ``ids`` (docnums, ascending within a term) and ``weights`` (float32);
    ``values``: 4 bytes a posting (a Frequency format's) or None (Existence: no values);
    ``lengths``: the field length of every docnum, or None for a field without lengths;
    ``keep(term bytes, ids, weights)``, if given, is also called for each long list.
    """
    n = len(ids)
    if not n:
        return
    limit, comp = fw._codec._blocklimit, fw._codec._compression
    stats, low, high, term_blocks = _block_stats(starts, ids, weights, lengths, limit)
    term_ends = np.append(starts[1:], n).tolist()
    held = _Held(fw._postfile, fw._tindex)
    base = -1                          # the first posting of the chunk held as Python lists
    chunk_ids = chunk_weights = None
    block = 0
    for t, term in enumerate(terms):
        out = [WHOOSH3_HEADER_MAGIC]
        end_block = term_blocks[t]
        if term_ends[t] - base > _CHUNK or base < 0:
            base = stats[0][block]
            chunk_ids = ids[base:base + max(_CHUNK, term_ends[t] - base)].tolist()
            chunk_weights = weights[base:base + max(_CHUNK, term_ends[t] - base)].tolist()
        total = 0.0
        for b in range(block, end_block):
            s, e = stats[0][b] - base, stats[1][b] - base
            block_ids = chunk_ids[s:e]
            block_values = values[(s + base) * 4:(e + base) * 4] if values is not None else None
            data, level = _block(block_ids, chunk_weights[s:e], block_values, comp)
            lo, hi = (length_to_byte(low[b]), length_to_byte(high[b])) if lengths is not None else (0, 0)
            info = dumps((e - s, block_ids[-1], stats[2][b], level, lo, hi), 2)
            size = len(info) + len(data)
            out += (pack_int(-size if b == end_block - 1 else size), info, data)
            total += stats[3][b]
        written = b"".join(out)
        first, last = stats[0][block] - base, stats[1][end_block - 1] - base - 1
        if lengths is not None:
            minlength, maxlength = min(low[block:end_block]), max(high[block:end_block])
        else:
            minlength = maxlength = 0
        terminfo = _TERMINFO.pack(False, total, term_ends[t] - stats[0][block],
                                  length_to_byte(minlength) if minlength else 0, length_to_byte(maxlength),
                                  max(stats[2][block:end_block]), chunk_ids[first], chunk_ids[last])
        btext = term.encode("utf-8") if isinstance(term, str) else term
        held.add(written, prefix + btext, terminfo)
        if keep is not None and term_ends[t] - stats[0][block] >= kept.LONG:
            keep(btext, ids[stats[0][block]:term_ends[t]], weights[stats[0][block]:term_ends[t]])
        block = end_block
    held.write()


class _Held:
    """The posting lists and term records of write_lists, written a batch at a time."""

    def __init__(self, postfile, tindex):
        self.postfile, self.tindex = postfile, tindex
        self.lists, self.keys, self.infos = [], [], []
        self.offset = self.start = postfile.tell()    # of the next list; of the first one held

    def add(self, written: bytes, key: bytes, terminfo: bytes) -> None:
        self.lists.append(written)
        self.keys.append(key)
        self.infos.append(terminfo + pack_long(self.offset) + pack_int(len(written)))
        self.offset += len(written)
        if len(self.keys) >= _BATCH or self.offset - self.start >= _HELD:
            self.write()

    def write(self) -> None:
        self.postfile.write(b"".join(self.lists))
        _add_terms(self.tindex, self.keys, self.infos)
        self.lists, self.keys, self.infos = [], [], []
        self.start = self.offset
