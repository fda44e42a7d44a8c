"""Text → words and bigrams with their offsets: what the index and the query parser see of text.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is analysis,
used by both sides: the engine's tokenizers (indexer.engine.analyzer) turn these pieces into
Whoosh tokens, and the query parser segments queries with the same functions.

Both kinds of piece come from ``normalize``d text, so that character offsets stay valid for
the original:

* words: jieba segmentation (with the user dictionary). Pieces carry ordinals, not character
  offsets, as positions (jieba's stock ChineseAnalyzer stores offsets, which breaks phrase
  queries). At index time a long word also yields its dictionary sub-words (国务院 → 国务,
  国务院) at the same position.
* grams: overlapping character bigrams positioned by character offset, so that a phrase of
  bigrams matches exactly the paragraphs that contain the query verbatim, however jieba
  segmented them in context (新塘 inside 新塘村).
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
from pathlib import Path
from typing import Iterator, Sequence

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


def word_pieces(value: str, with_subwords: bool) -> Sequence[tuple[str, int, int]]:
    """(word, offset, ordinal) for every jieba word of value; with ``with_subwords`` (index
    time, not queries) also each word's dictionary sub-words, sharing its ordinal."""
    # Report titles and headings repeat on every paragraph: segment each once.
    return _short_pieces(value, with_subwords) if len(value) <= 64 else _pieces(value, with_subwords)


def gram_pieces(value: str) -> Iterator[tuple[str, int, int]]:
    """(bigram, offset, offset) of each run of word characters (a run of one: the character)."""
    for m in WORD_RUN.finditer(normalize(value)):
        run, base = m.group(0), m.start()
        width = 1 if len(run) == 1 else 2
        for i in range(len(run) - width + 1):
            yield run[i:i + width], base + i, base + i
