"""Reading Whoosh's W3 posting blocks directly, a block at a time.

Its place in the flow query → parse → search → highlight → results: inside the engine, beneath
Whoosh's public layer, for speed: the exact top k (topk), the sets of matches (docsets) and the
facet columns (columns) read postings here.

A W3 posting list is a chain of blocks of up to 128 postings; each block's header (read by
Whoosh's W3LeafMatcher as it moves) gives its largest id, largest weight, where its data
lies and whether that is compressed; the data is a pickled (delta-encoded ids, weights,
values) tuple. Walking the headers needs no decompression; decoding a block is one
zlib.decompress and one pickle.loads instead of a Python call per posting.
"""
from __future__ import annotations

import zlib
from itertools import accumulate
from pickle import loads
from typing import NamedTuple

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher


class Block(NamedTuple):
    maxid: int
    maxweight: float
    start: int
    end: int
    compression: int
    length: int


def term_bytes(reader, fieldname: str, text) -> bytes | None:
    """The term as the index stores it, or None when the field or the term is not there."""
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
