"""Our analysis in Whoosh's tokenizer contract: the analyzers the schema names.

The words and bigrams come from indexer.text.analysis; these classes only hand them to Whoosh
as tokens, honouring ``positions``, ``chars``, ``start_pos``, ``start_char`` and ``mode``
(mode "query": no sub-words).

Whoosh pickles the schema, analyzers included, into every index, so the pickle names this
module: keep the classes at this import path, their one state the name of the segmenter a
WordTokenizer cuts with (indexer.text.segmenters). The index thereby records it: its writes and
the queries searched in it (indexer.engine.view) use it. An index pickled before the name was
kept reads as jieba's, which is what built it. An index whose schema names a
path that no longer exists (``indexer.analysis``, ``indexer.text.analysis`` before these classes
moved here) cannot be opened; ``store`` says so, and ``reportsearch index`` rebuilds it.
"""
from __future__ import annotations

from itertools import chain

from whoosh.analysis import Token, Tokenizer

from indexer.text.analysis import bigrams, gram_pieces, word_pieces, word_terms
from indexer.text.segmenters import JIEBA


class _BaseTokenizer(Tokenizer):
    """Whoosh's tokenizer contract, filled from ``pieces``: (text, offset, position) triples."""

    def terms(self, value: str) -> list[str]:
        """The texts of the index-time pieces."""
        return [text for text, _, _ in self.pieces(value, "index")]

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __hash__(self):
        return hash(self.__class__.__name__)

    def pieces(self, value: str, mode: str):
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pieces = self.pieces(value, mode) if tokenize else [(value, 0, 0)]
        for text, begin, position in pieces:
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[begin:begin + len(text)]
            if positions:
                t.pos = start_pos + position
            if chars:
                t.startchar = start_char + begin
                t.endchar = start_char + begin + len(text)
            yield t


class WordTokenizer(_BaseTokenizer):
    """jieba words, positions numbered in order, sub-words sharing their word's position."""

    segmenter = JIEBA          # what an index pickled before the name was recorded was built with

    def __init__(self, segmenter: str | None = None):
        super().__init__()
        if segmenter is not None:
            self.segmenter = segmenter

    def __eq__(self, other):
        return other.__class__ is self.__class__ and other.segmenter == self.segmenter

    def __hash__(self):
        return hash((self.__class__.__name__, self.segmenter))

    def terms(self, value: str) -> list[str]:
        """The index-time words and sub-words alone, for the bulk writer (the texts of pieces())."""
        return word_terms(value, self.segmenter)

    def pieces(self, value: str, mode: str):
        return word_pieces(value, with_subwords=mode != "query", segmenter=self.segmenter)


class GramTokenizer(_BaseTokenizer):
    """Overlapping character bigrams of each run of word characters, positioned by offset."""

    def terms(self, value: str) -> list[str]:
        """The bigrams alone, for the bulk writer (same as the texts of pieces())."""
        return list(chain.from_iterable(bigrams(value)))

    def pieces(self, value: str, mode: str):
        return gram_pieces(value)
