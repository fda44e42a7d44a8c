"""Reading Whoosh's W3 posting blocks directly, a block at a time.

Its place in the flow query → parse → search → highlight → results: inside the engine, beneath
Whoosh's public layer, for speed: the exact top k (topk), the sets of matches (docsets) and the
facet columns (columns) read postings here.

A W3 posting list is a chain of blocks of up to 128 postings; each block's header (read by
Whoosh's W3LeafMatcher as it moves) gives its largest id, largest weight, where its data
lies and whether that is compressed; the data is a pickled (delta-encoded ids, weights,
values) tuple. Walking the headers needs no decompression; decoding a block is one
zlib.decompress and one pickle.loads instead of a Python call per posting.

``read_list`` decodes a whole list into arrays (``PostingList``): the exact top k and the sets of
matches then work on them with numpy, a block or a list at a time, not a posting at a time.
"""
from __future__ import annotations

import zlib
from io import BytesIO
from itertools import accumulate
from pickle import load, loads
from struct import Struct
from typing import NamedTuple

import numpy as np

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3TermInfo
from whoosh.matching.wrappers import FilterMatcher


_INT = Struct("!i")         # a block's length in the postings file


class Block(NamedTuple):
    maxid: int
    maxweight: float
    start: int
    end: int
    compression: int
    length: int


def term_bytes(reader, fieldname: str, text) -> bytes | None:
    """The term as the index stores it, or None when the field or the term is not there;
    remembered where the reader has a ``term_memo`` (a view's snapshot, indexer.engine.shortcuts)."""
    memo = getattr(reader, "term_memo", None)
    if memo is None:
        return _term_bytes(reader, fieldname, text)
    key = (fieldname, text)
    got = memo.get(key)
    return memo.answer(key, _term_bytes, reader, fieldname, text) if got is None else got


def _term_bytes(reader, fieldname: str, text) -> bytes | None:
    if fieldname not in reader.schema:
        return None
    try:
        btext = reader.schema[fieldname].to_bytes(text) if isinstance(text, str) else text
    except ValueError:
        return None
    return btext if (fieldname, btext) in reader else None


def unfiltered(matcher):
    """A reader's matcher without its deleted-documents filter (the caller handles deletions)."""
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def leaf(matcher):
    """The W3LeafMatcher under a reader's deleted-documents filter, or None for another kind
    (postings inlined in the term's info)."""
    matcher = unfiltered(matcher)
    return matcher if isinstance(matcher, W3LeafMatcher) else None


def blocks(m: W3LeafMatcher) -> list[Block]:
    """Every block's header, walking the chain (moves the matcher to its last block)."""
    out = []
    while True:
        out.append(Block(m._maxid, m._maxweight, m._dataoffset, m._nextoffset, m._compression, m._blocklength))
        if m._lastblock:
            return out
        m._goto(m._nextoffset)


def decode(m: W3LeafMatcher, block: Block) -> tuple:
    """(ids, weights) of one block; weights as a tuple of floats."""
    raw = m._postfile.get(block.start, block.end - block.start)
    if block.compression:
        raw = zlib.decompress(raw)
    data = loads(raw)
    ids = data[0] if m._byteids else list(accumulate(data[0]))
    weights = data[1]
    if weights is None:
        weights = (1.0,) * block.length
    elif isinstance(weights, float):
        weights = (weights,) * block.length
    return ids, weights


def all_ids(matcher) -> list[int]:
    """Every id of a fresh matcher (deleted documents included: the caller removes them)."""
    m = leaf(matcher)
    if m is None:
        return list(unfiltered(matcher).all_ids())
    out: list[int] = []
    for block in blocks(m):
        ids = decode(m, block)[0]
        out += ids
    return out


class PostingList(NamedTuple):
    """One term's postings in one segment, as arrays (not to be changed: they may be kept and shared)."""

    ids: np.ndarray          # int32, ascending: document numbers in the segment
    codes: np.ndarray | None     # each posting's weight, as an index into ``values`` (None: ids only)
    values: np.ndarray | None    # float64, ascending: the distinct weights
    ends: np.ndarray         # int64: where each block ends in ``ids``
    maxids: np.ndarray       # int64: each block's largest id
    maxweights: np.ndarray   # float64: each block's largest weight

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self if a is not None)


