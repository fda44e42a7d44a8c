"""The counted postings of one field in one segment, kept as integers and grouped at the end.

Every token a document adds to a counted field (words, sub-words, bigrams: writer._counted)
is one 64-bit integer, ``term key << DOC_BITS | docnum``, appended to one array. Grouping them
into posting lists is then one sort (numpy), instead of a dictionary lookup and two appends in
Python per posting: equal tokens of a document sit side by side, and their number is the term's
frequency in it. A term key is the bigram's integer for bigram fields (indexer.text.gramkeys,
whose order is the terms' byte order) or, for word fields, an id given to each new word; ids
are put in the words' order before sorting.

Memory: 8 bytes a token at rest (about 1.2 tokens a posting); grouping needs about three more
arrays of that size for the field being written.
"""
from __future__ import annotations

from array import array

import numpy as np

from indexer.text.gramkeys import gram_text

DOC_BITS = 22                     # docnums of a segment's own documents: fewer than 4,194,304
MAX_DOCS = 1 << DOC_BITS
_DOC_MASK = np.uint64(MAX_DOCS - 1)
_SHIFT = np.uint64(DOC_BITS)


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

    def grouped(self, grams: bool):
        """(terms, starts, docnums, freqs): the sorted terms (str), where each term's postings
        start, and every posting's docnum and frequency (numpy), terms in order, docnums
        ascending within a term. Empties the tally."""
        tokens = np.frombuffer(self._tokens, dtype=np.uint64) if self._tokens else np.zeros(0, np.uint64)
        if grams:
            tokens = tokens.copy()
        else:
            words = list(self._ids)
            order = sorted(range(len(words)), key=words.__getitem__)
            rank = np.empty(len(words), dtype=np.uint64)
            rank[order] = np.arange(len(words), dtype=np.uint64)
            tokens = (rank[tokens >> _SHIFT] << _SHIFT) | (tokens & _DOC_MASK)
            words = [words[i] for i in order]
        self._tokens = array("Q")
        self._ids = _Ids()
        tokens.sort()
        n = len(tokens)
        firsts = np.flatnonzero(tokens[1:] != tokens[:-1]) + 1
        firsts = np.concatenate((np.zeros(min(n, 1), dtype=np.int64), firsts))
        postings = tokens[firsts]
        del tokens
        freqs = np.diff(np.append(firsts, n)).astype(np.uint32)
        keys = postings >> _SHIFT
        docnums = (postings & _DOC_MASK).astype(np.uint32)
        del postings
        starts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        starts = np.concatenate((np.zeros(min(len(keys), 1), dtype=np.int64), starts))
        term_keys = keys[starts].tolist()
        terms = [gram_text(k) for k in term_keys] if grams else [words[k] for k in term_keys]
        return terms, starts, docnums, freqs
