"""A parsed query's clauses → the engine query objects that find and rank paragraphs, tier by tier.

Its place in the flow query → parse → search → highlight → results: the last step of the parse
(indexer.search.query builds a ParsedQuery through ``compile``); the search runs the queries
made here (indexer.search.run). The tiers and their scores are ranking.py's.

A bare Chinese word matches paragraphs that contain it verbatim, in their text or section
heading (all its character bigrams, which no segmentation can miss, confirmed on the stored
text by indexer.search.verbatim) and, in lower tiers, paragraphs with a synonym, with its jieba
words scattered, from a report about it (indexer.search.about), with some of the words, or whose
report title contains it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from indexer.engine import queries as Q
from indexer.search.ranking import (COMMON_FRACTION, EXACT_SCORE, PARTIAL_WEIGHT, RAREST_GRAMS, SECTION_BOOST,
                                    SYNONYM_SCORE, SYNONYM_WEIGHT, TITLE_BOOST, TITLE_MATCH_SCORE)
from indexer.text.analysis import VERBATIM_RUN, asked_bigrams, decompose, inner_words, query_words
from indexer.text.normalize import normalize
from indexer.text.places import place_values
from indexer.text.synonyms import synonyms_of

_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


class IndexStats:
    """What the parser may ask of the index (an index view): document frequencies."""

    def __init__(self, index):
        self.index = index
        self.limit = COMMON_FRACTION * index.doc_count()

    def frequency(self, fieldname: str, term: str) -> int:
        return self.index.doc_frequency(fieldname, term)

    def common(self, word: str) -> bool:
        """In COMMON_FRACTION of the paragraphs or more (never true of a word found nowhere)."""
        return self.frequency("text", word) >= max(self.limit, 1)


@dataclass(frozen=True)
class Compiled:
    """The engine queries of a parsed query, and what its exact tier asks of a paragraph."""

    query: Q.Query | None                       # every tier
    # The top tier alone, cheap to run: every clause's words contained verbatim, approximated
    # by "all their bigrams present" and confirmed on the stored text (indexer.search.verbatim).
    exact: Q.Query | None
    excluded: Q.Query | None                    # what -词 / NOT 词 rules out
    own_filters: Q.Query | None                 # year:… date:… in the query itself
    # Per clause, for the reports about the query (indexer.search.about): its full tiered query,
    # and its exact tier (without filters, with exclusions), aligned with checks.
    clause_queries: tuple = ()
    clause_exact: tuple = ()
    checks: tuple = ()                          # clause → alternative → runs of word characters
    phrase_checks: tuple = ()                   # the quoted clauses only
    clause_words: tuple[str, ...] = ()          # as typed, aligned with checks
    # Every tier but the exact one, for the pass after it: the exact tier's bigrams alone, met
    # by a paragraph without the query verbatim (20 in its heading, 00 and 03 in 100户……0.3公里
    # for 2003), are no reason to show it; by its words it may still come.
    lower: Q.Query | None = None


def compile(clauses, negated, filters: dict[str, list[str]], stats: IndexStats | None = None) -> Compiled:
    """The queries for clauses (an AND of ORs of query.Term), exclusions and filters.

    With ``stats`` (document frequencies of the index being searched), words found in so many
    paragraphs that matching them alone means nothing (服务, 工作 in a collection of work
    reports) are left out of the partial-match tier, and the exact tier looks for a long
    phrase by its rarest bigrams only (the stored text confirms the whole phrase anyway).
    """
    excluded = _excluded(negated)
    query, lower, clause_queries, own_filters = _full(clauses, negated, filters, excluded,
                                                      stats.common if stats is not None else None)
    exact, clause_exact, checks, phrase_checks, clause_words = _exact(clauses, filters, excluded, stats)
    if exact is None or lower is None:
        lower = query
    return Compiled(query, exact, excluded, own_filters, tuple(clause_queries), tuple(clause_exact),
                    _tupled(checks), _tupled(phrase_checks), tuple(clause_words), lower)


def _tupled(checks) -> tuple:
    return tuple(tuple(tuple(alternative) for alternative in clause) for clause in checks)


def squeeze(text: str) -> str:
    """Spaces inside a Chinese phrase are the user's word breaks, not part of the text: "工作 报告"."""
    return _CJK_SPACE.sub("", text.strip())