def read_list(matcher, weights: bool = True) -> PostingList:
    """A fresh matcher's whole list, decoded (deleted documents included: the caller removes
    them); ``weights=False``: ids only."""
    m = leaf(matcher)
    if m is None:
        return _inline(unfiltered(matcher), weights)
    size = m._length
    size = size[0] if isinstance(size, tuple) else size   # W3's term info reads it as a 1-tuple
    return _decoded(m._postfile, m._startoffset, size, weights, m._byteids)


def read_term(reader, fieldname: str, btext: bytes, weights: bool = True) -> PostingList:
    """``read_list(reader.postings(fieldname, btext), weights)``, read from where the term's
    info says its list lies: a short list costs less to read than the matcher made to read it."""
    terms = getattr(reader, "_terms", None)
    postfile = getattr(terms, "_postfile", None)
    info = None if postfile is None else terms.term_info(fieldname, btext)
    if info is None or info.is_inlined():
        return read_list(reader.postings(fieldname, btext), weights)
    size = info._length[0] if isinstance(info._length, tuple) else info._length
    return _decoded(postfile, info._offset, size, weights)


def _decoded(postfile, start: int, size: int, weights: bool, byteids=False) -> PostingList:
    deltas, found, lengths, maxids, maxweights = [], [], [], [], []
    for (length, maxid, maxweight, compression, _, _), raw in _blocks(postfile, start, size):
        data = loads(zlib.decompress(raw) if compression else raw)
        deltas += data[0]
        lengths.append(length)
        maxids.append(maxid)
        maxweights.append(maxweight)
        if weights:
            w = data[1]
            found += (1.0,) * length if w is None else (w,) * length if isinstance(w, float) else w
    if len(lengths) == 1:
        return _one_block(deltas if byteids else list(accumulate(deltas)), found if weights else None,
                          maxids[0], maxweights[0])
    ends = np.cumsum(lengths, dtype=np.int64)
    ids = np.array(deltas, dtype=np.int64)
    if not byteids:
        ids = _undelta(ids, ends, lengths)
    return _made(ids, found if weights else None, ends, maxids, maxweights)


def _one_block(ids: list, weights: list | None, maxid: int, maxweight: float) -> PostingList:
    """_made for a list of one block (most lists), in plain Python where numpy's calls cost more."""
    codes = values = None
    if weights is not None:
        distinct = sorted(set(weights))
        code = {w: n for n, w in enumerate(distinct)}
        values = np.array(distinct, dtype=np.float64)
        codes = np.array([code[w] for w in weights], dtype=np.uint8 if len(distinct) <= 256 else np.int32)
    return PostingList(np.array(ids, dtype=np.int32), codes, values, np.array([len(ids)], dtype=np.int64),
                       np.array([maxid], dtype=np.int64), np.array([maxweight], dtype=np.float64))


def _undelta(deltas: np.ndarray, ends: np.ndarray, lengths) -> np.ndarray:
    """Ids delta-coded within each block, the first from 0: a running sum restarted per block."""
    ids = np.cumsum(deltas)
    ids -= np.repeat(np.concatenate(([0], ids[ends[:-1] - 1])), lengths)
    return ids


def ids_at(postfile, offset: int, size: int) -> list[int]:
    """Every id (ascending) of the posting list at ``offset`` of a W3 postings file, ``size`` bytes
    long (a term info's extent): no term info looked up, no matcher made. Meant for short lists
    (a copied paragraph's dupkey: a few ids), so in plain Python."""
    out: list[int] = []
    for (_, _, _, compression, _, _), raw in _blocks(postfile, offset, size):
        out += accumulate(loads(zlib.decompress(raw) if compression else raw)[0])      # delta-coded per block
    return out


