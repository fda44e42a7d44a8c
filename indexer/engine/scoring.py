"""Searching: how matches are scored.

BM25F for the word fields (paragraph text, section heading, report title). In the full tiered
query the bigram fields only say *whether* a paragraph has the query's bigrams, so each scores
a constant 1: n bigrams, each boosted by tier/n, score exactly ``tier``. That gives the ranking
tiers of indexer.search.query without Whoosh's ConstantScoreQuery, which materialises every matching
id in Python and loses exclusions under AndNot. The exact-tier pass ranks by the bigrams
themselves (``exact_weighting``).
"""
from __future__ import annotations

import math
import re

from whoosh import scoring


class _Weighting(scoring.MultiWeighting):
    """Per-field models, with BM25's own idf (Robertson–Spärck Jones) for all of them.

    Whoosh's default idf, log(N / (df + 1)) + 1, never falls below 1, so in a collection of
    community reports 社区 (in two thirds of the paragraphs) still weighs two fifths as much as
    治安 (in one in twelve), and for 社区 治安 a paragraph saying 社区 twenty times outranks
    one about community security. BM25's idf, log(1 + (N − df + ½) / (df + ½)), gives 社区
    under a fifth of 治安's weight.
    """

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        return bm25_idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))


def bm25_idf(n: int, df: int) -> float:
    """BM25's idf of a term in df of n documents."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


class _PresenceScorer(scoring.BaseScorer):
    def supports_block_quality(self):
        return True

    def score(self, matcher):
        return 1.0

    def max_quality(self):
        return 1.0

    def block_quality(self, matcher):
        return 1.0


class Presence(scoring.WeightingModel):
    """Every matching posting scores 1, whatever its frequency or the field's length."""

    def scorer(self, searcher, fieldname, text, qf=1):
        return _PresenceScorer()


def weighting() -> scoring.WeightingModel:
    # A report title or heading is short, so length-normalise it less than paragraph text.
    bm25f = scoring.BM25F(B=0.75, K1=1.2, title_B=0.3, section_B=0.3)
    return _Weighting(bm25f, grams=Presence(), title_grams=Presence())


class _SaturatedTfScorer(scoring.BaseScorer):
    def __init__(self, idf: float, max_weight: float, k1: float):
        self.idf, self.k1 = idf, k1
        self._max = self._of(max_weight)

    def _of(self, weight: float) -> float:
        return self.idf * weight * (self.k1 + 1) / (weight + self.k1)

    def supports_block_quality(self):
        return True

    def score(self, matcher):
        return self._of(matcher.weight())

    def max_quality(self):
        return self._max

    def block_quality(self, matcher):
        return self._of(matcher.block_max_weight())


class SaturatedTf(scoring.WeightingModel):
    """BM25 without length normalisation: idf × saturated term frequency.

    Scoring needs nothing but the posting itself (no per-document length lookup), and a
    block's best possible score follows from its largest frequency, so Whoosh can skip whole
    blocks of a common bigram once the top hits are found.
    """

    def __init__(self, k1: float = 1.2):
        self.k1 = k1

    def scorer(self, searcher, fieldname, text, qf=1):
        max_weight = searcher.term_info(fieldname, text).max_weight()
        return _SaturatedTfScorer(searcher.idf(fieldname, text), max_weight, self.k1)


def exact_weighting() -> scoring.WeightingModel:
    """For the exact-tier pass, where paragraphs are ranked by their query bigrams."""
    return _Weighting(scoring.BM25F(B=0.3, K1=1.2), grams=SaturatedTf())


def focus(content: str, clauses: list[list[list[str]]], idf, length: float, avg_length: float,
          k1: float = 1.2, b: float = 0.75) -> float:
    """BM25 of a paragraph for a query of several words, each in it verbatim.

    ``clauses``: clause → alternatives → runs of word characters (query.ParsedQuery.checks);
    a clause scores its best alternative; ``idf`` gives a run's. Unlike the exact tier of one
    word, where the paragraph that says it most often is the fullest account of it however
    long, several words are judged by how closely they keep company, so length counts: for
    社区 治安 the short paragraph about community security comes before a long one on
    community building that mentions 治安 in passing.
    """
    saturation = k1 * (1 - b + b * length / max(avg_length, 1.0))
    total = 0.0
    for clause in clauses:
        best = 0.0
        for runs in clause:
            score = 0.0
            for run in runs:
                tf = content.count(run)
                score += idf(run) * tf * (k1 + 1) / (tf + saturation)
            best = max(best, score)
        total += best
    return total


# How a paragraph says the query: in its opening (heading or first sentence) it is what the
# paragraph is about; as one item of an enumeration (医疗卫生、科技信息、就业指导……) it is
# a passing mention. Both adjust the exact tier's order only, never a paragraph's tier.
LEAD_BONUS = 0.25
LIST_DISCOUNT = 0.25
LIST_REACH = 6          # characters either side of an occurrence looked at for 、
_SENTENCE_END = re.compile(r"[。；;！？!?]")
_CLAUSE_BREAK = re.compile(r"[，。；：,;:！？!?\n]")
_OUTLINE = re.compile(r"[一二三四五六七八九十百0-9]+、")       # 三、 numbers a heading or point


def prominence(content: str, runs: list[str]) -> float:
    """A factor around 1 for a paragraph (normalised heading + "\\n" + text, or text) that
    contains some of ``runs`` verbatim: above 1 when one opens it, below when most of their
    occurrences are items of a 、-list."""
    runs = [r for r in dict.fromkeys(runs) if r and r in content]
    if not runs:
        return 1.0
    heading, newline, text = content.partition("\n")
    if not newline:
        heading, text = "", content
    lead = heading + "\n" + _SENTENCE_END.split(text, 1)[0]
    occurrences = listed = 0
    for run in runs:
        start = content.find(run)
        while start >= 0:
            end = start + len(run)
            before = _OUTLINE.sub("", _CLAUSE_BREAK.split(content[max(0, start - LIST_REACH):start])[-1])
            after = _CLAUSE_BREAK.split(content[end:end + LIST_REACH])[0]
            occurrences += 1
            listed += "、" in before or "、" in after
            start = content.find(run, end)
    opens = any(run in lead for run in runs)
    return (1 + LEAD_BONUS * opens) * (1 - LIST_DISCOUNT * listed / occurrences)
