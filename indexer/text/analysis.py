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
  segmented them in context (新塘 inside 新塘村); and the bigram across a mark inside a token
  (indexer.text.bridges): a quotation mark inside a phrase (“十四五”规划 → 五规, which finds it as
  十四五规划), a decimal point or joining mark (3.5%, 1+N: a bigram marked as across it, so that
  it is not the 35 of 2035年).
"""
from __future__ import annotations

import functools
import operator
import re
from itertools import chain
from typing import Iterator, Sequence

from indexer.text import segmenters
from indexer.text.normalize import normalize
from indexer.text.bridges import JOINING, PERCENT, bridges

WORD_RUN = re.compile(r"[^\W_]+")
# What a query must contain verbatim: runs of word characters, and a mark a report writes inside a
# token kept with it: a decimal point or joining mark between letters or digits (3.5, 1+n, 5g+工业)
# and a percent sign after a digit (5%左右). 社区、治安 stays two runs, found apart; so does a range
# typed 2021-2025, which reports write 2021—2025年 as often.
VERBATIM_RUN = re.compile(rf"[^\W_]+(?:(?:{JOINING}|{PERCENT})[^\W_]*)*")
_query_segmenter: str | None = None       # the segmenter of the index being searched


def segmenter():
    """The reference jieba tokenizer with the user dictionary (a loaded ``jieba.Tokenizer``)."""
    return segmenters.cutter(segmenters.JIEBA).tokenizer


def reset_segmenter() -> None:
    """Forget the loaded dictionaries, so the next use reloads them."""
    segmenters.reset()
    _short_pieces.cache_clear()
    _subword_tables.clear()


def use_for_queries(name: str | None) -> None:
    """Queries are cut by ``name`` from now on: the segmenter of the index this process searches
    (set by indexer.engine.view when it opens an index), so that they are cut as its text was.
    None: the preferred one."""
    global _query_segmenter
    _query_segmenter = name


def query_segmenter() -> str:
    return _query_segmenter or segmenters.preferred()


def segment(text: str, segmenter: str | None = None) -> list[tuple[str, int, int]]:
    """Words of already-normalised text with their offsets; punctuation and spaces dropped.
    ``segmenter``: by name; by default the one queries use."""
    return segmenters.cutter(segmenter or query_segmenter()).words(text)


def subwords(word: str, segmenter: str | None = None) -> list[tuple[str, int]]:
    """Dictionary words of 2 and 3 characters inside a longer word, with their offsets."""
    if len(word) <= 2:
        return []
    is_word = segmenters.cutter(segmenter or query_segmenter()).is_word
    out = []
    for n in (2, 3):
        for i in range(len(word) - n + 1):
            gram = word[i:i + n]
            if gram != word and is_word(gram):
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
    is_word = segmenters.cutter(query_segmenter()).is_word
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(2, n + 1):
        for start in range(0, end - 1):
            piece = word[start:end]
            if best[start] is None or piece == word or not is_word(piece):
                continue
            candidate = best[start] + [piece]
            if best[end] is None or len(candidate) < len(best[end]):
                best[end] = candidate
    return best[n] or []


def inner_words(word: str) -> list[str]:
    """The dictionary words of 2+ characters inside ``word`` (not itself), left to right, none
    inside another: 反内卷 → [内卷], 新质生产力 → [生产力]. For a word that no dictionary words
    tile (decompose gives []), these are what a paragraph without the word can share with it."""
    is_word = segmenters.cutter(query_segmenter()).is_word
    found = [(start, end) for start in range(len(word)) for end in range(start + 2, len(word) + 1)
             if end - start < len(word) and is_word(word[start:end])]
    return [word[s:e] for s, e in found
            if not any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2 in found)]


def query_words(text: str) -> list[str]:
    """How a query string is segmented for the word field."""
    return [word for word, _, _ in segment(normalize(text))]


def bigrams(text: str) -> list[list[str]]:
    """Runs of word characters in normalised text, each as its list of bigrams (or one unigram),
    then the bigram across each mark inside a token (“十四五”规划 → 五规; 3.5 → 3 and a marked 5:
    indexer.text.bridges), one run each."""
    norm = normalize(text)
    return [_run_grams(run) for run in WORD_RUN.findall(norm)] + [[pair] for _, _, pair in bridges(norm)]


def asked_bigrams(text: str) -> list[list[str]]:
    """What a query asks of the bigrams of text: ``bigrams``, less each lone character a bridge
    holds. 3.5 asks for the bigram across its point, not also for 3 and 5 alone: a lone character
    is asked for as any bigram it opens, a union of hundreds of terms (a figure query took seconds
    at 100,000 paragraphs), and a paragraph saying 3.5 has the bigram across anyway."""
    norm = normalize(text)
    joints = bridges(norm)
    held = {i for i, j, _ in joints} | {j for _, j, _ in joints}
    runs = [m.group() for m in WORD_RUN.finditer(norm) if not (len(m.group()) == 1 and m.start() in held)]
    return [_run_grams(run) for run in runs] + [[pair] for _, _, pair in joints]


def _run_grams(run: str) -> list[str]:
    """A run of word characters as its bigrams, or a run of one as itself."""
    return [run] if len(run) == 1 else list(map(operator.add, run[:-1], run[1:]))


@functools.lru_cache(maxsize=4096)
def _short_pieces(value: str, with_subwords: bool, segmenter: str, loaded: int) -> tuple:
    return tuple(_pieces(value, with_subwords, segmenter))


def _pieces(value: str, with_subwords: bool, segmenter: str) -> list[tuple[str, int, int]]:
    """(word, offset, ordinal) for every token of value."""
    out = []
    for ordinal, (word, start, _) in enumerate(segment(normalize(value), segmenter)):
        out.append((word, start, ordinal))
        if with_subwords and len(word) > 2:
            out += [(sub, start + i, ordinal) for sub, i in subwords(word, segmenter)]
    return out


def word_pieces(value: str, with_subwords: bool, segmenter: str | None = None) -> Sequence[tuple[str, int, int]]:
    """(word, offset, ordinal) for every word of value; with ``with_subwords`` (index time, not
    queries) also each word's dictionary sub-words, sharing its ordinal. ``segmenter``: the
    index's (indexer.engine.analyzer); by default the one queries use."""
    name = segmenter or query_segmenter()
    # Report titles and headings repeat on every paragraph: segment each once.
    if len(value) <= 64:
        return _short_pieces(value, with_subwords, name, segmenters.generation())
    return _pieces(value, with_subwords, name)


