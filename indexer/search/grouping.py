"""Survey by report: one best paragraph per report, and how many more of its paragraphs match.

query → parse → search → (grouped here) → page or JSON. A writer surveying how thirty provinces
handle 低空经济 wants one paragraph from each report, best first, and then to open a report's
other paragraphs in place. Also: facet values past the top few a count returns.

Built only on Searcher's public methods: the ranked list is read page after page
(``Searcher.search``), up to ``SCAN_MAX`` paragraphs, and each report's first paragraph in
it is its best. When the list is longer than that, a report's count is asked of the search
itself (restricted to the report), so that "本报告还有 N 段" is the length of the list that
opening it shows.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from indexer.search.results import INCOMPLETE_NOTE, Hit

SCAN_MAX = 500           # paragraphs of the ranked list read to find and order the reports
BATCH = 100              # paragraphs per search call (Searcher's MAX_LIMIT)


@dataclass
class Group:
    best: Hit            # the report's highest paragraph in the list
    count: int           # the report's paragraphs in the list

    @property
    def more(self) -> int:
        return max(self.count - 1, 0)


@dataclass
class GroupedResult:
    query: str
    total: int                       # matching paragraphs, as Searcher.search counts them
    groups_total: int                # reports with a matching paragraph (a lower bound when groups_estimated)
    offset: int                      # in reports
    limit: int
    groups: list[Group]
    took_ms: float
    estimated: bool = False          # total is an estimate (as SearchResult.estimated)
    groups_estimated: bool = False   # the list was not read to its end: there may be more reports
    needles: list[str] = field(default_factory=list)
    incomplete: bool = False         # the time budget ran out: the reports listed are those found so far

    @property
    def incomplete_note(self) -> str:
        return INCOMPLETE_NOTE if self.incomplete else ""


@dataclass
class Scan:
    hits: list[Hit]
    total: int
    complete: bool                   # every matching paragraph was read
    needles: list[str]
    estimated: bool = False          # total is an estimate
    incomplete: bool = False         # the time budget ran out before the list was read as far as asked


def scan(searcher, text: str, filters: dict | None = None, sort: str = "relevance", cap: int = SCAN_MAX,
         enough=lambda hits: False, deadline: float | None = None) -> Scan:
    """The ranked list from its top, up to ``cap`` paragraphs or until ``enough(hits)`` (or until
    ``deadline``: what was read by then, marked incomplete)."""
    hits, offset, total, needles, estimated = [], 0, 0, [], False
    while offset < cap and not (hits and enough(hits)):
        result = searcher.search(text, limit=min(BATCH, cap - offset), offset=offset, filters=filters, sort=sort,
                                 deadline=deadline)
        offset += len(result.hits)
        if result.incomplete:
            # A run cut short ranks what it found, not the whole list: keep only what is new.
            seen = {h.id for h in hits}
            hits += [h for h in result.hits if h.id not in seen]
            return Scan(hits, max(result.total, len(hits)), False, result.needles, True, incomplete=True)
        hits += result.hits
        total, needles, estimated = result.total, result.needles, result.estimated
        if len(result.hits) < result.limit:
            return Scan(hits, total, True, needles, estimated)
    return Scan(hits, total, len(hits) >= total and not estimated, needles, estimated)


def by_report(searcher, text: str, limit: int = 10, offset: int = 0, filters: dict | None = None,
              sort: str = "relevance", deadline: float | None = None) -> GroupedResult:
    """Reports ``offset`` to ``offset + limit`` in the order of their best paragraph. Past
    ``deadline``: the reports found so far, marked incomplete, their counts those of the list read."""
    started = time.perf_counter()
    # Read on until the page and one report after it are known (a next page exists).
    read = scan(searcher, text, filters, sort, enough=lambda hits: len({h.report_id for h in hits}) > offset + limit,
                deadline=deadline)
    counts = Counter(h.report_id for h in read.hits)
    best: dict[str, Hit] = {}
    for hit in read.hits:
        best.setdefault(hit.report_id, hit)
    page = list(best.values())[offset:offset + limit]
    groups, incomplete = [], read.incomplete
    for hit in page:
        count = counts[hit.report_id]
        if not read.complete and not incomplete:
            counted = searcher.search(text, limit=1, filters={**(filters or {}), "report": hit.report_id},
                                      deadline=deadline)
            incomplete = counted.incomplete
            count = max(count, counted.total)
        groups.append(Group(best=hit, count=count))
    took = (time.perf_counter() - started) * 1000
    return GroupedResult(query=text, total=read.total, groups_total=len(best), offset=offset, limit=limit,
                         groups=groups, took_ms=round(took, 1), estimated=read.estimated,
                         groups_estimated=not read.complete, needles=read.needles, incomplete=incomplete)


def facet_value(hit: Hit, name: str) -> str:
    """The value a hit has for a facet (indexer.search.facets.FACETS)."""
    if name == "report":
        return hit.report_id
    if name == "folder":
        folder = str(PurePosixPath(hit.source).parent)
        return "" if folder == "." else folder
    if name == "year":
        return hit.date[:4]
    return {"place": hit.place, "type": hit.doctype}.get(name, "")


def all_values(searcher, text: str, filters: dict | None, name: str) -> list[tuple[str, int]]:
    """A facet's every value with its exact count (the sidebar shows the top ones)."""
    return searcher.facet_counts(text, filters, top=None)["counts"].get(name, [])
