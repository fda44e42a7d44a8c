"""Character bigrams as integers: what ``analysis.bigrams`` gives, without a string per bigram.

At index time the bigram field is most of the postings (about two hundred a paragraph), and
making a two-character string for each, then counting them, was a large share of a worker's
time. Here a paragraph's bigrams are computed on its code points at once (numpy), each as one
integer key whose order is the order of the terms' UTF-8 bytes:

* a bigram ab: ``ord(a) << 21 | (ord(b) + 1)``;
* a run of one word character a (its unigram): ``ord(a) << 21``, which sorts just before
  every bigram starting with a, as the string "a" sorts before "ab".

Code points take 21 bits, so a key fits in 42 bits.
"""
from __future__ import annotations

import numpy as np

from indexer.text.normalize import normalize
from indexer.text.bridges import bridges

CHAR_BITS = 21
_LOW = (1 << CHAR_BITS) - 1
_BMP = 0x10000
_word_bmp: np.ndarray | None = None


def _word_table() -> np.ndarray:
    """Whether each BMP code point is a word character of ``analysis.WORD_RUN`` ([^\\W_]: for
    one character, str.isalnum()). Built on first use, in a few milliseconds."""
    global _word_bmp
    if _word_bmp is None:
        _word_bmp = np.array([chr(c).isalnum() for c in range(_BMP)], dtype=bool)
    return _word_bmp


def _is_word(points: np.ndarray) -> np.ndarray:
    table = _word_table()
    if len(points) and int(points.max()) >= _BMP:      # rare: characters beyond the BMP
        return np.array([chr(c).isalnum() for c in points.tolist()], dtype=bool)
    return table[points]


def gram_keys(value: str) -> np.ndarray:
    """The keys (uint64) of the bigrams of ``analysis.bigrams(value)``, one per token, in some order
    (those across marks inside a token, indexer.text.bridges, included)."""
    text = normalize(value)
    points = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    word = _is_word(points)
    pair = word[:-1] & word[1:]
    # A run of one: a word character with no word character on either side.
    alone = word.copy()
    alone[1:] &= ~word[:-1]
    alone[:-1] &= ~word[1:]
    firsts = points[:-1][pair] << np.uint64(CHAR_BITS)
    pairs = firsts | (points[1:][pair] + np.uint64(1))
    across = [ord(pair[0]) << CHAR_BITS | (ord(pair[1]) + 1) for _, _, pair in bridges(text)]
    if across:
        pairs = np.concatenate((pairs, np.array(across, dtype=np.uint64)))
    if not alone.any():
        return pairs
    return np.concatenate((pairs, points[alone] << np.uint64(CHAR_BITS)))


def gram_text(key: int) -> str:
    """The bigram (or unigram) a key stands for."""
    second = key & _LOW
    return chr(key >> CHAR_BITS) + (chr(second - 1) if second else "")