def under(field: str, value: str) -> Q.Query:
    """A folder (or file path) and everything under it: folder:… in a query, the folder facet."""
    return Q.Or([Q.Term(field, value), Q.Prefix(field, value.rstrip("/") + "/")])


def _full(clauses, negated, filters, excluded, common=None):
    """(every tier, every tier but the words' exact one (Compiled.lower; None when a clause has
    nothing else), each clause's tiered query, the query's own filters)."""
    must, below = [], []
    for clause in clauses:
        pairs = [p for p in (_term_query(t, common=common) for t in clause) if p is not None]
        if pairs:
            must.append(_any([full for full, _ in pairs]))
            below.append(None if any(lower is None for _, lower in pairs) else _any([lower for _, lower in pairs]))
    clause_queries = list(must)
    filter_queries = [_filter_query(name, values) for name, values in filters.items()]
    own_filters = _any_all(filter_queries) if filter_queries else None
    if not must:
        if not filter_queries or negated:
            return None, None, clause_queries, own_filters
        must = below = [Q.Every()]
    # Every hit holds the quoted phrases (checked on the text: indexer.search.run): so must
    # the query, or a list sorted by date reads only others and shows none.
    quoted = [_any(grams) for grams in ([_gram_terms("grams", squeeze(t.text)) for t in clause]
                                        for clause in clauses if all(t.phrase and t.field is None for t in clause))
              if all(g is not None for g in grams)]
    # 老旧 小区 改造 is 老旧小区改造 typed with spaces: its synonyms count as they would for the
    # words typed together (in the synonym tier, with a paragraph having them all).
    together = synonyms_of(typed_apart(clauses))
    together_query = _text_query(together, False, SYNONYM_SCORE, SYNONYM_WEIGHT, partial=False)[0] if together else None

    def assembled(parts):
        query = parts[0] if len(parts) == 1 else _relaxed(clauses, parts, common)
        if quoted and len(parts) > 1:
            query = Q.And([query] + quoted)
        if together_query is not None:
            query = Q.Or([query, together_query])
        if filter_queries:
            query = Q.And([query] + filter_queries)
        return query if excluded is None else Q.AndNot(query, excluded)
    lower = None if any(b is None for b in below) else assembled(below)
    return assembled(must), lower, clause_queries, own_filters


def typed_apart(clauses) -> str:
    """Words typed apart, each a plain word of its own (老旧 小区 改造): the same words typed
    together (老旧小区改造); "" for anything else (a phrase, alternatives, a field, one word)."""
    if len(clauses) < 2 or any(len(clause) != 1 or clause[0].phrase or clause[0].field or clause[0].negated
                               for clause in clauses):
        return ""
    return "".join(squeeze(clause[0].text) for clause in clauses)


def _relaxed(clauses, must, common=None) -> Q.Query:
    """Words given apart: the paragraphs with all of them, then (as Meilisearch's default
    matching strategy) those with most of them. Each clause that matches adds its own tiered
    score, so a paragraph with two of three words ranks above one with one, and BM25's idf puts
    the rarer words first among equals. A clause of one word found in COMMON_FRACTION of the
    paragraphs never matches alone (服务 of 社区 养老 服务). Written together (拆迁安置), the
    same words reach the same paragraphs through the lower tiers, so a space never finds fewer."""
    alone = [q for clause, q in zip(clauses, must)
             if not (common is not None and all(not t.phrase and t.field is None and common(normalize(t.text))
                                                 for t in clause))]
    if not alone:
        return Q.And(must)
    return Q.Or([Q.And(must), _any(alone)])


def _exact(clauses, filters, excluded, stats=None):
    """(the exact tier, each clause's, checks, phrase checks, clause words); no exact tier when
    a clause asks for the title, though what the clauses before it gave is kept."""
    per_clause, checks, phrase_checks, clause_words = [], [], [], []
    for clause in clauses:
        if any(t.field == "title" for t in clause):
            return None, [], [], phrase_checks, clause_words
        alternatives, runs = [], []
        for term in clause:
            text = squeeze(term.text) if term.phrase else term.text
            q = _gram_terms("grams", text, rarest=stats)
            if q is not None:
                alternatives.append(q)
                runs.append(VERBATIM_RUN.findall(normalize(text)))
        if alternatives:
            per_clause.append(_any(alternatives))
            checks.append(runs)
            clause_words.append(" / ".join(squeeze(t.text) for t in clause))
            if all(t.phrase for t in clause):
                phrase_checks.append(runs)
    if not per_clause:
        return None, [], [], phrase_checks, clause_words
    clause_exact = [q if excluded is None else Q.AndNot(q, excluded) for q in per_clause]
    query = _any_all(per_clause + [_filter_query(n, v) for n, v in filters.items()])
    if excluded is not None:
        query = Q.AndNot(query, excluded)
    return query, clause_exact, checks, phrase_checks, clause_words