def word_terms(value: str, segmenter: str) -> list[str]:
    """The texts of ``word_pieces(value, True, segmenter)``, in some order: what the index
    counts for a paragraph, without the offsets and ordinals only tokens need."""
    if len(value) <= 64:
        return [text for text, _, _ in _short_pieces(value, True, segmenter, segmenters.generation())]
    cut = segmenters.cutter(segmenter)
    texts = getattr(cut, "texts", None)
    words = texts(normalize(value)) if texts else [word for word, _, _ in cut.words(normalize(value))]
    out = list(words)
    out += chain.from_iterable(map(_subword_table(segmenter).__getitem__, words))
    return out


class _Subwords(dict):
    """word → its sub-words' texts (``subwords`` without offsets), computed on first use: a
    paragraph's words mostly recur across the corpus, and a lookup per word is a C call."""

    __slots__ = ("segmenter",)

    def __init__(self, segmenter: str):
        super().__init__()
        self.segmenter = segmenter

    def __missing__(self, word: str) -> tuple[str, ...]:
        if len(self) >= _SUBWORD_WORDS:
            self.clear()
        subs = self[word] = tuple(sub for sub, _ in subwords(word, self.segmenter)) if len(word) > 2 else ()
        return subs


_SUBWORD_WORDS = 1 << 18
_subword_tables: dict[tuple[str, int], _Subwords] = {}


def _subword_table(segmenter: str) -> _Subwords:
    """The sub-word table of ``segmenter``'s current dictionaries."""
    key = (segmenter, segmenters.generation())
    table = _subword_tables.get(key)
    if table is None:
        _subword_tables.clear()
        table = _subword_tables[key] = _Subwords(segmenter)
    return table


def gram_pieces(value: str) -> Iterator[tuple[str, int, int]]:
    """(bigram, offset, offset) of each run of word characters (a run of one: the character),
    and of the bigram across each mark inside a token (at the offset of its first character)."""
    norm = normalize(value)
    for m in WORD_RUN.finditer(norm):
        run, base = m.group(0), m.start()
        width = 1 if len(run) == 1 else 2
        for i in range(len(run) - width + 1):
            yield run[i:i + width], base + i, base + i
    for i, _, pair in bridges(norm):
        yield pair, i, i
