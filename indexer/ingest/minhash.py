"""dedup's one-permutation MinHash over character 5-grams, computed for all 5-grams at once.

``dedup.signature_of`` defines the hash: a 5-gram read as one 160-bit number (its UTF-32 code
units, little-endian), times an odd 192-bit constant, modulo 2**192, top 64 bits; bin = the
low 6 bits, value = the rest, the minimum per bin. In Python that is a big-integer product per
5-gram, and it was the largest single cost of the indexing process. Here the product is done
in 32-bit limbs with numpy: every partial product fits in 64 bits, each column of the schoolbook
product is the sum of at most ten 32-bit halves, and carries are propagated once. The result is
the same integers (tests compare the two on many texts).
"""
from __future__ import annotations

import numpy as np

SHINGLE = 5
_LIMBS = 6                          # 192 bits
_MASK32 = np.uint64(0xFFFFFFFF)
_32 = np.uint64(32)


def _limbs(constant: int) -> list[np.uint64]:
    return [np.uint64((constant >> (32 * i)) & 0xFFFFFFFF) for i in range(_LIMBS)]


def shingle_hashes(text: str, multiplier: int) -> tuple[np.ndarray, int]:
    """(the 64-bit hash of every 5-gram of ``text``, the number of distinct 5-grams), for a text of
    at least SHINGLE characters; the hashes in text order, repeated 5-grams repeated."""
    units = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    n = len(units) - SHINGLE + 1
    windows = [units[j:j + n] for j in range(SHINGLE)]          # unit j of every 5-gram
    m = _limbs(multiplier)
    columns = [np.zeros(n, dtype=np.uint64) for _ in range(_LIMBS)]
    for j, u in enumerate(windows):
        for i in range(_LIMBS - j):                   # limbs past 192 bits are dropped
            product = u * m[i]
            columns[i + j] += product & _MASK32
            if i + j + 1 < _LIMBS:
                columns[i + j + 1] += product >> _32
    carry = np.zeros(n, dtype=np.uint64)
    limbs = []
    for column in columns:
        column += carry
        limbs.append(column & _MASK32)
        carry = column >> _32
    hashes = limbs[4] | (limbs[5] << _32)
    return hashes, _distinct(hashes, windows)


def _distinct(hashes: np.ndarray, windows: list[np.ndarray]) -> int:
    """The number of distinct 5-grams: of distinct hashes, once every pair of 5-grams with equal
    hashes is checked to be the same 5-gram (two different ones that collide are counted exactly,
    the slow way)."""
    order = np.argsort(hashes)
    ranked = hashes[order]
    equal = ranked[1:] == ranked[:-1]
    a, b = order[:-1][equal], order[1:][equal]
    if all(np.array_equal(w[a], w[b]) for w in windows):
        return len(hashes) - int(equal.sum())
    rows = np.ascontiguousarray(np.stack(windows, axis=1).astype(np.uint32))
    return len(np.unique(rows.view(np.dtype((np.void, 4 * SHINGLE))).ravel()))


def min_per_bin(hashes: np.ndarray, bins: int, empty: int) -> list[int]:
    """The smallest ``hash >> log2(bins)`` of each bin ``hash & (bins - 1)``; ``empty`` for a bin none fell in."""
    none = np.iinfo(np.uint64).max
    out = np.full(bins, none, dtype=np.uint64)
    np.minimum.at(out, (hashes & np.uint64(bins - 1)).astype(np.intp), hashes >> np.uint64(bins.bit_length() - 1))
    return [empty if v == none else v for v in out.tolist()]