def _excluded(negated) -> Q.Query | None:
    """-词 rules out the paragraphs that contain 词 (heading included), nothing more: not
    those where its jieba words merely occur, which would drop 承包地流转 for -土地流转."""
    excluded = [q for q in map(_excluded_term, negated) if q is not None]
    return _any(excluded) if excluded else None


def _excluded_term(term) -> Q.Query | None:
    if term.field == "title":
        return _title_query(term.text, phrase=True)
    if term.field:                          # -place:全国, -year:2010: the filter's paragraphs
        return _filter_query(term.field, [term.text])
    return _gram_terms("grams", squeeze(term.text) if term.phrase else term.text)


def _filter_query(name: str, values: list[str]) -> Q.Query:
    per_value = []
    for value in values:
        value = value.strip()
        if name == "date":
            per_value.append(Q.Prefix(name, value))
        elif name == "place":
            per_value += [Q.Prefix(name, form) for form in place_values(value)]
        elif name in ("folder", "source"):
            per_value.append(under(name, value))
        else:
            per_value.append(Q.Term(name, value))
    return per_value[0] if len(per_value) == 1 else Q.Or(per_value)


def _term_query(term, common=None) -> tuple[Q.Query, Q.Query | None] | None:
    """(its tiered query, the same without its exact tier, Compiled.lower), or None."""
    if term.field == "title":
        title = _title_query(term.text, term.phrase)
        return None if title is None else (title, title)
    original, lower = _text_query([term.text], term.phrase, common=common)
    if original is None:
        return None
    if term.phrase:
        lower = original              # a phrase is its exact tier: confirmed on the text, as always
    synonyms = synonyms_of(term.text) if not term.phrase else []
    alternative = _text_query(synonyms, False, SYNONYM_SCORE, SYNONYM_WEIGHT, partial=False)[0] if synonyms else None
    if alternative is None:
        return original, lower
    return Q.Or([original, alternative]), (alternative if lower is None else Q.Or([lower, alternative]))


def _text_query(texts: list[str], phrase: bool, tier: float = EXACT_SCORE, weight: float = 1.0,
                partial: bool = True, common=None) -> tuple[Q.Query | None, Q.Query | None]:
    """Words or phrases (alternatives) against the paragraphs: (every tier, all but the exact
    one; None for what there is not).

    Ranking is tiered on purpose: a paragraph containing one of the texts verbatim scores a
    constant ``tier`` (far above any BM25 score) plus BM25; a paragraph where only their jieba
    words occur, scattered, scores BM25 alone. Report title and section heading add BM25
    (boosted) to a paragraph that matches; a paragraph whose report title contains the text
    (厕所革命 for 庚县厕所革命情况汇报) matches too, with a small constant.
    """
    if phrase:
        texts = [squeeze(t) for t in texts]
    exact = [q for q in (_gram_terms("grams", t, tier) for t in texts) if q is not None]
    if not exact:
        return None, None
    words = [q for q in (_words("text", t) for t in texts) if q is not None]
    # Several synonyms in one paragraph add up; the synonym tier is low enough that even
    # then they stay below a paragraph with the word the user typed.
    match = []
    if not phrase:
        match += [_boosted(w, weight) for w in words]
        if partial:
            # Lowest tier: paragraphs with only some of the words (拆迁 for 拆迁安置) are
            # often precedents too; BM25 puts those with the rarer words first.
            match += [q for q in (_some_words("text", t, common) for t in texts) if q is not None]
        match += [q for q in (_gram_terms("title_grams", t, TITLE_MATCH_SCORE * weight) for t in texts)
                  if q is not None]
    extra = [_boosted(w, weight) for w in words] if phrase else []   # ranks within the phrase matches
    # Title and heading weigh the lower tiers only (see ranking.TITLE_BOOST).
    extra += [q for t in texts for q in (_boosted(_words("title", t), TITLE_BOOST * weight),
                                         _boosted(_words("section", t), SECTION_BOOST * weight)) if q is not None]

    def ranked(matched):
        return Q.AndMaybe(matched, _any(extra)) if extra else matched
    return ranked(_any([_any(exact)] + match)), (ranked(_any(match)) if match else None)


