"""Searching, stage 2: run a parsed query against the index and shape the results.

One ``Searcher`` object per process holds the index open and refreshes its Whoosh searcher
when a reindex has committed (checked at most every ``refresh_seconds``), so a running server
picks up new reports without a restart. The result objects here feed the HTML page, the JSON
API and the CLI alike.
"""
from __future__ import annotations


import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import scoring, sorting

from . import store
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


def _stored(doc: dict, key: str) -> str:
    value = doc.get(key)
    return "" if value is None else str(value)


class Searcher:
    """The index, held open for a process, with one Whoosh searcher per thread.

    Whoosh searchers are not safe to share between threads: their posting files keep one read
    position, so concurrent searches read each other's bytes (UnpicklingError, zlib errors,
    TermNotFound under load). Each server thread therefore has its own, reopened when a commit
    made it stale; a thread closes only its own old searcher, never one another thread uses.
    """

    def __init__(self, index_dir: Path, refresh_seconds: float = 1.0):
        self.index_dir = Path(index_dir)
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._ix = None
        self._local = threading.local()
        self._open_searchers = weakref.WeakSet()

    def _index(self, reopen: bool = False):
        with self._lock:
            if self._ix is None or reopen:
                self._ix = store.open_index(self.index_dir)
            return self._ix

    def _open(self, reopen: bool = False):
        searcher = self._index(reopen).searcher(weighting=_weighting())
        self._open_searchers.add(searcher)
        return searcher

    def _current(self):
        """This thread's Whoosh searcher, reopened when the index changed on disk."""
        local = self._local
        now = time.monotonic()
        searcher = getattr(local, "searcher", None)
        if searcher is None:
            local.searcher, local.checked = self._open(), now
        elif now - local.checked >= self.refresh_seconds:
            local.checked = now
            try:
                fresh = None if searcher.up_to_date() else self._open()
            except Exception:
                # The index was replaced under us (a rebuild): open it afresh.
                fresh = self._open(reopen=True)
            if fresh is not None:
                searcher.close()
                local.searcher = fresh
        return local.searcher

    def close(self) -> None:
        for searcher in list(self._open_searchers):
            searcher.close()
        self._local = threading.local()

    @property
    def available(self) -> bool:
        return store.exists(self.index_dir)

    def search(self, text: str, limit: int = 10, offset: int = 0) -> SearchResult:
        if not (1 <= limit <= MAX_LIMIT):
            raise QueryError(f"limit 须在 1 到 {MAX_LIMIT} 之间")
        if not (0 <= offset <= MAX_OFFSET):
            raise QueryError(f"offset 须在 0 到 {MAX_OFFSET} 之间")
        started = time.perf_counter()
        parsed = parse(text)
        searcher = self._current()
        results = searcher.search(
            parsed.query, limit=offset + limit, terms=False,
            collapse=sorting.FieldFacet("dupkey"), collapse_limit=1,
        )
        collapsed = sum(results.collapsed_counts.values()) if results.collapsed_counts else 0
        total = max(len(results) - collapsed, results.scored_length())
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
            text=doc["text"], snippet=snippet(doc["text"], parsed.needles), score=round(r.score, 4),
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


