"""Searching, stage 1: the user's query string → a Whoosh query plus what to highlight.

The language is what Chinese users type, and nothing in it raises:
  土地流转 一站式服务      words separated by spaces, 　、，,;； — all must match
  "工作 报告" “…” 「…」      exact phrases
  社区 OR 村 / 社区 | 村      alternatives
  -拆迁 / NOT 拆迁            exclusion
  title:汇报 标题:汇报        search report titles only
  year:2024 date:2024-01 place:嘉禾县 type:调研报告 folder:… source:…   filters
Unbalanced quotes and stray operators are read as plain text.

A bare Chinese word matches paragraphs that contain it verbatim, in their text or section
heading (all its character bigrams, which no segmentation can miss, confirmed on the stored
text by indexer.search.searcher) and, in lower tiers, paragraphs with a synonym, with its jieba
words scattered, from a report about it (indexer.search.about), with some of the words, or whose
report title contains it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.text.analysis import WORD_RUN, bigrams, decompose, query_words
from indexer.engine import queries as Q
from indexer.errors import QueryError
from indexer.search.ranking import (COMMON_FRACTION, EXACT_SCORE, PARTIAL_WEIGHT, RAREST_GRAMS, SECTION_BOOST,
                                    SYNONYM_SCORE, SYNONYM_WEIGHT, TITLE_BOOST, TITLE_MATCH_SCORE)
from indexer.text.normalize import normalize
from indexer.text.synonyms import synonyms_of

MAX_QUERY_CHARS = 200
MAX_TERMS = 24

_QUOTES = {'"': '"', "“": "”", "‘": "’", "「": "」", "『": "』", "”": "“"}
_SEPARATORS = " \t\r\n\u3000、，,;；"
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_FIELD = re.compile(r"^(?P<name>[A-Za-z\u4e00-\u9fff]{1,6})[:：](?P<value>.*)$", re.S)
FIELD_ALIASES = {
    "title": "title", "标题": "title",
    "year": "year", "年份": "year", "年": "year",
    "date": "date", "日期": "date",
    "place": "place", "地区": "place", "地点": "place",
    "type": "doctype", "类型": "doctype", "doctype": "doctype",
    "folder": "folder", "目录": "folder",
    "source": "source", "文件": "source",
}
FILTER_FIELDS = {"year", "date", "place", "doctype", "folder", "source"}


@dataclass
class Term:
    text: str
    phrase: bool = False
    field: str | None = None        # None = paragraph text; "title"; or a filter field
    negated: bool = False


@dataclass
class ParsedQuery:
    text: str
    clauses: list[list[Term]] = field(default_factory=list)     # AND of ORs
    negated: list[Term] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    needles: list[str] = field(default_factory=list)            # normalised strings to highlight
    query: Q.Query | None = None                                # every tier
    # The top tier alone, cheap to run: every clause's words contained verbatim, approximated
    # by "all their bigrams present" and confirmed on the stored text (indexer.search.verbatim).
    exact: Q.Query | None = None
    checks: list[list[list[str]]] = field(default_factory=list)  # clause → alternative → runs
    phrase_checks: list[list[list[str]]] = field(default_factory=list)  # the quoted clauses only
    # Each clause's words, for telling a paragraph with all of them (scattered) from one with
    # some: clause → alternative → words, each present itself or as all its parts.
    word_checks: list[list[list[tuple[str, tuple[str, ...]]]]] = field(default_factory=list)
    excluded: Q.Query | None = None                             # what -词 / NOT 词 rules out
    own_filters: Q.Query | None = None                          # year:… date:… in the query itself
    # Per clause, for the reports about the query (indexer.search.about): its full tiered query, and
    # its exact tier (without filters, with exclusions), aligned with checks.
    clause_queries: list[Q.Query] = field(default_factory=list)
    clause_exact: list[Q.Query] = field(default_factory=list)
    clause_words: list[str] = field(default_factory=list)       # as typed, aligned with checks


def _lex(text: str) -> list[tuple[str, bool]]:
    """Split into (token, quoted) pairs; an unclosed quote is read as a separator."""
    out, buf, i = [], [], 0

    def flush():
        if buf:
            out.append(("".join(buf), False))
            buf.clear()

    while i < len(text):
        ch = text[i]
        if ch in _QUOTES:
            close = _QUOTES[ch]
            end = text.find(close, i + 1)
            if end > i + 1:
                prefix = "".join(buf)
                if prefix and prefix.endswith((":", "：")) or prefix in ("-", "－"):
                    buf.clear()
                    out.append((prefix + "\x00" + text[i + 1:end], True))
                else:
                    flush()
                    out.append((text[i + 1:end], True))
                i = end + 1
                continue
            flush()
            i += 1
            continue
        if ch in _SEPARATORS:
            flush()
        elif ch in "|｜" :
            flush()
            out.append(("OR", False))
        else:
            buf.append(ch)
        i += 1
    flush()
    return out


def parse(text: str, stats: "IndexStats | None" = None) -> ParsedQuery:
    """Parse a user query; raise QueryError only for queries with nothing to search.

    With ``stats`` (document frequencies of the index being searched), words found in so many
    paragraphs that matching them alone means nothing (服务, 工作 in a collection of work
    reports) are left out of the partial-match tier, and the exact tier looks for a long
    phrase by its rarest bigrams only (the stored text confirms the whole phrase anyway).
    """
    if text is None or not text.strip():
        raise QueryError("请输入要查找的词语，例如：土地流转")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"查询过长（{len(text)} 字），请缩短到 {MAX_QUERY_CHARS} 字以内")
    parsed = ParsedQuery(text=text)
    pending_or = False
    pending_not = False
    for token, quoted in _lex(text.strip()):
        if not quoted and token in ("OR", "或"):
            pending_or = bool(parsed.clauses)
            continue
        if not quoted and token in ("AND", "且"):
            continue
        if not quoted and token == "NOT":
            pending_not = True
            continue
        term = _term(token, quoted)
        if term is None:
            continue
        term.negated = term.negated or pending_not
        pending_not = False
        if term.field in FILTER_FIELDS:
            parsed.filters.setdefault(term.field, []).append(term.text)
        elif term.negated:
            parsed.negated.append(term)
        elif pending_or:
            parsed.clauses[-1].append(term)
        else:
            parsed.clauses.append([term])
        pending_or = False
    if sum(len(c) for c in parsed.clauses) + len(parsed.negated) > MAX_TERMS:
        raise QueryError(f"查询词太多，请减少到 {MAX_TERMS} 个以内")
    common = stats.common if stats is not None else None
    parsed.excluded = _excluded(parsed)
    parsed.query = _compile(parsed, common)
    if parsed.query is None:
        if parsed.negated and not parsed.clauses:
            raise QueryError("只有排除词（-词）无法检索，请再输入至少一个要查找的词")
        raise QueryError("查询中没有可检索的文字（只有标点或符号），请输入词语，例如：一站式服务")
    parsed.needles = _needles(parsed)
    parsed.exact, parsed.checks = _compile_exact(parsed, stats)
    parsed.word_checks = _word_checks(parsed)
    return parsed


class IndexStats:
    """What the parser may ask of the index: document frequencies."""

    def __init__(self, reader):
        self.reader = reader
        self.limit = COMMON_FRACTION * reader.doc_count()

    def frequency(self, fieldname: str, term: str) -> int:
        return self.reader.doc_frequency(fieldname, term)

    def common(self, word: str) -> bool:
        """In COMMON_FRACTION of the paragraphs or more (never true of a word found nowhere)."""
        return self.frequency("text", word) >= max(self.limit, 1)


def _word_checks(parsed: ParsedQuery) -> list:
    checks = []
    for clause in parsed.clauses:
        if any(t.field == "title" for t in clause):
            continue                      # met by the report title, not by the paragraph
        alternatives = []
        for term in clause:
            if term.phrase:
                alternatives.append([(normalize(squeeze(term.text)), ())])
                continue
            for text in [term.text] + synonyms_of(term.text):
                words = query_words(text)         # punctuation already dropped
                if words:
                    alternatives.append([(w, tuple(decompose(w))) for w in words])
        if alternatives:
            checks.append(alternatives)
    return checks


def _excluded(parsed: ParsedQuery) -> Q.Query | None:
    """-词 rules out the paragraphs that contain 词 (heading included), nothing more: not
    those where its jieba words merely occur, which would drop 承包地流转 for -土地流转."""
    excluded = [q for q in map(_excluded_term, parsed.negated) if q is not None]
    return _any(excluded) if excluded else None


def _excluded_term(term: Term) -> Q.Query | None:
    if term.field == "title":
        return _title_query(term.text, phrase=True)
    return _gram_terms("grams", squeeze(term.text) if term.phrase else term.text)


def _term(token: str, quoted: bool) -> Term | None:
    negated = False
    if "\x00" in token:                        # a prefix (field: or -) glued to a quoted phrase
        prefix, token = token.split("\x00", 1)
        if prefix in ("-", "－"):
            return Term(token, phrase=True, negated=True) if token.strip() else None
        name = FIELD_ALIASES.get(prefix[:-1].lower())
        return Term(token, phrase=True, field=name) if token.strip() else None
    if not quoted:
        if token[:1] in ("-", "－") and len(token) > 1:
            negated, token = True, token[1:]
        m = _FIELD.match(token)
        if m and m.group("name").lower() in FIELD_ALIASES and m.group("value"):
            return Term(m.group("value"), field=FIELD_ALIASES[m.group("name").lower()], negated=negated)
    if not any(c.isalnum() for c in token):
        return None
    return Term(token, phrase=quoted, negated=negated)


def _gram_phrase(fieldname: str, text: str) -> Q.Query | None:
    """Matches a field containing ``text`` verbatim: each run of word characters a phrase of
    bigrams. Only titles keep positions, so this serves ``title:`` searches."""
    parts = []
    for run in bigrams(text):
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


def _some_words(fieldname: str, text: str, common=None) -> Q.Query | None:
    """Any word of text, or any part of one; None when text is a single indivisible word."""
    parts = []
    for word in query_words(text):
        parts += decompose(word) or [word]
    parts = list(dict.fromkeys(p for p in parts if len(p) > 1))
    if len(parts) < 2:
        return None
    parts = [p for p in parts if common is None or not common(p)]
    if not parts:
        return None
    return Q.Or([Q.Term(fieldname, p) for p in parts], boost=PARTIAL_WEIGHT)


def _any_all(queries: list[Q.Query]) -> Q.Query:
    return queries[0] if len(queries) == 1 else Q.And(queries)


def _boosted(q: Q.Query | None, boost: float) -> Q.Query | None:
    if q is not None and boost != 1.0:
        q = q.with_boost(boost)
    return q


def squeeze(text: str) -> str:
    """Spaces inside a Chinese phrase are the user's word breaks, not part of the text: "工作 报告"."""
    return _CJK_SPACE.sub("", text.strip())


