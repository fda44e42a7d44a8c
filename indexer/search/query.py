"""The user's query string → a parsed query: typed clauses, the engine queries, what to highlight.

Its place in the flow query → parse → search → highlight → results: this is the parse. The
Searcher (indexer.search.searcher) parses a query once, with the statistics of the index it
searches, into an immutable ``ParsedQuery``; the search runs its engine queries (made by
indexer.search.tiers) and confirms its checks on stored text (indexer.search.verbatim).

The language is what Chinese users type, and nothing in it raises:
  土地流转 一站式服务      words separated by spaces, 　、，,;； — all must match
  "工作 报告" “…” 「…」      exact phrases
  社区 OR 村 / 社区 | 村      alternatives
  -拆迁 / NOT 拆迁            exclusion
  title:汇报 标题:汇报        search report titles only
  year:2024 date:2024-01 place:嘉禾县 type:调研报告 folder:… source:…   filters
Unbalanced quotes and stray operators are read as plain text.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from indexer.engine import queries as Q
from indexer.errors import QueryError
from indexer.search import tiers
from indexer.search.highlight import Needle
from indexer.search.question import topic
from indexer.search.tiers import IndexStats, squeeze  # noqa: F401  (part of the parser's interface)
from indexer.text.analysis import decompose, query_words
from indexer.text.normalize import normalize
from indexer.text.synonyms import synonyms_of

MAX_QUERY_CHARS = 200
MAX_TERMS = 24

# Opening quote → its closing quote: the one table of quotes.
QUOTES = {'"': '"', "“": "”", "‘": "’", "「": "」", "『": "』", "”": "“"}
QUOTE_CHARS = "".join(dict.fromkeys([*QUOTES, *QUOTES.values()]))     # every quote mark
OPERATORS = frozenset({"OR", "AND", "NOT", "或", "且", "|", "｜"})
_SEPARATORS = " \t\r\n\u3000、，,;；"
# Where a word as typed ends (ParsedQuery.words): any whitespace, and the separators above.
_WORD_BREAK = re.compile(r"[\s\u3000、，,;；]+")
_LIST_MARK = re.compile(r"[、，,;；]")    # 社区、治安 lists two things; 智慧 城市 spaces one term
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
_TOO_MANY = f"查询词太多，请减少到 {MAX_TERMS} 个以内"
_ONLY_EXCLUDED = "只有排除词（-词）无法检索，请再输入至少一个要查找的词"
_NO_TEXT = "查询中没有可检索的文字（只有标点或符号），请输入词语，例如：一站式服务"


@dataclass(frozen=True)
class Term:
    """One word or phrase of the query as the user meant it."""

    text: str
    phrase: bool = False
    field: str | None = None        # None = paragraph text; "title"; or a filter field
    negated: bool = False


Checks = tuple[tuple[tuple[str, ...], ...], ...]     # clause → alternative → runs of word characters


@dataclass(frozen=True)
class ParsedQuery:
    """A query, parsed once: what the user typed, read into typed clauses, and the engine
    queries and checks made from them (indexer.search.tiers). Built only by ``_build``."""

    text: str
    tokens: tuple[tuple[str, bool], ...]                # (token, quoted), as read from the text
    clauses: tuple[tuple[Term, ...], ...] = ()         # AND of ORs
    negated: tuple[Term, ...] = ()
    filter_terms: tuple[Term, ...] = ()                # year:… place:… as typed
    problem: str | None = None                         # why it cannot be searched (QueryError's message)
    needle_texts: tuple[Needle, ...] = ()              # what to mark in results
    # Each clause's words, for telling a paragraph with all of them (scattered) from one with
    # some: clause → alternative → words, each present itself or as all its parts.
    word_checks: tuple = ()
    # indexer.search.tiers.Compiled, field by field
    query: Q.Query | None = None
    exact: Q.Query | None = None
    excluded: Q.Query | None = None
    own_filters: Q.Query | None = None
    clause_queries: tuple = ()
    clause_exact: tuple = ()
    checks: Checks = ()
    phrase_checks: Checks = ()
    clause_words: tuple[str, ...] = ()
    lower: Q.Query | None = None
    # Words typed apart (智慧 城市): the same words typed together, parsed for the same index.
    # The paragraphs saying them together head the exact tier (indexer.search.run).
    together: "ParsedQuery | None" = None

    @property
    def filters(self) -> dict[str, list[str]]:
        """Filter field → values, in the order typed."""
        out: dict[str, list[str]] = {}
        for term in self.filter_terms:
            out.setdefault(term.field, []).append(term.text)
        return out

    @functools.cached_property
    def together_synonyms(self) -> list[str]:
        """Synonyms of the words typed apart, taken together (tiers.typed_apart), normalised."""
        together = tiers.typed_apart(self.clauses)
        return [normalize(s) for s in synonyms_of(together)] if together else []

    @property
    def needles(self) -> list[Needle]:
        return list(self.needle_texts)

    def for_index(self, stats: IndexStats) -> "ParsedQuery":
        """The same query with its engine queries made for the index ``stats`` describes."""
        return _build(self.text, self.tokens, stats)

    # Variants, for searching again with less (webapp.suggest). Each is a new ParsedQuery whose
    # text is what the user would type for it, read from that text as the parser reads any: a
    # variant searches exactly what following its link does (mismatched quote marks included).
    def words(self) -> tuple[str, ...]:
        """The query as typed, word by word: split where the user put a separator, a quoted
        phrase whole with its quotes, operators included."""
        return tuple(_typed_words(self.text))

    def without(self, word: str) -> "ParsedQuery":
        """The query with the typed ``word`` left out (wherever it was typed)."""
        return _variant(" ".join(w for w in self.words() if w != word))

    def unquoted(self) -> "ParsedQuery":
        """The query with the quotes around its words dropped: a phrase read as plain text."""
        return _variant(" ".join(w.strip(QUOTE_CHARS) for w in self.words() if w not in OPERATORS))


def of_words(words: list[str]) -> ParsedQuery:
    """A query of plain words (as indexer.text.analysis.query_words gives them), each a clause."""
    return _variant(" ".join(words))


def _variant(text: str) -> ParsedQuery:
    """A query made from another; it may have nothing to search (see ``problem``)."""
    return _build(text, tuple(_lex(text.strip())))


def parse(text: str, stats: IndexStats | None = None) -> ParsedQuery:
    """Parse a user query; raise QueryError only for queries with nothing to search.

    With ``stats`` (document frequencies of the index being searched) the engine queries are
    made for that index (indexer.search.tiers.compile).
    """
    if text is None or not text.strip():
        raise QueryError("请输入要查找的词语，例如：土地流转")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"查询过长（{len(text)} 字），请缩短到 {MAX_QUERY_CHARS} 字以内")
    parsed = _build(text, tuple(_lex(text.strip())), stats)
    if parsed.problem:
        raise QueryError(parsed.problem)
    return parsed


def _build(text: str, tokens: tuple[tuple[str, bool], ...], stats: IndexStats | None = None) -> ParsedQuery:
    """The one place a ParsedQuery is made: tokens → typed clauses → engine queries and checks.
    A query with nothing to search gets its ``problem`` instead."""
    clauses, negated, filter_terms = _read(tokens)
    parsed = ParsedQuery(text, tokens, clauses, negated, filter_terms)
    if sum(len(c) for c in clauses) + len(negated) > MAX_TERMS:
        return replace(parsed, problem=_TOO_MANY)
    compiled = tiers.compile(clauses, negated, parsed.filters, stats)
    if compiled.query is None:
        return replace(parsed, problem=_ONLY_EXCLUDED if negated and not clauses else _NO_TEXT)
    joined = tiers.typed_apart(clauses) if not _LIST_MARK.search(text) else ""
    together = _compiled(replace(parsed, text=joined, tokens=((joined, False),), clauses=((Term(joined),),)),
                         stats) if joined else None
    return _compiled(parsed, stats, compiled, together)


def _compiled(parsed: ParsedQuery, stats: IndexStats | None, compiled: tiers.Compiled | None = None,
              together: ParsedQuery | None = None) -> ParsedQuery:
    """``parsed`` with its engine queries and checks (compiled from its clauses unless given)."""
    clauses = parsed.clauses
    compiled = compiled or tiers.compile(clauses, parsed.negated, parsed.filters, stats)
    return replace(parsed, needle_texts=_needles(clauses, stats), word_checks=_word_checks(clauses),
                   query=compiled.query, exact=compiled.exact, excluded=compiled.excluded,
                   own_filters=compiled.own_filters, clause_queries=compiled.clause_queries,
                   clause_exact=compiled.clause_exact, checks=compiled.checks, phrase_checks=compiled.phrase_checks,
                   clause_words=compiled.clause_words, lower=compiled.lower, together=together)


def _read(tokens) -> tuple[tuple[tuple[Term, ...], ...], tuple[Term, ...], tuple[Term, ...]]:
    """Tokens → (clauses: an AND of ORs, exclusions, filters)."""
    clauses: list[list[Term]] = []
    negated: list[Term] = []
    filter_terms: list[Term] = []
    pending_or = pending_not = False
    for token, quoted in tokens:
        if not quoted and token in ("OR", "或"):
            pending_or = bool(clauses)
            continue
        if not quoted and token in ("AND", "且"):
            continue
        if not quoted and token == "NOT":
            pending_not = True
            continue
        term = _term(token, quoted)
        if term is None:
            continue
        if pending_not and not term.negated:
            term = replace(term, negated=True)
        pending_not = False
        if term.field in FILTER_FIELDS and not term.negated:
            filter_terms.append(term)
        elif term.negated:                  # -词, NOT 词, -place:全国: ruled out (tiers._excluded)
            negated.append(term)
        elif pending_or:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        pending_or = False
    return tuple(map(tuple, clauses)), tuple(negated), tuple(filter_terms)


def _typed_words(text: str) -> list[str]:
    """Space-separated parts, a quoted phrase kept whole (any quote mark closes an open one)."""
    out, buf, quote = [], [], None
    for ch in text.strip():
        if quote:
            buf.append(ch)
            if ch in QUOTE_CHARS and ch != quote or ch == quote and len(buf) > 1:
                quote = None
            continue
        if ch in QUOTE_CHARS:
            quote = ch
            buf.append(ch)
        elif _WORD_BREAK.match(ch):
            if buf:
                out.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
    if buf:
        out.append("".join(buf))
    return out


def _lex(text: str) -> list[tuple[str, bool]]:
    """Split into (token, quoted) pairs; an unclosed quote is read as a separator."""
    out, buf, i = [], [], 0

    def flush():
        if buf:
            out.append(("".join(buf), False))
            buf.clear()

    while i < len(text):
        ch = text[i]
        if ch in QUOTES:
            close = QUOTES[ch]
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
        elif ch in "|｜":
            flush()
            out.append(("OR", False))
        else:
            buf.append(ch)
        i += 1
    flush()
    return out


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
    if not quoted:
        token = topic(token)         # 如何推进农村危房改造 asks about 农村危房改造
    if not any(c.isalnum() for c in token):
        return None
    return Term(token, phrase=quoted, negated=negated)


def _word_checks(clauses) -> tuple:
    checks = []
    for clause in clauses:
        if any(t.field == "title" for t in clause):
            continue                      # met by the report title, not by the paragraph
        alternatives = []
        for term in clause:
            if term.phrase:
                alternatives.append(((normalize(squeeze(term.text)), ()),))
                continue
            for text in [term.text] + synonyms_of(term.text):
                words = _words_with_parts(text)   # punctuation already dropped
                if words:
                    alternatives.append(words)
        if alternatives:
            checks.append(tuple(alternatives))
    return tuple(checks)


def _needles(clauses, stats: IndexStats | None = None) -> tuple[Needle, ...]:
    """What to mark in results: each word or phrase whole (its words only where all of them
    occur apart), its synonyms marked as such, and with ``stats`` its rarest part, marked apart
    where it matched alone (never a common one: 服务 of 一站式服务)."""
    needles: dict[str, Needle] = {}
    for clause in clauses:
        for term in clause:
            if term.field == "title":
                continue
            if term.phrase:
                needles.setdefault(normalize(squeeze(term.text)), Needle(normalize(squeeze(term.text))))
                continue
            text = normalize(term.text.strip())
            needles.setdefault(text, Needle(text, words=_scattered_words(term.text),
                                            part=_rarest_part(term.text, stats)))
            for synonym in synonyms_of(term.text):
                needles.setdefault(normalize(synonym), _synonym_needle(synonym, term.text.strip()))
    together = tiers.typed_apart(clauses)
    for synonym in synonyms_of(together) if together else ():
        needles.setdefault(normalize(synonym), _synonym_needle(synonym, together))
    return tuple(n for n in needles.values() if n.text)


def _synonym_needle(synonym: str, of: str) -> Needle:
    """A synonym is marked as one, and so are its words where the synonym tier found them
    scattered (生育 … 补贴 for 生育补贴, a synonym of 育儿补贴)."""
    return Needle(normalize(synonym), synonym_of=of, words=_scattered_words(synonym))


def _words_with_parts(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each jieba word of text with its dictionary parts (土地流转 → (土地流转, (土地, 流转)))."""
    return tuple((w, tuple(decompose(w))) for w in query_words(text))


def _scattered_words(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``_words_with_parts`` for Needle.words; () for a text that is one word."""
    words = _words_with_parts(text)
    if len(words) == 1 and (words[0][0] == normalize(text.strip()) and not words[0][1]):
        return ()
    return words


def _rarest_part(text: str, stats: IndexStats | None) -> str:
    """Of the parts a paragraph may match ``text`` by alone (tiers.partial_parts), the one in the
    fewest paragraphs; "" without stats, or when it is common or found nowhere."""
    if stats is None:
        return ""
    found = [(stats.frequency("text", p), p) for p in tiers.partial_parts(text)]
    found = [(n, p) for n, p in found if n and not stats.common(p)]
    return min(found)[1] if found else ""
