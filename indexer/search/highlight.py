"""Mark the query's words in a paragraph and cut a snippet around them.

Its place in the flow query → parse → search → highlight → results: this is the highlight; the
search's hits (indexer.search.hits) and the paragraph page (webapp) mark the needles a parsed
query gives (indexer.search.query) in the stored text.

Matching runs on ``normalize``d text (same length as the original), so the marks land on the
characters the report wrote — 土地流轉 is marked for the query 土地流转 — and no analyzer
runs at query time. Everything outside <mark> is HTML-escaped. A synonym is marked apart:
<mark class="syn" title="同义词：土地流转">承包地流转</mark>; a paragraph that matched by a part of
a word alone shows that part apart: <mark class="part" title="部分匹配：反垄断">垄断</mark>.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import NamedTuple

from indexer.text.normalize import normalize
from indexer.text.quotes import contains, find_all

_SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;\n]?")
_CLAUSE = re.compile(r"[^，,、：:。！？；!?;\n]*[，,、：:。！？；!?;\n]?")
SNIPPET_CHARS = 160
SNIPPET_MAX = 200
SYNONYM_TITLE = "同义词：{}"
PART_TITLE = "部分匹配：{}"


@dataclass(frozen=True)
class Needle:
    """What to mark for one word or phrase of a query (normalised ``text``).

    ``synonym_of``: the query word a synonym stands for; it is marked as a synonym. ``words``:
    the word's jieba words, each (word, its parts): where ``text`` itself is absent but every
    word occurs (itself or as all its parts), the word was found scattered and they are marked.
    One of them alone is never marked: 服务 is no match for 一站式服务. ``part``: the one part
    (the rarest in the index, 一站式 of 一站式服务) marked apart where neither the word nor all
    its words occur: the paragraph matched by that part alone.
    """

    text: str
    synonym_of: str = ""
    words: tuple[tuple[str, tuple[str, ...]], ...] = ()
    part: str = ""


class Span(NamedTuple):
    start: int
    end: int
    synonym_of: str = ""          # "" for the query's own words
    part_of: str = ""             # the query word this is a part of, marked apart


def _as_needle(needle) -> Needle:
    return needle if isinstance(needle, Needle) else Needle(needle)


def find_spans(text: str, needles, norm: str | None = None) -> list[Span]:
    """Sorted, merged spans to mark in text; adjacent hits of one kind join into one.

    ``needles``: Needles or plain strings (marked as the query's own words). ``norm`` is
    ``normalize(text)`` when the caller has it already.
    """
    norm = normalize(text) if norm is None else norm
    needles = [_as_needle(n) for n in needles if n]
    present = [n for n in needles if n.text and contains(norm, n.text)]
    texts = {n.text for n in present}
    # The query's own words wherever they occur, inside a synonym too: the 营商环境 and 优化 of
    # 优化营商环境 (a synonym of 营商环境) are the words asked for. A synonym is marked where it
    # holds none of them.
    whole = [span for n in present if not n.synonym_of for span in _occurrences(norm, n.text, "")]
    own = list(whole)
    for needle in present:
        if needle.synonym_of:
            whole += [span for span in _occurrences(norm, needle.text, needle.synonym_of)
                      if not any(o.start < span.end and span.start < o.end for o in own)]
    # Words found apart are looked for outside the whole matches: the 一站式 of a synonym
    # 一站式办理 does not make a lone 服务 a scattered 一站式服务.
    rest = _blanked(norm, whole)
    scattered: list[Span] = []
    matched = set(texts)                 # the query's own words found, whole or scattered
    # The query's own words first: a synonym's scattered words are marked only where its
    # query word is not found at all (the paragraph came by the synonym).
    for needle in sorted(needles, key=lambda n: bool(n.synonym_of)):
        if needle.text in texts or needle.synonym_of and normalize(needle.synonym_of) in matched:
            continue
        words = _scattered(rest, needle.words) if needle.words else []
        for word in words:
            scattered += _occurrences(rest, word, needle.synonym_of)
        if words and not needle.synonym_of:
            matched.add(needle.text)
        if not words and needle.part:
            scattered += [Span(s, e, part_of=needle.text) for s, e in find_all(rest, needle.part)]
    return _merged(whole + scattered)


def _blanked(norm: str, spans: list[Span]) -> str:
    """norm with the characters of spans (which may overlap) made \x00, its length kept; by
    slices, not a list of every character (a long paragraph is thousands)."""
    pieces, at = [], 0
    for start, end in sorted((span.start, span.end) for span in spans):
        if end > at:
            start = max(start, at)
            pieces += [norm[at:start], "\x00" * (end - start)]
            at = end
    return "".join(pieces) + norm[at:] if pieces else norm


def _occurrences(norm: str, needle: str, synonym_of: str) -> list[Span]:
    """Every occurrence of needle, through quotation marks inside it too (“十四五”规划 for
    十四五规划: indexer.text.quotes)."""
    return [Span(start, end, synonym_of) for start, end in find_all(norm, needle)]


def _scattered(norm: str, words) -> list[str]:
    """The strings to mark for words found apart: every word itself, or all its parts; []
    unless each is present. Single characters are required but not marked."""
    found = []
    for word, parts in words:
        if word in norm:
            found.append(word)
        elif parts and all(p in norm for p in parts):
            found += parts
        else:
            return []
    return [w for w in found if len(w) > 1]


def _merged(spans: list[Span]) -> list[Span]:
    """Overlapping spans join (the query's own word wins over a synonym, a synonym over a
    part); touching ones join when they are of one kind."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and (span.start < merged[-1].end or span.start == merged[-1].end and span[2:] == merged[-1][2:]):
            last = merged[-1]
            kind = min(last[2:], span[2:], key=_rank)
            merged[-1] = Span(last.start, max(last.end, span.end), *kind)
        else:
            merged.append(span)
    return merged


def _rank(kind: tuple[str, str]) -> int:
    synonym_of, part_of = kind
    return 2 if part_of else 1 if synonym_of else 0


def _open(span: Span) -> str:
    if span.part_of:
        return f'<mark class="part" title="{escape(PART_TITLE.format(span.part_of))}">'
    if not span.synonym_of:
        return "<mark>"
    return f'<mark class="syn" title="{escape(SYNONYM_TITLE.format(span.synonym_of))}">'


def mark(text: str, spans: list[Span], start: int = 0, end: int | None = None) -> str:
    """HTML of text[start:end] with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    out, pos = [], start
    for span in spans:
        s, e = max(span.start, start), min(span.end, end)
        if s >= e:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"{_open(span)}{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


def _pieces(pattern: re.Pattern, text: str, base: int = 0) -> list[tuple[int, int]]:
    return [(base + m.start(), base + m.end()) for m in pattern.finditer(text) if m.end() > m.start()]


def _units(text: str) -> list[tuple[int, int]]:
    """Sentences, with overlong sentences split into clauses."""
    units = []
    for s, e in _pieces(_SENTENCE, text):
        if e - s > SNIPPET_MAX:
            units += _pieces(_CLAUSE, text[s:e], s)
        else:
            units.append((s, e))
    return units


def _covered(spans, units, needles_at) -> list[set[str]]:
    """For each unit, the needles whose spans lie wholly inside it (spans and units sorted)."""
    out, first = [], 0
    for s, e in units:
        while first < len(spans) and spans[first].start < s:
            first += 1
        covered, i = set(), first
        while i < len(spans) and spans[i].start < e:
            if spans[i].end <= e:
                covered.add(needles_at[i])
            i += 1
        out.append(covered)
    return out


def snippet(text: str, needles, length: int = SNIPPET_CHARS, norm: str | None = None) -> str:
    """A ~120–200 character HTML snippet from the part of text with the most distinct hits.

    Fragments are cut at sentence or clause ends; fragments far apart are joined with ….
    ``norm`` is ``normalize(text)`` when the caller has it already.
    """
    norm = normalize(text) if norm is None else norm
    spans = find_spans(text, needles, norm)
    if len(text) <= SNIPPET_MAX:
        return mark(text, spans)
    if not spans:
        cut = text[:length]
        return escape(cut) + ("…" if len(cut) < len(text) else "")
    units = _units(text)
    covered = _covered(spans, units, [norm[s.start:s.end] for s in spans])
    chosen, budget = _choose(units, covered, length)
    parts = _fragments(_grow(chosen, units, budget), units, spans, length)
    html = []
    for n, (s, e) in enumerate(parts):
        if n == 0 and s > 0 or n > 0:
            html.append("…")
        html.append(mark(text, spans, s, e))
    if parts and parts[-1][1] < len(text):
        html.append("…")
    return "".join(html)


def _choose(units, covered: list[set[str]], length: int) -> tuple[list[int], int]:
    """The units to show, those with the most distinct needles first, within ``length``
    characters: (their indices, the characters left)."""
    chosen: list[int] = []
    seen: set[str] = set()
    budget = length
    for u in sorted(range(len(units)), key=lambda u: (-len(covered[u]), u)):
        if len(covered[u]) == 0:
            break
        s, e = units[u]
        new = covered[u] - seen
        if chosen and not new:
            continue
        if chosen and e - s > budget:
            continue
        chosen.append(u)
        seen |= new
        budget -= e - s
        if budget <= 0:
            break
    return chosen, budget


def _grow(chosen: list[int], units, budget: int) -> list[int]:
    """The chosen units with their neighbours, to use the remaining length, in text order."""
    chosen = sorted(chosen)
    grown = set(chosen)
    for u in chosen:
        for v in (u + 1, u - 1, u + 2):
            if 0 <= v < len(units) and v not in grown and units[v][1] - units[v][0] <= budget:
                grown.add(v)
                budget -= units[v][1] - units[v][0]
    return sorted(grown)


def _fragments(order: list[int], units, spans, length: int) -> list[tuple[int, int]]:
    """(start, end) of each run of consecutive units; one very long clause is cut to a window
    around its first hit."""
    parts: list[tuple[int, int]] = []
    run_start = None
    for i, u in enumerate(order):
        if run_start is None:
            run_start = units[u][0]
        if i + 1 < len(order) and order[i + 1] == u + 1:
            continue
        s, e = run_start, units[u][1]
        if e - s > SNIPPET_MAX:
            first = next((sp.start for sp in spans if sp.start >= s), s)
            s = max(s, first - length // 3)
            e = min(e, s + length)
        parts.append((s, e))
        run_start = None
    return parts


def highlight(text: str, needles) -> str:
    """The whole paragraph as HTML with every hit marked."""
    return mark(text, find_spans(text, needles))