def _text_query(texts: list[str], phrase: bool, tier: float = EXACT_SCORE, weight: float = 1.0,
                partial: bool = True, common=None) -> Q.Query | None:
    """Words or phrases (alternatives) against the paragraphs.

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
        return None
    words = [q for q in (_words("text", t) for t in texts) if q is not None]
    # Several synonyms in one paragraph add up; the synonym tier is low enough that even
    # then they stay below a paragraph with the word the user typed.
    match = [_any(exact)]
    if not phrase:
        match += [_boosted(w, weight) for w in words]
        if partial:
            # Lowest tier: paragraphs with only some of the words (拆迁 for 拆迁安置) are
            # often precedents too; BM25 puts those with the rarer words first.
            match += [q for q in (_some_words("text", t, common) for t in texts) if q is not None]
        match += [q for q in (_gram_terms("title_grams", t, TITLE_MATCH_SCORE * weight) for t in texts)
                  if q is not None]
    extra = [_boosted(w, weight) for w in words] if phrase else []   # ranks within the phrase matches
    extra += [q for t in texts for q in (_boosted(_words("title", t), TITLE_BOOST * weight),
                                         _boosted(_words("section", t), SECTION_BOOST * weight)) if q is not None]
    matched = _any(match)
    return Q.AndMaybe(matched, _any(extra)) if extra else matched


def _any(queries: list[Q.Query]) -> Q.Query:
    return queries[0] if len(queries) == 1 else Q.Or(queries)


def _title_query(text: str, phrase: bool) -> Q.Query | None:
    exact = _gram_phrase("title_grams", text)
    if exact is None or phrase:
        return exact
    words = _words("title", text)
    return Q.Or([exact, words]) if words is not None else exact


def _term_query(term: Term, common=None) -> Q.Query | None:
    if term.field == "title":
        return _title_query(term.text, term.phrase)
    original = _text_query([term.text], term.phrase, common=common)
    if original is None:
        return None
    synonyms = synonyms_of(term.text) if not term.phrase else []
    alternative = _text_query(synonyms, False, SYNONYM_SCORE, SYNONYM_WEIGHT, partial=False) if synonyms else None
    return original if alternative is None else Q.Or([original, alternative])


def _gram_terms(fieldname: str, text: str, score: float | None = None, rarest=None) -> Q.Query | None:
    """All bigrams of text present, in any order: what "contains text" looks like without
    positions. With ``score``, the Presence weighting makes a match score exactly that.
    With ``rarest`` (index stats), a run keeps only its RAREST_GRAMS least frequent bigrams."""
    parts: list[Q.Query] = []
    for run in bigrams(text):
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


def _compile_exact(parsed: ParsedQuery, stats=None) -> tuple[Q.Query | None, list[list[list[str]]]]:
    per_clause, checks = [], []
    for clause in parsed.clauses:
        if any(t.field == "title" for t in clause):
            return None, []
        alternatives, runs = [], []
        for term in clause:
            text = squeeze(term.text) if term.phrase else term.text
            q = _gram_terms("grams", text, rarest=stats)
            if q is not None:
                alternatives.append(q)
                runs.append([m.group(0) for m in WORD_RUN.finditer(normalize(text))])
        if alternatives:
            per_clause.append(_any(alternatives))
            checks.append(runs)
            parsed.clause_words.append(" / ".join(squeeze(t.text) for t in clause))
            if all(t.phrase for t in clause):
                parsed.phrase_checks.append(runs)
    if not per_clause:
        return None, []
    parsed.clause_exact = [q if parsed.excluded is None else Q.AndNot(q, parsed.excluded) for q in per_clause]
    query = _any_all(per_clause + [_filter_query(n, v) for n, v in parsed.filters.items()])
    if parsed.excluded is not None:
        query = Q.AndNot(query, parsed.excluded)
    return query, checks


def _filter_query(name: str, values: list[str]) -> Q.Query:
    per_value = []
    for value in values:
        value = value.strip()
        if name == "date":
            per_value.append(Q.Prefix("date", value))
        elif name in ("folder", "source"):
            per_value.append(Q.Or([Q.Term(name, value), Q.Prefix(name, value.rstrip("/") + "/")]))
        elif name == "place":
            per_value.append(Q.Prefix("place", value))
        else:
            per_value.append(Q.Term(name, value))
    return per_value[0] if len(per_value) == 1 else Q.Or(per_value)


def _compile(parsed: ParsedQuery, common=None) -> Q.Query | None:
    must = []
    for clause in parsed.clauses:
        alts = [q for q in (_term_query(t, common=common) for t in clause) if q is not None]
        if alts:
            must.append(alts[0] if len(alts) == 1 else Q.Or(alts))
    parsed.clause_queries = list(must)
    filters = [_filter_query(name, values) for name, values in parsed.filters.items()]
    parsed.own_filters = _any_all(filters) if filters else None
    if not must:
        if not filters or parsed.negated:
            return None
        must = [Q.Every()]
    query = must[0] if len(must) == 1 else Q.And(must)
    if filters:
        query = Q.And([query] + filters)
    if parsed.excluded is not None:
        query = Q.AndNot(query, parsed.excluded)
    return query


def _needles(parsed: ParsedQuery) -> list[str]:
    """Strings to mark in results, normalised: each word or phrase, its synonyms, and its parts."""
    needles: list[str] = []
    for clause in parsed.clauses:
        for term in clause:
            if term.field == "title":
                continue
            if term.phrase:
                needles.append(normalize(squeeze(term.text)))
                continue
            needles.append(normalize(term.text.strip()))
            words = query_words(term.text)
            needles += [w for w in words if len(w) > 1 or len(words) == 1]
            needles += [part for w in words for part in decompose(w)]
            # A synonym is marked whole; its parts alone would mark unrelated words.
            needles += [normalize(s) for s in synonyms_of(term.text)]
    seen, out = set(), []
    for n in needles:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out
