"""Searching, stage 2: run a parsed query against the index and shape the results.

One ``Searcher`` object per process holds the index open and refreshes its Whoosh searcher
when a reindex has committed (checked at most every ``refresh_seconds``), so a running server
picks up new reports without a restart. The result objects here feed the HTML page, the JSON
API and the CLI alike.
"""
from __future__ import annotations


import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import scoring, sorting

from . import facets, history, store
from . import similar as more_like
from .errors import IndexMissing, QueryError
from .highlight import highlight, snippet
from .query import ParsedQuery, parse

MAX_LIMIT = 100
MAX_OFFSET = 10000
ALSO_IN_LIMIT = 5


@dataclass
class Hit:
    id: str
    report_id: str
    title: str
    section: str
    text: str
    snippet: str
    score: float
    source: str
    date: str = ""
    place: str = ""
    doctype: str = ""
    also_in: list[dict] = field(default_factory=list)   # the same paragraph elsewhere


@dataclass
class SearchResult:
    query: str
    total: int
    took_ms: float
    offset: int
    limit: int
    hits: list[Hit]
    needles: list[str] = field(default_factory=list)


@dataclass
class ParagraphView:
    """A paragraph with the whole report around it, for the paragraph page."""

    id: str
    report_id: str
    title: str
    section: str
    source: str
    date: str
    ordinal: int
    report: list[dict]           # every paragraph of the report in order: id, section, text


def _weighting():
    # BM25F; a report title or heading is short, so length-normalise it less.
    return scoring.BM25F(B=0.75, K1=1.2, title_B=0.3, section_B=0.3)


def _score(r) -> float:
    # Sorted by date (facets.sort_facet), Whoosh puts the sort key where the score was.
    return round(r.score, 4) if isinstance(r.score, (int, float)) else 0.0


def _stored(doc: dict, key: str) -> str:
    value = doc.get(key)
    return "" if value is None else str(value)


