"""Searching, stage 1: the user's query string → a Whoosh query plus what to highlight.

The language is what Chinese users type, and nothing in it raises:
  土地流转 一站式服务      words separated by spaces, 　、，,;； — all must match
  "工作 报告" “…” 「…」      exact phrases
  社区 OR 村 / 社区 | 村      alternatives
  -拆迁 / NOT 拆迁            exclusion
  title:汇报 标题:汇报        search report titles only
  year:2024 date:2024-01 place:嘉禾县 type:调研报告 folder:… source:…   filters
Unbalanced quotes and stray operators are read as plain text.

A bare Chinese word matches paragraphs that contain it verbatim (a bigram phrase, which no
segmentation can miss) and, ranked lower, paragraphs that contain its jieba words scattered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as Q

from .analysis import bigrams, query_words
from .errors import QueryError
from .normalize import normalize
from .synonyms import synonyms_of

MAX_QUERY_CHARS = 200
MAX_TERMS = 24
EXACT_BOOST = 4.0
TITLE_BOOST = 1.5
SECTION_BOOST = 1.2
SYNONYM_WEIGHT = 0.5

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
    query: Q.Query | None = None


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


def parse(text: str) -> ParsedQuery:
    """Parse a user query; raise QueryError only for queries with nothing to search."""
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
    parsed.query = _compile(parsed)
    if parsed.query is None:
        if parsed.negated and not parsed.clauses:
            raise QueryError("只有排除词（-词）无法检索，请再输入至少一个要查找的词")
        raise QueryError("查询中没有可检索的文字（只有标点或符号），请输入词语，例如：一站式服务")
    parsed.needles = _needles(parsed)
    return parsed


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
    """Matches text containing ``text`` verbatim (each run of word characters contiguous)."""
    parts = []
    for run in bigrams(text):
        if len(run) == 1:
            gram = run[0]
            if len(gram) == 1:
                parts.append(Q.Or([Q.Term(fieldname, gram), Q.Prefix(fieldname, gram)]))
            else:
                parts.append(Q.Term(fieldname, gram))
        else:
            parts.append(Q.Phrase(fieldname, run))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


def _words(fieldname: str, text: str) -> Q.Query | None:
    words = query_words(text)
    if not words:
        return None
    return Q.Term(fieldname, words[0]) if len(words) == 1 else Q.And([Q.Term(fieldname, w) for w in words])


def _boosted(q: Q.Query | None, boost: float) -> Q.Query | None:
    if q is not None and boost != 1.0:
        q = q.with_boost(boost)
    return q


def squeeze(text: str) -> str:
    """Spaces inside a Chinese phrase are the user's word breaks, not part of the text: "工作 报告"."""
    return _CJK_SPACE.sub("", text.strip())


def _text_query(text: str, phrase: bool, weight: float = 1.0) -> Q.Query | None:
    """One word or phrase against paragraph text, section and report title."""
    if phrase:
        text = squeeze(text)
    exact = _gram_phrase("grams", text)
    if exact is None:
        return None
    title = _gram_phrase("title_grams", text)
    parts = [_boosted(exact, EXACT_BOOST * weight), _boosted(title, TITLE_BOOST * weight)]
    if phrase:
        words = query_words(text)
        if len(words) > 1:
            # Word positions are ordinals, so a phrase of jieba words works in the word field too.
            parts.append(_boosted(Q.Phrase("text", words), weight))
    else:
        parts += [_boosted(_words("text", text), weight), _boosted(_words("section", text), SECTION_BOOST * weight)]
    parts = [p for p in parts if p is not None]
    return Q.Or(parts)


def _title_query(text: str, phrase: bool) -> Q.Query | None:
    exact = _gram_phrase("title_grams", text)
    if exact is None or phrase:
        return exact
    words = _words("title", text)
    return Q.Or([exact, words]) if words is not None else exact


def _term_query(term: Term, with_synonyms: bool = True) -> Q.Query | None:
    if term.field == "title":
        return _title_query(term.text, term.phrase)
    alternatives = [_text_query(term.text, term.phrase)]
    if with_synonyms and not term.phrase:
        alternatives += [_text_query(s, False, SYNONYM_WEIGHT) for s in synonyms_of(term.text)]
    alternatives = [a for a in alternatives if a is not None]
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else Q.Or(alternatives)


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


def _compile(parsed: ParsedQuery) -> Q.Query | None:
    must = []
    for clause in parsed.clauses:
        alts = [q for q in (_term_query(t) for t in clause) if q is not None]
        if alts:
            must.append(alts[0] if len(alts) == 1 else Q.Or(alts))
    filters = [_filter_query(name, values) for name, values in parsed.filters.items()]
    if not must:
        if not filters or parsed.negated:
            return None
        must = [Q.Every()]
    query = must[0] if len(must) == 1 else Q.And(must)
    if filters:
        query = Q.And([query] + filters)
    excluded = [q for q in (_term_query(t, with_synonyms=False) for t in parsed.negated) if q is not None]
    if excluded:
        query = Q.AndNot(query, Q.Or(excluded))
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
            # A synonym is marked whole; its parts alone would mark unrelated words.
            needles += [normalize(s) for s in synonyms_of(term.text)]
    seen, out = set(), []
    for n in needles:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out