def _title_query(text: str, phrase: bool) -> Q.Query | None:
    exact = _gram_phrase("title_grams", text)
    if exact is None or phrase:
        return exact
    words = _words("title", text)
    return Q.Or([exact, words]) if words is not None else exact


def _gram_terms(fieldname: str, text: str, score: float | None = None, rarest=None) -> Q.Query | None:
    """All bigrams of text present, in any order: what "contains text" looks like without
    positions. With ``score``, the Presence weighting makes a match score exactly that.
    With ``rarest`` (index stats), a run keeps only its RAREST_GRAMS least frequent bigrams."""
    parts: list[Q.Query] = []
    for run in asked_bigrams(text):
        if len(run) == 1 and len(run[0]) == 1:
            parts.append(Q.Or([Q.Term(fieldname, run[0]), Q.Prefix(fieldname, run[0])]))
            continue
        grams = list(dict.fromkeys(run))
        if rarest is not None and len(grams) > RAREST_GRAMS:
            grams = sorted(grams, key=lambda g: rarest.frequency(fieldname, g))[:RAREST_GRAMS]
        parts += [Q.Term(fieldname, gram) for gram in grams]
    if not parts:
        return None
    if score is not None:
        parts = [p.with_boost(score / len(parts)) for p in parts]
    return parts[0] if len(parts) == 1 else Q.And(parts)


def _gram_phrase(fieldname: str, text: str) -> Q.Query | None:
    """Matches a field containing ``text`` verbatim: each run of word characters a phrase of
    bigrams. Only titles keep positions, so this serves ``title:`` searches."""
    parts = []
    for run in asked_bigrams(text):
        if len(run) == 1 and len(run[0]) == 1:
            # A lone character: as a word of its own, or the first half of a bigram.
            parts.append(Q.Or([Q.Term(fieldname, run[0]), Q.Prefix(fieldname, run[0])]))
        elif len(run) == 1:
            parts.append(Q.Term(fieldname, run[0]))
        else:
            parts.append(Q.Phrase(fieldname, run))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


def _words(fieldname: str, text: str) -> Q.Query | None:
    """All jieba words of text; a word also matches as its parts (土地流转 → 土地 AND 流转)."""
    words = query_words(text)
    if not words:
        return None
    per_word = []
    for word in words:
        parts = decompose(word)
        term = Q.Term(fieldname, word)
        per_word.append(Q.Or([term, Q.And([Q.Term(fieldname, p) for p in parts])]) if parts else term)
    return _any_all(per_word)


def partial_parts(text: str) -> list[str]:
    """What a paragraph with some of text's words may hold: its words of 2+ characters, or
    their parts; for a single word that no dictionary words tile, the words inside it (反内卷 →
    内卷: without them, a word found nowhere verbatim found nothing at all); [] when nothing is
    left but text itself."""
    words = query_words(text)
    parts = []
    for word in words:
        parts += decompose(word) or [word]
    parts = list(dict.fromkeys(p for p in parts if len(p) > 1))
    if len(words) == 1 and parts == words:
        parts = inner_words(words[0])
    return parts


def _some_words(fieldname: str, text: str, common=None) -> Q.Query | None:
    """Any of ``partial_parts(text)``, but those in COMMON_FRACTION of the paragraphs."""
    parts = [p for p in partial_parts(text) if common is None or not common(p)]
    if not parts:
        return None
    return Q.Or([Q.Term(fieldname, p) for p in parts], boost=PARTIAL_WEIGHT)


def _boosted(q: Q.Query | None, boost: float) -> Q.Query | None:
    if q is not None and boost != 1.0:
        q = q.with_boost(boost)
    return q


def _any(queries: list[Q.Query]) -> Q.Query:
    return queries[0] if len(queries) == 1 else Q.Or(queries)


def _any_all(queries: list[Q.Query]) -> Q.Query:
    return queries[0] if len(queries) == 1 else Q.And(queries)


def rarest(view, exact) -> float:
    """Paragraphs with the rarest bigram the exact tier asks for: a cheap bound on its size
    (none with alternatives, which the caller finds out when the tier is not exhausted)."""
    if isinstance(exact, Q.AndNot):
        exact = exact.query
    return min((view.doc_frequency("grams", text) for text in Q.terms(exact, "grams")), default=math.inf)
