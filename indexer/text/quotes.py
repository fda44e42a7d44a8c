"""Quotation marks inside a phrase do not break it: “十四五”规划 says 十四五规划.

Reports quote their slogans and programmes (“放管服”改革, 新时代“枫桥经验”, 扩围实施“两新”政策); a
reader who types 放管服改革 means those paragraphs too. A phrase is found through the quotation
marks standing between two word characters (joints) when it holds whole every quotation it
crosses: 十四五规划 in “十四五”规划, but not 千万工程 in “十百千万”工程, where the marks say that
千万 belongs to another name. The text itself, and every offset shown to the reader, stays as
written.

Used by both sides: the index adds the bigram across each joint (indexer.text.analysis,
indexer.text.gramkeys), so that such paragraphs are candidates; the search confirms and marks the
phrase here (indexer.search.verbatim, indexer.search.highlight).
"""
from __future__ import annotations

import functools
import re
from typing import Iterator

# As normalised: full-width ＂ and ＇ are folded to " and ' already.
_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』"}
_STRAIGHT = "\"'`"
QUOTES = "".join(_PAIRS) + "".join(_PAIRS.values()) + _STRAIGHT
_ANY_QUOTE = re.compile(f"[{re.escape(QUOTES)}]")
JOINT = re.compile(rf"(?<=[^\W_])[{re.escape(QUOTES)}]+(?=[^\W_])")


def joints(text: str) -> Iterator[tuple[int, int]]:
    """(offset of the word character before, offset of the one after) for each joint of text."""
    if _ANY_QUOTE.search(text) is None:
        return
    for m in JOINT.finditer(text):
        yield m.start() - 1, m.end()


def quotations(text: str) -> list[tuple[int, int]]:
    """(start, end) of what each pair of quotation marks in text encloses. Curly and corner
    marks pair by kind, innermost first; straight ones in turns; a mark left unpaired (a stray
    one from scraping) encloses nothing."""
    spans, open_at, straight = [], {}, {}
    for m in _ANY_QUOTE.finditer(text):
        mark, at = m.group(), m.start()
        if mark in _PAIRS:
            open_at.setdefault(mark, []).append(at)
        elif mark in _STRAIGHT:
            if mark in straight:
                spans.append((straight.pop(mark) + 1, at))
            else:
                straight[mark] = at
        else:
            opener = next(o for o, c in _PAIRS.items() if c == mark)
            if open_at.get(opener):
                spans.append((open_at[opener].pop() + 1, at))
    return spans


def _whole(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Does text[start:end] cross no quotation without holding all of it?"""
    return all(end <= s or start >= e or (s >= start and e <= end) or (start >= s and end <= e)
               for s, e in spans)


def find_all(text: str, phrase: str) -> list[tuple[int, int]]:
    """(start, end) in text of each occurrence of phrase, written straight or through joints,
    in text order."""
    found = []
    at = text.find(phrase) if phrase else -1
    while at >= 0:                  # written straight: within a quotation or outside it, never across
        found.append((at, at + len(phrase)))
        at = text.find(phrase, at + 1)
    if phrase and _ANY_QUOTE.search(text) is not None:
        found += _across_joints(text, phrase)
    return sorted(found)


@functools.lru_cache(maxsize=1024)
def _joint_bigrams(text: str) -> frozenset[str]:
    """The bigrams across text's joints (a search asks this of the same paragraph for each word)."""
    return frozenset(text[i] + text[j] for i, j in joints(text))


def _across_joints(text: str, phrase: str) -> list[tuple[int, int]]:
    """The occurrences of phrase that cross a joint and hold whole the quotations they cross."""
    # Crossing a joint means holding the two characters either side of it, as a bigram.
    across = _joint_bigrams(text)
    if not any(phrase[k:k + 2] in across for k in range(len(phrase) - 1)):
        return []
    offsets, pieces, last = [], [], 0
    for m in JOINT.finditer(text):
        offsets += range(last, m.start())
        pieces.append(text[last:m.start()])
        last = m.end()
    offsets += range(last, len(text))
    bare, spans, found = "".join(pieces) + text[last:], quotations(text), []
    at = bare.find(phrase)
    while at >= 0:
        start, end = offsets[at], offsets[at + len(phrase) - 1] + 1
        if end - start > len(phrase) and _whole(start, end, spans):
            found.append((start, end))
        at = bare.find(phrase, at + 1)
    return found


def contains(text: str, phrase: str) -> bool:
    """Does text say phrase, straight or through joints (``find_all``)?"""
    return phrase in text or (_ANY_QUOTE.search(text) is not None and bool(_across_joints(text, phrase)))


def unquoted(text: str) -> str:
    """text without its joints (for weighing how a paragraph says a phrase it was found to say)."""
    return text if _ANY_QUOTE.search(text) is None else JOINT.sub("", text)