def _blocks(postfile, start: int, size: int):
    """(header, data bytes) of every block of the list at ``start``, read from the file in one
    piece (walking the headers in the file is a seek and two reads per block). W3's layout: a
    4-byte tag, then per block its length (negative for the last), its pickled header, its data."""
    region = postfile.get(start, size)
    stream = BytesIO(region)
    at = len(WHOOSH3_HEADER_MAGIC)
    while True:
        (length,) = _INT.unpack_from(region, at)
        end = at + _INT.size + abs(length)
        stream.seek(at + _INT.size)
        header = load(stream)
        yield header, region[stream.tell():end]
        if length < 0:
            return
        at = end


def _inline(matcher, weights: bool) -> PostingList:
    """A list inlined in the term's info (a few postings): read through the matcher, as one block."""
    ids, found = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        found.append(matcher.weight())
        matcher.next()
    ends = [len(ids)] if ids else []
    return _made(np.array(ids, dtype=np.int64), found if weights else None, ends, ids[-1:],
                 [max(found)] if found else [])


def _made(ids, weights, ends, maxids, maxweights) -> PostingList:
    codes = values = None
    if weights is not None:
        weights = np.array(weights, dtype=np.float64)
        values = np.unique(weights)          # a handful: the term's frequencies in a paragraph
        codes = np.searchsorted(values, weights).astype(np.uint8 if len(values) <= 256 else np.int32)
    return PostingList(ids.astype(np.int32), codes, values, np.asarray(ends, dtype=np.int64),
                       np.asarray(maxids, dtype=np.int64), np.asarray(maxweights, dtype=np.float64))


def segment_lists(reader):
    """(field name, term bytes, ids, weights, values) of every posting list of one segment, deleted
    documents included, read straight from its files: no term info looked up by hash, no matcher
    made per term, for merging a segment into another. ``values`` as a W3 matcher gives them, one per
    posting (None for a format without values). W3 never inlines a list in its term info (its limit
    of one posting admits only empty lists)."""
    terms = reader._terms
    postfile, schema = terms._postfile, reader.schema
    for fieldname, btext, offset, size in _extents(terms):
        if fieldname not in schema:
            continue
        fixed = schema[fieldname].format.fixed_value_size()
        ids, weights, values = [], [], []
        for (length, _, _, compression, _, _), raw in _blocks(postfile, offset, size):
            deltas, w, v = loads(zlib.decompress(raw) if compression else raw)
            ids += accumulate(deltas)
            weights += (1.0,) * length if w is None else (w,) * length if isinstance(w, float) else w
            values += _values(v, fixed, length)
        yield fieldname, btext, ids, weights, values


_RECORD = Struct("!ii")             # a record of W3's terms file: key length, value length
_FIELD = Struct("!H")
_EXTENT = Struct("!qi")             # after a term info's statistics: where its list lies, how long
_STATS = W3TermInfo._struct.size


def _extents(terms):
    """(field name, term bytes, offset, length) of each term of a W3 terms file, in its order: the
    records parsed from one read (Whoosh's items() reads the file three times a term and decodes
    every statistic)."""
    tindex, unmap = terms._tindex, terms._fieldunmap
    region = tindex.dbfile.get(tindex.startofdata, tindex.endofdata - tindex.startofdata)
    at, end = 0, len(region)
    while at < end:
        keylen, datalen = _RECORD.unpack_from(region, at)
        key = at + _RECORD.size
        info = key + keylen
        if region[info]:                 # inlined postings (see segment_lists)
            raise ValueError("W3 term info with inlined postings")
        offset, size = _EXTENT.unpack_from(region, info + _STATS)
        yield unmap[_FIELD.unpack_from(region, key)[0]], region[key + _FIELD.size:info], offset, size
        at = info + datalen


def _values(stored, fixed: int | None, count: int):
    """A block's values as W3LeafMatcher gives them: W3 joins fixed-size values into one string."""
    if fixed is None or fixed < 0:
        return list(stored)
    if fixed == 0:
        return [None] * count
    return [stored[i:i + fixed] for i in range(0, len(stored), fixed)]
