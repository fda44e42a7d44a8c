"""jieba's segmentation through rjieba (the jieba-rs binding): about ten times faster.

jieba-rs runs jieba's algorithm (the same dictionary, route probabilities and HMM for unknown
runs) in Rust, so on Chinese text it gives jieba's words. Where the two differ is text that is
not Chinese: jieba-rs keeps ``2024-01-06``, ``e-mail`` or ``report_2024.txt`` whole, where
jieba cuts such runs of letters, digits and symbols into ``2024 - 01 - 06``. Those tokens are
cut here the way jieba's ``finalseg`` cuts them, so that a query for 2024 finds the date.
What still differs is measured and listed in docs/scaling.md; indexer.text.segmenters keeps
jieba as the reference and the fallback.
"""
from __future__ import annotations

import re
from itertools import filterfalse

# jieba.finalseg's cut of a run that is not Chinese: letters and digits, a decimal, a percent.
_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
# A character for which str.isalnum() holds (re's \w is that or "_"): found without a Python
# call per character of the many punctuation tokens.
_HAS_WORD_CHAR = re.compile(r"[^\W_]")


class FastCut:
    """Segments with rjieba's dictionary plus the user dictionary's lines."""

    name = "rjieba"

    def __init__(self, userdict_lines: str = ""):
        self._jieba = _fresh_jieba()
        for line in userdict_lines.splitlines():
            word, freq, tag = _entry(line)
            if word:
                self._jieba.add_word(word, freq, tag)
        self._cut = self._jieba.cut
        self.is_word = self._jieba.has_word

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """(word, start, end) of the tokens of ``text`` that hold a letter or digit, as
        WordCut.words gives them."""
        out = []
        pos = 0
        for word in self._cut(text, True):
            end = pos + len(word)
            if word.isalnum():
                out.append((word, pos, end))
            elif any(c.isalnum() for c in word):
                # A dictionary word (c++) came from the route, as in jieba; the rest from
                # jieba-rs's cut of unknown runs, which jieba cuts finer.
                out += [(word, pos, end)] if self.is_word(word) else _split(word, pos)
            pos = end
        return out

    def texts(self, text: str) -> list[str]:
        """The words of ``words(text)`` alone, in some order (index-time term counts): the
        per-token work of ``words`` is skipped for the tokens that are plain words."""
        tokens = self._cut(text, True)
        out = list(filter(str.isalnum, tokens))
        for word in filter(_HAS_WORD_CHAR.search, filterfalse(str.isalnum, tokens)):
            out += [word] if self.is_word(word) else [piece for piece, _, _ in _split(word, 0)]
        return out


_spare = [True]     # whether rjieba's own instance is still unused in this process


def _fresh_jieba():
    """A Jieba with rjieba's dictionary and nothing added to it.

    Importing rjieba already builds one (its module-level ``cut`` and friends use it), which
    takes as long as building ours: the first cutter of a process takes that one over, so the
    dictionary is not loaded twice at the start of every run. Nothing else here uses it.
    """
    import rjieba

    if _spare[0] and isinstance(getattr(rjieba, "_DEFAULT_JIEBA", None), rjieba.Jieba):
        _spare[0] = False
        return rjieba._DEFAULT_JIEBA
    return rjieba.Jieba()


def _split(word: str, start: int) -> list[tuple[str, int, int]]:
    """A token of letters, digits and symbols, cut as jieba cuts it."""
    out = []
    for piece in _SKIP.split(word):
        end = start + len(piece)
        if piece and (piece.isalnum() or any(c.isalnum() for c in piece)):
            out.append((piece, start, end))
        start = end
    return out


def _entry(line: str) -> tuple[str, int | None, str | None]:
    """A user dictionary line as jieba's load_userdict reads it: word [freq] [tag]."""
    m = re.match(r"^(.+?)( [0-9]+)?( [a-z]+)?$", line.strip())
    if not m:
        return "", None, None
    word, freq, tag = m.groups()
    return word.strip(), int(freq) if freq else None, tag.strip() if tag else None
