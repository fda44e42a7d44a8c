"""Mark the query's words in a paragraph and cut a snippet around them.

Its place in the flow query → parse → search → highlight → results: this is the highlight; the
search's hits (indexer.search.hits) and the paragraph page (webapp) mark the needles a parsed
query gives (indexer.search.query) in the stored text.

Matching runs on ``normalize``d text (same length as the original), so the marks land on the
characters the report wrote — 土地流轉 is marked for the query 土地流转 — and no analyzer
runs at query time. Everything outside <mark> is HTML-escaped.
"""
from __future__ import annotations

import re
from html import escape

from indexer.text.normalize import normalize

_SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;\n]?")
_CLAUSE = re.compile(r"[^，,、：:。！？；!?;\n]*[，,、：:。！？；!?;\n]?")
SNIPPET_CHARS = 160
SNIPPET_MAX = 200


def find_spans(text: str, needles: list[str], norm: str | None = None) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) spans of every needle in text; adjacent hits join into one.

    ``norm`` is ``normalize(text)`` when the caller has it already.
    """
    norm = normalize(text) if norm is None else norm
    present = [n for n in needles if n and n in norm]
    spans = []
    for needle in present:
        # The parts of a query word (土地 of 土地流转) are marked only where the word itself
        # is absent; beside it they would mark every 土地 in the paragraph.
        if any(needle != other and needle in other for other in present):
            continue
        start = norm.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = norm.find(needle, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """HTML of text[start:end] with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
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
        while first < len(spans) and spans[first][0] < s:
            first += 1
        covered, i = set(), first
        while i < len(spans) and spans[i][0] < e:
            if spans[i][1] <= e:
                covered.add(needles_at[i])
            i += 1
        out.append(covered)
    return out


def snippet(text: str, needles: list[str], length: int = SNIPPET_CHARS, norm: str | None = None) -> str:
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
    covered = _covered(spans, units, [norm[s:e] for s, e in spans])
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
            first = next((a for a, b in spans if a >= s), s)
            s = max(s, first - length // 3)
            e = min(e, s + length)
        parts.append((s, e))
        run_start = None
    return parts


def highlight(text: str, needles: list[str]) -> str:
    """The whole paragraph as HTML with every hit marked."""
    return mark(text, find_spans(text, needles))