class Searcher:
    def __init__(self, index_dir: Path, refresh_seconds: float = 1.0):
        self.index_dir = Path(index_dir)
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._ix = None
        self._searcher = None
        self._checked = 0.0

    def _current(self):
        """The shared Whoosh searcher, reopened when the index changed on disk."""
        with self._lock:
            now = time.monotonic()
            if self._searcher is None:
                self._ix = store.open_index(self.index_dir)
                self._searcher = self._ix.searcher(weighting=_weighting())
                self._checked = now
            elif now - self._checked >= self.refresh_seconds:
                self._checked = now
                try:
                    if not self._searcher.up_to_date():
                        # Not Searcher.refresh(): Whoosh 2.7.5 reuses segment readers by id there, so
                        # deletions stay invisible and merged-away segments come back (duplicates).
                        self._searcher = self._ix.searcher(weighting=_weighting())
                except Exception:
                    # The index was replaced under us (a rebuild): open it afresh.
                    self._ix = store.open_index(self.index_dir)
                    self._searcher = self._ix.searcher(weighting=_weighting())
            return self._searcher

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    @property
    def available(self) -> bool:
        return store.exists(self.index_dir)

    def search(self, text: str, limit: int = 10, offset: int = 0, filters: dict | None = None,
               sort: str = "relevance") -> SearchResult:
        if not (1 <= limit <= MAX_LIMIT):
            raise QueryError(f"limit 须在 1 到 {MAX_LIMIT} 之间")
        if not (0 <= offset <= MAX_OFFSET):
            raise QueryError(f"offset 须在 0 到 {MAX_OFFSET} 之间")
        started = time.perf_counter()
        parsed = parse(text)
        searcher = self._current()
        results = searcher.search(
            facets.restrict(parsed.query, filters), limit=offset + limit, terms=False,
            collapse=sorting.FieldFacet("dupkey"), collapse_limit=1,
            **facets.search_options(sort),
        )
        # Counted apart: once its top-N heap is full Whoosh stops visiting weaker matches, so its
        # collapse counts miss copies and len(results) - collapsed counted repeated paragraphs.
        total = max(facets.distinct_total(searcher, facets.restrict(parsed.query, filters)),
                    results.scored_length())
        hits = [self._hit(searcher, parsed, r) for r in results[offset:offset + limit]]
        took = (time.perf_counter() - started) * 1000
        return SearchResult(query=text, total=total, took_ms=round(took, 1), offset=offset, limit=limit,
                            hits=hits, needles=parsed.needles)

    def _hit(self, searcher, parsed: ParsedQuery, r) -> Hit:
        doc = r.fields()
        also = []
        if doc.get("dupkey"):
            for other in searcher.documents(dupkey=doc["dupkey"]):
                if other["id"] != doc["id"] and len(also) < ALSO_IN_LIMIT:
                    also.append({"id": other["id"], "title": other["title"], "source": other["source"]})
        return Hit(
            id=doc["id"], report_id=doc["report_id"], title=doc["title"], section=_stored(doc, "section"),
            text=doc["text"], snippet=snippet(doc["text"], parsed.needles), score=_score(r),
            source=doc["source"], date=_stored(doc, "date"), place=_stored(doc, "place"),
            doctype=_stored(doc, "doctype"), also_in=also,
        )

    def paragraph(self, pid: str) -> ParagraphView | None:
        searcher = self._current()
        doc = searcher.document(id=pid)
        if doc is None:
            return None
        report = sorted(searcher.documents(report_id=doc["report_id"]), key=lambda d: d["ordinal"])
        return ParagraphView(
            id=doc["id"], report_id=doc["report_id"], title=doc["title"], section=_stored(doc, "section"),
            source=doc["source"], date=_stored(doc, "date"), ordinal=doc["ordinal"],
            report=[{"id": d["id"], "section": _stored(d, "section"), "text": d["text"]} for d in report],
        )

    def report(self, report_id: str) -> list[dict]:
        """Every paragraph of a report in order, as stored fields."""
        searcher = self._current()
        docs = sorted(searcher.documents(report_id=report_id), key=lambda d: d["ordinal"])
        return [{"id": d["id"], "section": _stored(d, "section"), "text": d["text"], "title": d["title"],
                 "source": d["source"], "date": _stored(d, "date")} for d in docs]

    # Thin entry points for issue 4; the logic lives in facets, similar and history.
    def facet_counts(self, text: str, filters: dict | None = None) -> dict:
        """Paragraph counts per report, folder, year, place and type for a query (facets.count)."""
        searcher = self._current()
        counts = facets.count(searcher, parse(text).query, filters)
        return {"counts": counts, "titles": facets.report_titles(searcher, [v for v, _ in counts["report"]])}

    def similar(self, pid: str, top: int = more_like.TOP) -> tuple[list[str], list[dict]]:
        return more_like.similar(self._current(), pid, top)

    def resolve(self, pid: str) -> history.Resolution:
        return history.resolve(self._current(), self.index_dir, pid)

    def resolve_report(self, report_id: str) -> history.Resolution:
        return history.resolve_report(self._current(), self.index_dir, report_id)

    def highlight_terms(self, text: str) -> list[str]:
        """Needles of a query, for marking hits on the paragraph page; [] for a bad query."""
        try:
            return parse(text).needles
        except QueryError:
            return []


def result_dict(result: SearchResult, url_for_id) -> dict:
    """The JSON API's shape, shared by the web API and `reportsearch search --json`."""
    return {
        "query": result.query,
        "total": result.total,
        "took_ms": result.took_ms,
        "offset": result.offset,
        "limit": result.limit,
        "results": [
            {
                "id": h.id, "report_id": h.report_id, "title": h.title, "section": h.section,
                "text": h.text, "snippet": h.snippet, "url": url_for_id(h.id), "score": h.score,
                "source": h.source, "date": h.date, "doctype": h.doctype,
                "also_in": [dict(a, url=url_for_id(a["id"])) for a in h.also_in],
            }
            for h in result.hits
        ],
    }


