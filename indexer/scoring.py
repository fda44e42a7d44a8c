"""Searching: how matches are scored.

BM25F for the word fields (paragraph text, section heading, report title). The bigram
fields only say *whether* a paragraph contains the query verbatim, so each bigram scores a
constant 1: a phrase of n bigrams, boosted by tier/n, scores exactly ``tier``. That gives the
ranking tiers of indexer.query without Whoosh's ConstantScoreQuery, which materialises every
matching id in Python and loses exclusions under AndNot.
"""
from __future__ import annotations

from whoosh import scoring


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
    return scoring.MultiWeighting(bm25f, grams=Presence(), title_grams=Presence())


def exact_weighting() -> scoring.WeightingModel:
    """BM25F for the exact-tier pass, where paragraphs are ranked by their query bigrams.

    Length is normalised gently (B=0.3): a substantive paragraph that discusses the topic at
    length should not lose to a one-line mention merely for being longer.
    """
    return scoring.BM25F(B=0.3, K1=1.2)
