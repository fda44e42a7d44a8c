"""The engine's scoring: how Whoosh weighs a match, with the parameters the caller chooses.

Its place in the flow query → parse → search → highlight → results: inside the engine; the index
view (indexer.engine.view) scores with these weightings, made with indexer.search.ranking's BM25.

BM25F for the word fields (paragraph text, section heading, report title). In the full tiered
query the bigram fields only say *whether* a paragraph has the query's bigrams, so each scores
a constant 1: n bigrams, each boosted by tier/n, score exactly ``tier``. That gives the ranking
tiers of indexer.search.ranking without Whoosh's ConstantScoreQuery, which materialises every matching
id in Python and loses exclusions under AndNot. The exact-tier pass ranks by the bigrams
themselves (``exact_weighting``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from whoosh import scoring


@dataclass(frozen=True)
class Bm25:
    """BM25's parameters (chosen in indexer.search.ranking)."""

    k1: float           # term-frequency saturation
    b: float            # length normalisation of paragraph text
    short_b: float      # … of report titles and section headings
    exact_b: float      # … of the word fields in the exact-tier pass


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


def weighting(bm25: Bm25) -> scoring.WeightingModel:
    """For the full tiered query: BM25F for the word fields, presence for the bigram fields."""
    bm25f = scoring.BM25F(B=bm25.b, K1=bm25.k1, title_B=bm25.short_b, section_B=bm25.short_b)
    return _Weighting(bm25f, grams=Presence(), title_grams=Presence())


class _SaturatedTfScorer(scoring.BaseScorer):
    def __init__(self, idf: float, max_weight: float, k1: float):
        self.idf, self.k1 = idf, k1
        self._max = self._of(max_weight)

    def _of(self, weight: float) -> float:
        return self.idf * weight * (self.k1 + 1) / (weight + self.k1)

    def scores(self, weights):
        """``_of`` of every weight of a numpy array: the same float operations in the same
        order, so each score is the very float ``_of`` gives (indexer.engine.topk)."""
        return self.idf * weights * (self.k1 + 1) / (weights + self.k1)

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

    def __init__(self, k1: float):
        self.k1 = k1

    def scorer(self, searcher, fieldname, text, qf=1):
        max_weight = searcher.term_info(fieldname, text).max_weight()
        return _SaturatedTfScorer(searcher.idf(fieldname, text), max_weight, self.k1)


def exact_weighting(bm25: Bm25) -> scoring.WeightingModel:
    """For the exact-tier pass, where paragraphs are ranked by their query bigrams."""
    return _Weighting(scoring.BM25F(B=bm25.exact_b, K1=bm25.k1), grams=SaturatedTf(bm25.k1))
