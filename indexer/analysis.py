"""Stage 6 of indexing (and of query parsing): text → tokens for Whoosh.

Two tokenizers, both over ``normalize``d text so that character offsets stay valid for
the original:

* ``WordTokenizer`` segments with jieba. Token positions are token *ordinals* (jieba's stock
  ChineseAnalyzer stores character offsets, which breaks phrase queries). At index time a
  long word also yields its dictionary sub-words (国务院 → 国务, 国务院) at the same position.
* ``GramTokenizer`` yields overlapping character bigrams positioned by character offset, so
  a phrase of bigrams matches exactly the paragraphs that contain the query verbatim, however
  jieba segmented them in context (新塘 inside 新塘村).

These classes are pickled into the index schema: keep them stateless and at this import path.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from pathlib import Path

from whoosh.analysis import Token, Tokenizer

from .normalize import normalize

DEFAULT_USERDICT = Path(__file__).parent / "data" / "userdict.txt"
_WORD_RUN = re.compile(r"[^\W_]+")
_lock = threading.Lock()
_segmenter = None


def userdict_path() -> Path | None:
    path = os.environ.get("REPORTSEARCH_USERDICT")
    if path is not None:
        return Path(path) if path else None
    return DEFAULT_USERDICT if DEFAULT_USERDICT.exists() else None


def segmenter():
    """The process-wide jieba tokenizer, built on first use with the user dictionary."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                seg = jieba.Tokenizer()
                seg.initialize()
                path = userdict_path()
                if path is not None and path.exists():
                    seg.load_userdict(str(path))
                _segmenter = seg
    return _segmenter


def reset_segmenter() -> None:
    """Forget the loaded dictionary (after the user dictionary changed)."""
    global _segmenter
    with _lock:
        _segmenter = None


def _is_word(token: str) -> bool:
    return any(c.isalnum() for c in token)


def segment(text: str) -> list[tuple[str, int, int]]:
    """jieba words of already-normalised text with their offsets; punctuation and spaces dropped."""
    out = []
    offset = 0
    for word in segmenter().cut(text, HMM=True):
        end = offset + len(word)
        if _is_word(word):
            out.append((word.strip(), offset, end))
        offset = end
    return out


def subwords(word: str) -> list[tuple[str, int]]:
    """Dictionary words of 2 and 3 characters inside a longer word, with their offsets."""
    if len(word) <= 2:
        return []
    freq = segmenter().FREQ
    out = []
    for n in (2, 3):
        for i in range(len(word) - n + 1):
            gram = word[i:i + n]
            if gram != word and freq.get(gram):
                out.append((gram, i))
    return out


def query_words(text: str) -> list[str]:
    """How a query string is segmented for the word field."""
    return [word for word, _, _ in segment(normalize(text))]


def bigrams(text: str) -> list[list[str]]:
    """Runs of word characters in normalised text, each as its list of bigrams (or one unigram)."""
    runs = []
    for m in _WORD_RUN.finditer(normalize(text)):
        run = m.group(0)
        runs.append([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
    return runs


class _BaseTokenizer(Tokenizer):
    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __hash__(self):
        return hash(self.__class__.__name__)

    def _untokenized(self, t, value, positions, chars, start_pos, start_char):
        t.original = t.text = value
        t.boost = 1.0
        if positions:
            t.pos = start_pos
        if chars:
            t.startchar = start_char
            t.endchar = start_char + len(value)
        return t


class WordTokenizer(_BaseTokenizer):
    """jieba words, positions numbered in order, sub-words sharing their word's position."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            yield self._untokenized(t, value, positions, chars, start_pos, start_char)
            return
        pos = start_pos
        for word, start, end in segment(normalize(value)):
            pieces = [(word, start)]
            if mode != "query":
                pieces += [(sub, start + i) for sub, i in subwords(word)]
            for text, begin in pieces:
                t.text = text
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = value[begin:begin + len(text)]
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + begin
                    t.endchar = start_char + begin + len(text)
                yield t
            pos += 1


class GramTokenizer(_BaseTokenizer):
    """Overlapping character bigrams of each run of word characters, positioned by offset."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            yield self._untokenized(t, value, positions, chars, start_pos, start_char)
            return
        for m in _WORD_RUN.finditer(normalize(value)):
            run, base = m.group(0), m.start()
            width = 1 if len(run) == 1 else 2
            for i in range(len(run) - width + 1):
                t.text = run[i:i + width]
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = value[base + i:base + i + width]
                if positions:
                    t.pos = start_pos + base + i
                if chars:
                    t.startchar = start_char + base + i
                    t.endchar = start_char + base + i + width
                yield t
