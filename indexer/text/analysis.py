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

import functools
import io
import logging
import operator
import os
import re
import threading
import time
from itertools import chain
from pathlib import Path

from whoosh.analysis import Token, Tokenizer

from indexer.text.normalize import normalize
from indexer.text.wordcut import WordCut

DEFAULT_USERDICT = Path(__file__).parent.parent / "data" / "userdict.txt"
WORD_RUN = re.compile(r"[^\W_]+")
_RECHECK_SECONDS = 2.0
_lock = threading.Lock()
_segmenter = None
_state: tuple[str, float] = ("", 0.0)
_checked = 0.0


def userdict_path() -> Path | None:
    path = os.environ.get("REPORTSEARCH_USERDICT")
    if path is not None:
        return Path(path) if path else None
    return DEFAULT_USERDICT if DEFAULT_USERDICT.exists() else None


def _userdict_state() -> tuple[str, float]:
    path = userdict_path()
    try:
        return (str(path), path.stat().st_mtime) if path else ("", 0.0)
    except OSError:
        return (str(path), -1.0)


def _dictionary_lines(path: Path) -> str:
    """The user dictionary without comments and blank lines (jieba would read them as words)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def segmenter():
    """The process-wide jieba tokenizer with the user dictionary.

    Rebuilt when the user dictionary file changes (checked at most every few seconds), so an
    edited dictionary takes effect at the next reindex without restarting anything.
    """
    global _segmenter, _state, _checked
    now = time.monotonic()
    if _segmenter is not None and now - _checked < _RECHECK_SECONDS:
        return _segmenter
    with _lock:
        _checked = now
        state = _userdict_state()
        if _segmenter is None or state != _state:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            seg = jieba.Tokenizer()
            seg.initialize()
            if state[0] and state[1] >= 0:
                seg.load_userdict(io.StringIO(_dictionary_lines(Path(state[0]))))
            seg.wordcut = WordCut(seg)      # the same words as seg.cut, faster
            _segmenter, _state = seg, state
            _short_pieces.cache_clear()
    return _segmenter


def reset_segmenter() -> None:
    """Forget the loaded dictionary, so the next use reloads it."""
    global _segmenter
    with _lock:
        _segmenter = None
        _short_pieces.cache_clear()


def segment(text: str) -> list[tuple[str, int, int]]:
    """jieba words of already-normalised text with their offsets; punctuation and spaces dropped."""
    return segmenter().wordcut.words(text)


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


def decompose(word: str) -> list[str]:
    """The fewest dictionary words of 2+ characters that tile ``word`` (excluding itself).

    土地流转 → [土地, 流转]; [] when no tiling exists. Used to find paragraphs where the parts
    of a query word occur apart from each other.
    """
    n = len(word)
    if n < 4:
        return []
    freq = segmenter().FREQ
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(2, n + 1):
        for start in range(0, end - 1):
            piece = word[start:end]
            if best[start] is None or piece == word or not freq.get(piece):
                continue
            candidate = best[start] + [piece]
            if best[end] is None or len(candidate) < len(best[end]):
                best[end] = candidate
    return best[n] or []


def query_words(text: str) -> list[str]:
    """How a query string is segmented for the word field."""
    return [word for word, _, _ in segment(normalize(text))]


def bigrams(text: str) -> list[list[str]]:
    """Runs of word characters in normalised text, each as its list of bigrams (or one unigram)."""
    return [[run] if len(run) == 1 else list(map(operator.add, run[:-1], run[1:]))
            for run in WORD_RUN.findall(normalize(text))]


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


@functools.lru_cache(maxsize=4096)
def _short_pieces(value: str, with_subwords: bool) -> tuple:
    return tuple(_pieces(value, with_subwords))


def _pieces(value: str, with_subwords: bool) -> list[tuple[str, int, int]]:
    """(word, offset, ordinal) for every token of value."""
    out = []
    for ordinal, (word, start, _) in enumerate(segment(normalize(value))):
        out.append((word, start, ordinal))
        if with_subwords:
            out += [(sub, start + i, ordinal) for sub, i in subwords(word)]
    return out


class WordTokenizer(_BaseTokenizer):
    """jieba words, positions numbered in order, sub-words sharing their word's position."""

    def pieces(self, value: str, mode: str):
        with_subwords = mode != "query"
        # Report titles and headings repeat on every paragraph: segment each once.
        return _short_pieces(value, with_subwords) if len(value) <= 64 else _pieces(value, with_subwords)


class GramTokenizer(_BaseTokenizer):
    """Overlapping character bigrams of each run of word characters, positioned by offset."""

    def terms(self, value: str) -> list[str]:
        """The bigrams alone, for the bulk writer (same as the texts of pieces())."""
        return list(chain.from_iterable(bigrams(value)))

    def pieces(self, value: str, mode: str):
        for m in WORD_RUN.finditer(normalize(value)):
            run, base = m.group(0), m.start()
            width = 1 if len(run) == 1 else 2
            for i in range(len(run) - width + 1):
                yield run[i:i + width], base + i, base + i
