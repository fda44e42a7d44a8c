"""The counted postings of one field in one segment, kept as integers and grouped at the end.

Every token a document adds to a counted field (words, sub-words, bigrams: writer._counted)
is one 64-bit integer, ``term key << DOC_BITS | docnum``, appended to one array. Grouping them
into posting lists is then one sort (numpy), instead of a dictionary lookup and two appends in
Python per posting: equal tokens of a document sit side by side, and their number is the term's
frequency in it. A term key is the bigram's integer for bigram fields (indexer.text.gramkeys,
whose order is the terms' byte order) or, for word fields, an id given to each new word; ids
are put in the words' order before sorting.

Memory: 8 bytes a token at rest (about 1.2 tokens a posting). Writing sorts a field's tokens in
place and makes posting lists of ``GROUP_TOKENS`` of them at a time, so that it needs a few
dozen megabytes more, however large the segment.
"""
from __future__ import annotations

import sys
from array import array

import numpy as np

from indexer.text.gramkeys import gram_text

DOC_BITS = 22                     # docnums of a segment's own documents: fewer than 4,194,304
MAX_DOCS = 1 << DOC_BITS
_DOC_MASK = np.uint64(MAX_DOCS - 1)
_SHIFT = np.uint64(DOC_BITS)
GROUP_TOKENS = 1 << 19            # tokens made into posting lists at a time (Tally.groups)


class _Ids(dict):
    """word → id, a new id for each new word (ids in order of first use)."""

    __slots__ = ()

    def __missing__(self, word: str) -> int:
        self[word] = n = len(self)
        return n


class Tally:
    """Tokens of one counted field: words (``add_words``) or bigram keys (``add_keys``)."""

    def __init__(self):
        self._tokens = array("Q")
        self._ids = _Ids()

    def __len__(self) -> int:
        return len(self._tokens)

    def word_keys(self, words) -> np.ndarray:
        """The keys of ``words``, shifted (for ``add_keys``): cached by callers for repeated text."""
        ids = self._ids
        return np.fromiter(map(ids.__getitem__, words), dtype=np.uint64, count=len(words)) << _SHIFT

    def add_shifted(self, shifted: np.ndarray, docnum: int) -> None:
        """Add tokens whose keys are already shifted (``word_keys`` or ``shift``)."""
        self._tokens.frombytes((shifted | np.uint64(docnum)).tobytes())

    @staticmethod
    def shift(keys: np.ndarray) -> np.ndarray:
        return keys << _SHIFT

    def groups(self, grams: bool, size: int = GROUP_TOKENS):
        """Yield (terms, starts, docnums, freqs) for the terms of about ``size`` tokens at a time:
        the sorted terms (str), where each term's postings start, and every posting's docnum and
        frequency (uint32), terms in order, docnums ascending within a term. Empties the tally.

        The tokens are sorted where they lie; the arrays made from them are only ever those of one
        group, so that writing a field holds little more than its tokens."""
        tokens = np.frombuffer(self._tokens, dtype=np.uint64) if self._tokens else np.zeros(0, np.uint64)
        words = list(self._ids)
        self._tokens, self._ids = array("Q"), _Ids()
        if not grams:
            order = sorted(range(len(words)), key=words.__getitem__)
            rank = np.empty(len(words), dtype=np.uint64)
            rank[order] = np.arange(len(words), dtype=np.uint64)
            words = [words[i] for i in order]
            for i in range(0, len(tokens), size):    # ids become ranks, a slice at a time
                part = tokens[i:i + size]
                part[:] = (rank[part >> _SHIFT] << _SHIFT) | (part & _DOC_MASK)
        tokens.sort()
        n, start = len(tokens), 0
        while start < n:
            end = min(start + size, n)
            if end < n:        # to the end of the last term begun
                end = int(np.searchsorted(tokens, ((tokens[end - 1] >> _SHIFT) + np.uint64(1)) << _SHIFT))
            yield _grouped(tokens[start:end], words if not grams else None)
            start = end


def _grouped(tokens: np.ndarray, words: list[str] | None):
    """Tally.groups for sorted tokens holding whole terms; ``words``: the terms by rank (None: bigram keys)."""
    n = len(tokens)
    new = np.ones(n, dtype=bool)              # a token unlike the one before: a new posting
    np.not_equal(tokens[1:], tokens[:-1], out=new[1:])
    postings = tokens[new]
    where = np.flatnonzero(new).astype(np.uint32)
    del new
    freqs = np.empty(len(where), dtype=np.uint32)
    np.subtract(where[1:], where[:-1], out=freqs[:-1])
    freqs[-1] = n - where[-1]
    del where
    if sys.byteorder == "little":     # the low half of each posting holds its docnum
        docnums = postings.view(np.uint32)[0::2] & np.uint32(MAX_DOCS - 1)
    else:
        docnums = (postings & _DOC_MASK).astype(np.uint32)
    postings >>= _SHIFT                       # now the term keys
    starts = np.concatenate(([0], np.flatnonzero(postings[1:] != postings[:-1]) + 1))
    term_keys = postings[starts].tolist()
    terms = [gram_text(k) for k in term_keys] if words is None else [words[k] for k in term_keys]
    return terms, starts, docnums, freqs
