"""Character normalisation for matching, one character for one character.

Index and queries see the same normalised text: full-width letters and digits folded to
ASCII, letters lower-cased, radicals written for characters made those characters (⼯作 → 工作,
indexer.text.radicals), traditional characters converted to simplified. The output has
the same length as the input, so offsets found in the normalised text mark the original
text — we search 土地流转 and highlight 土地流轉 where the report wrote it.
"""
from __future__ import annotations

import functools
import re

from indexer.text.radicals import unify_radicals

_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}   # ！…～ → !…~
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20})
# str.translate looks every character of a Chinese text up in a table (a third of normalising
# a paragraph); a regular expression finds the few characters to fold far faster.
_FOLDABLE = re.compile("[\uff01-\uff5e\u3000\u00a0]")
_FOLDED = {chr(cp): chr(to) for cp, to in _FOLD.items()}.__getitem__


@functools.lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError:                # optional: without it, traditional text matches only itself
        return None
    try:
        return opencc.OpenCC("t2s")
    except Exception:
        return None


@functools.lru_cache(maxsize=65536)
def _char_t2s(ch: str) -> str:
    conv = _t2s()
    out = conv.convert(ch) if conv else ch
    return out if len(out) == 1 else ch


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _fold(m: re.Match) -> str:
    return _FOLDED(m.group())


def normalize(text: str) -> str:
    """Fold width, case and script, line by line; len(normalize(s)) == len(s) always."""
    if "\n" in text:
        # A line at a time (no conversion spans a line break): a paragraph under its heading,
        # as the bigram field has it, reuses the paragraph's own normalised text.
        return "\n".join(map(normalize, text.split("\n")))
    # Indexing normalises each paragraph several times (word and bigram fields, duplicate keys).
    return _recent(text) if len(text) <= 4096 else _normalize(text)


@functools.lru_cache(maxsize=256)
def _recent(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = _lower(_FOLDABLE.sub(_fold, text))
    if text.isascii():
        return text
    text = unify_radicals(text)       # a query pasted from a PDF viewer
    conv = _t2s()
    if conv is None:
        return text
    out = conv.convert(text)
    if len(out) != len(text):
        # A phrase-level conversion changed the length: fall back to one character at a time.
        out = "".join(_char_t2s(c) for c in text)
    return out


_NON_WORD = re.compile(r"[\W_]+")


def word_characters(text: str) -> str:
    """normalize(text) without punctuation, spaces and other non-word characters: what copies of
    a paragraph that differ only there have in common (its duplicate key, its report's fingerprint)."""
    # Indexing asks twice for each paragraph (the report's fingerprint, then the paragraph's key).
    return _recent_words(text) if len(text) <= 4096 else _NON_WORD.sub("", normalize(text))


@functools.lru_cache(maxsize=1024)
def _recent_words(text: str) -> str:
    return _NON_WORD.sub("", normalize(text))
