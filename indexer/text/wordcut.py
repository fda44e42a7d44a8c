"""jieba's default segmentation (``Tokenizer.cut(text, HMM=True)``), the same words, faster.

Segmentation is the largest cost of indexing, and most of it is two pure-Python passes of
jieba per run of Chinese characters: ``get_DAG`` builds every dictionary word starting at each
character, then ``calc`` picks the most probable route through them with a generator and
``max`` over tuples per character. Here one backward pass does both: the words starting at a
character are enumerated and scored against the best route after them at once, with each
word's log probability remembered. The dictionary, the probabilities (computed by the very
same expression, so ties and rounding fall the same way) and the HMM for runs of unknown
characters (``jieba.finalseg``) are jieba's own; tests compare the output with jieba's.
"""
from __future__ import annotations

from math import log

_PREFIX = 1.0        # above any log probability


class WordCut:
    """Segments with a loaded ``jieba.Tokenizer``'s dictionary."""

    def __init__(self, tokenizer):
        import jieba
        from jieba import finalseg

        self.freq = tokenizer.FREQ
        self.logtotal = log(tokenizer.total)
        self._logp: dict[str, float] = {}
        self._hmm = finalseg.cut
        self._han = jieba.re_han_default

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """(word, start, end) of jieba's tokens of ``text`` that hold a letter or digit.

        jieba cuts runs of its "han" class (Chinese characters, ASCII letters and digits,
        +#&._%-) and yields anything else a character at a time; punctuation and spaces are
        dropped here, as every caller would drop them.
        """
        out = []
        pos = 0
        for m in self._han.finditer(text):
            start = m.start()
            out += [(c, k, k + 1) for k, c in enumerate(text[pos:start], pos) if c.isalnum()]
            for word in self._block(m.group()):
                end = start + len(word)
                if word.isalnum() or any(c.isalnum() for c in word):
                    out.append((word, start, end))
                start = end
            pos = m.end()
        out += [(c, k, k + 1) for k, c in enumerate(text[pos:], pos) if c.isalnum()]
        return out

    def _known(self, frag: str) -> float | None:
        """frag's log probability, _PREFIX for a mere prefix of words, None if neither."""
        f = self.freq.get(frag)
        if f is None:
            return None
        got = self._logp[frag] = log(f) - self.logtotal if f else _PREFIX
        return got

    def _block(self, s: str) -> list[str]:
        lget, known = self._logp.get, self._known
        alone = log(1) - self.logtotal      # a character that is no word: probability 1/total
        n = len(s)
        score = [0.0] * (n + 1)
        end = list(range(1, n + 2))
        for i in range(n - 1, -1, -1):
            frag = s[i]
            lp = lget(frag)
            if lp is None:
                lp = known(frag)
                if lp is None:
                    score[i] = alone + score[i + 1]
                    continue
            best = None
            j = i + 1
            while True:
                if lp <= 0.0:
                    sc = lp + score[j]
                    # jieba takes max((score, end)): on a tie the longer word.
                    if best is None or sc >= best:
                        best, e = sc, j
                if j >= n:
                    break
                j += 1
                frag = s[i:j]
                lp = lget(frag)
                if lp is None:
                    lp = known(frag)
                    if lp is None:
                        break
            if best is None:
                # Only a prefix of longer words: the character alone, as jieba's DAG falls back.
                score[i] = alone + score[i + 1]
            else:
                score[i], end[i] = best, e
        out: list[str] = []
        buf = ""
        i = 0
        while i < n:
            e = end[i]
            if e - i == 1:
                buf += s[i]
            else:
                if buf:
                    self._flush(buf, out)
                    buf = ""
                out.append(s[i:e])
            i = e
        if buf:
            self._flush(buf, out)
        return out

    def _flush(self, buf: str, out: list[str]) -> None:
        """A run of single characters: jieba's HMM guesses unknown words in it."""
        if len(buf) == 1:
            out.append(buf)
        elif not self.freq.get(buf):
            out.extend(self._hmm(buf))
        else:
            out.extend(buf)


class JiebaCut(WordCut):
    """The reference cutter (indexer.text.segmenters): WordCut plus the loaded jieba tokenizer."""

    name = "jieba"

    def __init__(self, tokenizer):
        super().__init__(tokenizer)
        self.tokenizer = tokenizer

    def is_word(self, word: str) -> bool:
        """A dictionary word (jieba keeps every prefix of a word in FREQ too, with frequency 0)."""
        return bool(self.freq.get(word))
