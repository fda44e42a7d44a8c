"""The index held open for a process, and the entry points of searching.

Its place in the flow query → parse → search → highlight → results: the web app, the CLI and
the benchmarks call a ``Searcher``; it parses the query (indexer.search.query), starts one
search run over this thread's index view (indexer.search.run) and returns the result objects
(indexer.search.results) that feed the HTML page, the JSON API and the CLI alike.

One ``Searcher`` per process holds the index open and reopens a thread's view when a reindex
has committed (checked at most every ``refresh_seconds``), so a running server picks up new
reports without a restart.
"""
from __future__ import annotations

import threading
import time
import weakref
from bisect import bisect_left
from pathlib import Path

from indexer import history, status
from indexer.engine import store
from indexer.engine.view import OutOfTime, open_view
from indexer.errors import IndexMissing, QueryError
from indexer.search import facets
from indexer.search import similar as more_like
from indexer.search.hits import stored
from indexer.search.query import OPERATORS, QUOTE_CHARS, ParsedQuery, parse
from indexer.search.ranking import (BM25, COUNT_POSTINGS_LIMIT, COUNT_READ_LIMIT, EXACT_COUNT_LIMIT,
                                    FACET_READ_LIMIT, Budget)
from indexer.search.results import ParagraphView, SearchResult
from indexer.search.run import SearchRun
from indexer.search.tiers import IndexStats
from indexer.search.verbatim import content, is_exact
from indexer.text.analysis import query_words

EMPTY = "索引尚未建立或为空（请先运行 reportsearch index）"
MAX_LIMIT = 100
# Each word is a posting list to merge: 24 single characters took 17 s on 30,000 paragraphs.
MAX_WORDS = 12           # words as typed (split where the user put a space)
MAX_TERMS = 24           # the words an unquoted text is cut into, all words together
MAX_OFFSET = 10000


def _for_index(query: str | ParsedQuery, view) -> ParsedQuery:
    """The query parsed with the statistics of the index it is searched in."""
    if isinstance(query, str):
        return parse(query, IndexStats(view))
    parsed = query.for_index(IndexStats(view))
    if parsed.problem:
        raise QueryError(parsed.problem)
    return parsed


def check_size(parsed: ParsedQuery) -> None:
    """QueryError for a query with more words than one request may search (issue: hardening, 6)."""
    words = [w for w in parsed.words() if w not in OPERATORS]
    if len(words) > MAX_WORDS:
        raise QueryError(f"查询中的词太多（{len(words)} 个），最多 {MAX_WORDS} 个，请删去一些词")
    terms = sum(1 if w[:1] in QUOTE_CHARS else max(1, len(query_words(w))) for w in words)
    if terms > MAX_TERMS:
        raise QueryError(f"查询太长（切分后 {terms} 个词），最多 {MAX_TERMS} 个；请删去一些词，"
                         "或给整句加上引号作为短语检索")


def _counted(run: SearchRun, bound: int) -> tuple[int, bool]:
    """(the run's matches counted one by one, False), or (``bound``, True) when they were not:
    too many to confirm, or out of time (the page found before stays whole)."""
    try:
        counted = run.counted_total()
    except OutOfTime:
        return bound, True
    return (bound, True) if counted is None or run.view.stopped else (counted, False)


def _budget() -> Budget:
    """The cost limits of one search, read at each call (a caller may turn them: the tests do)."""
    return Budget(EXACT_COUNT_LIMIT, COUNT_POSTINGS_LIMIT, COUNT_READ_LIMIT, FACET_READ_LIMIT)


class Searcher:
    """The index, held open for a process, with one index view per thread.

    Whoosh searchers, and so our views, are not safe to share between threads: their posting
    files keep one read position, so concurrent searches read each other's bytes
    (UnpicklingError, zlib errors, TermNotFound under load). Each server thread therefore has
    its own view, reopened when a commit made it stale; a thread closes only its own old view,
    never one another thread uses.
    """

    def __init__(self, index_dir: Path, refresh_seconds: float = 1.0):
        self.index_dir = Path(index_dir)
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._ix = None
        self._local = threading.local()
        self._open_views = weakref.WeakSet()
        self._generation = -1
        self._outdated = (-1, False)        # (generation, whether its files were read by older rules)

    def _index(self, reopen: bool = False):
        with self._lock:
            if self._ix is None or reopen:
                self._ix = store.open_index(self.index_dir)
            return self._ix

    def _open(self, reopen: bool = False):
        """A new view of the index; IndexMissing while there is none or it holds no paragraph.

        Nothing is kept when there is no index, so the first request after ``reportsearch
        index`` has committed finds it (no restart needed). A commit that deletes the files of the
        generation being opened makes the open fail: it is tried once more, on the newer one; still
        lacking a file, the index is damaged (IndexDamaged)."""
        for attempt in range(3):
            try:
                view = open_view(self._index(reopen or attempt > 0), BM25)
                break
            except IndexMissing:
                self._forget()
                raise
            except Exception as exc:
                if attempt == 2:
                    if (damage := store.damaged(exc, self.index_dir)) is not None:
                        raise damage from None     # not a commit racing the open: a file is gone
                    raise
        if view.generation() is None or view.doc_count() == 0:
            view.close()
            self._forget()
            raise IndexMissing(EMPTY)
        self._open_views.add(view)
        return view

    def _forget(self) -> None:
        """No index now: a later one restarts its generations at 0."""
        with self._lock:
            self._ix, self._generation = None, -1

    def _current(self):
        """This thread's view, reopened when the index changed on disk.

        Reopened rather than refreshed: Whoosh 2.7.5's refresh reuses segment readers by id,
        so documents deleted from an old segment (a changed or removed file) stayed visible.
        Every thread records the newest index generation it opened, so once any thread has
        seen a commit, every other thread reopens at its next request instead of serving the
        old state until its own check.
        """
        local = self._local
        now = time.monotonic()
        view = getattr(local, "view", None)
        if view is not None and local.generation < self._generation:
            view = self._replace(local, view, now)
        if view is None:
            local.view, local.checked = self._open(), now
            local.generation = self._seen(local.view)
        elif now - local.checked >= self.refresh_seconds:
            local.checked = now
            try:
                stale = not view.up_to_date()
            except Exception:
                stale = True        # the folder is gone, or being replaced
            if stale:
                self._replace(local, view, now, reopen=True)
        return local.view

    def _seen(self, view) -> int:
        generation = view.generation()
        with self._lock:
            self._generation = max(self._generation, generation)
        return generation

    def _replace(self, local, view, now: float, reopen: bool = False):
        try:
            try:
                fresh = self._open(reopen=reopen)
            except IndexMissing:
                raise
            except Exception:
                # The index was replaced under us (a rebuild): open it afresh.
                fresh = self._open(reopen=True)
        except IndexMissing:
            # Deleted or emptied while serving: answer 503 until an index is back.
            view.close()
            local.view = None
            raise
        view.close()
        local.view, local.checked, local.generation = fresh, now, self._seen(fresh)
        return fresh

    def close(self) -> None:
        for view in list(self._open_views):
            view.close()
        self._local = threading.local()

    def warm(self) -> bool:
        """Load what the first search would (jieba's dictionary, this thread's view): a cost paid
        once, kept out of a request's time budget. False while there is no index."""
        try:
            parse("社区")
            self._current()
        except IndexMissing:
            return False
        return True

    def generation(self) -> int | None:
        """The index generation this thread's next search reads (a newer commit looked for as a
        search would)."""
        return self._current().generation()

    def outdated_note(self, view=None) -> str:
        """status.SEARCH_OLD_RULES when the index being searched was read in part by older rules."""
        generation = (view or self._current()).generation()
        if self._outdated[0] != generation:
            self._outdated = (generation, status.outdated_for(self.index_dir, generation))
        return status.SEARCH_OLD_RULES if self._outdated[1] else ""

    @property
    def available(self) -> bool:
        return store.exists(self.index_dir)

    # ---- Entry points: each parses, then asks a search run or the view.
    def search(self, query: str | ParsedQuery, limit: int = 10, offset: int = 0, filters: dict | None = None,
               sort: str = "relevance", deadline: float | None = None, count_all: bool = False) -> SearchResult:
        """A page of results for a query as typed, or for a parsed one (a variant of another:
        webapp.suggest), parsed again for this index.

        ``deadline`` (a time.monotonic() value): past it, the search stops and the result is
        marked ``incomplete``, with the paragraphs found so far, best first, and their number
        as the total (a lower bound). ``count_all``: where the total would be an upper bound
        (too many matches to count cheaply), count them one by one as ``count`` does, within
        the deadline."""
        if not (1 <= limit <= MAX_LIMIT):
            raise QueryError(f"limit 须在 1 到 {MAX_LIMIT} 之间")
        if not (0 <= offset <= MAX_OFFSET):
            raise QueryError(f"offset 须在 0 到 {MAX_OFFSET} 之间")
        started = time.perf_counter()
        view = self._current()
        parsed = _for_index(query, view)
        check_size(parsed)
        run = SearchRun(view, parsed, filters, _budget())
        view.set_deadline(deadline)
        try:
            total, estimated, hits = run.page(offset, limit, sort)
            incomplete = view.stopped          # a search returned early: the rest may be missing
            if count_all and estimated and not incomplete:
                total, estimated = _counted(run, total)
        except OutOfTime:
            incomplete = True
        finally:
            view.set_deadline(None)
        exact_total, exact_estimated = run.exact_total, run.exact_estimated
        if incomplete:
            # The paragraphs found so far, made into hits without a deadline (the page's share only).
            total, hits = run.found_so_far(offset, limit, sort)
            estimated, exact_total = True, None
        took = (time.perf_counter() - started) * 1000
        return SearchResult(query=parsed.text, total=total, took_ms=round(took, 1), offset=offset, limit=limit,
                            hits=hits, needles=parsed.needles, estimated=estimated, incomplete=incomplete,
                            exact_total=exact_total, exact_estimated=exact_estimated,
                            exact_words=parsed.clause_words, outdated_note=self.outdated_note(view))

    def facet_counts(self, text: str, filters: dict | None = None, deadline: float | None = None,
                     top: int | None = facets.TOP_VALUES) -> dict | None:
        """Paragraph counts per report, folder, year, place and type for a query (facets.count):
        the ``top`` values of each facet, every value with None; and the ``total`` they count
        (None when not counted exactly). None when ``deadline`` passed first."""
        return self._counting(text, filters, deadline, lambda run: run.facet_counts(top))

    def count(self, text: str, filters: dict | None = None, deadline: float | None = None) -> int | None:
        """How many paragraphs ``search`` lists for a query, counted one by one even where its own
        total is an upper bound (SearchResult.estimated): facet_counts's total, without the facets.
        None when that would read too many paragraphs to confirm them, or ``deadline`` passed."""
        return self._counting(text, filters, deadline, SearchRun.counted_total)

    def _counting(self, text: str, filters: dict | None, deadline: float | None, how):
        view = self._current()
        # Parsed as search() parses it, so that a count is the length of the list its link shows.
        parsed = parse(text, IndexStats(view))
        check_size(parsed)
        view.set_deadline(deadline)
        try:
            return how(SearchRun(view, parsed, filters, _budget()))
        except OutOfTime:
            return None
        finally:
            view.set_deadline(None)

    def matching_ids(self, text: str) -> list[str]:
        """Ids of every paragraph the query matches, unranked and uncollapsed (for benchmarks)."""
        view = self._current()
        parsed = parse(text)
        return [doc["id"] for doc in (r.fields for r in view.search(parsed.query, limit=None))
                if "id" in doc and is_exact(content(doc), parsed.phrase_checks)]

    def highlight_terms(self, text: str) -> list[str]:
        """Needles of a query, for marking hits on the paragraph page; [] for a bad query."""
        try:
            return parse(text, IndexStats(self._current())).needles
        except QueryError:
            return []

    def paragraph(self, pid: str, width: int | None = None) -> ParagraphView | None:
        """A paragraph with the paragraphs of its report around it: ``width`` either side (None: all)."""
        view = self._current()
        doc = view.document(id=pid)
        if doc is None:
            return None
        order = view.in_order("ordinal", report_id=doc["report_id"])
        at = _position(view, order, doc)
        start = 0 if width is None else max(0, at - width)
        end = len(order) if width is None else min(len(order), at + width + 1)
        window = [view.stored_fields(n) for _, n in order[start:end]]
        return ParagraphView(
            id=doc["id"], report_id=doc["report_id"], title=doc["title"], section=stored(doc, "section"),
            source=doc["source"], date=stored(doc, "date"), ordinal=doc["ordinal"],
            report=[{"id": d["id"], "section": stored(d, "section"), "text": d["text"]} for d in window],
            first=start, size=len(order),
        )

    def report_paragraph(self, report_id: str) -> dict | None:
        """The stored fields of one paragraph of a report (any one: they all carry the report's
        metadata), or None."""
        return self._current().document(report_id=report_id)

    def report(self, report_id: str, start: int = 0, count: int | None = None) -> tuple[list[dict], int]:
        """Paragraphs ``start`` to ``start + count`` (None: to the end) of a report in order, as
        stored fields, and how many paragraphs the report has. Only those are read."""
        view = self._current()
        order = view.in_order("ordinal", report_id=report_id)
        docs = [view.stored_fields(n) for _, n in order[start:None if count is None else start + count]]
        return [{"id": d["id"], "section": stored(d, "section"), "text": d["text"], "title": d["title"],
                 "source": d["source"], "date": stored(d, "date")} for d in docs], len(order)

    # Thin entry points for issue 4; the logic lives in facets, similar and history.
    def report_titles(self, report_ids: list[str]) -> dict[str, str]:
        return facets.report_titles(self._current(), [r for r in report_ids if r])

    def similar(self, pid: str, top: int = more_like.TOP, deadline: float | None = None) -> tuple[list[str], list[dict]]:
        """more_like.similar; past ``deadline``, from the candidates found by then (none if none were)."""
        view = self._current()
        view.set_deadline(deadline)
        try:
            return more_like.similar(view, pid, top)
        except OutOfTime:
            return [], []
        finally:
            view.set_deadline(None)

    def resolve(self, pid: str) -> history.Resolution:
        return history.resolve(self._current(), self.index_dir, pid)

    def resolve_report(self, report_id: str) -> history.Resolution:
        return history.resolve_report(self._current(), self.index_dir, report_id)


def _position(view, order: list[tuple], doc: dict) -> int:
    """Where ``doc`` stands in ``order`` ((ordinal, docnum) pairs in order): found by its ordinal,
    reading only the stored paragraphs that share it."""
    at = bisect_left(order, (doc["ordinal"], -1))
    for i in range(at, len(order)):
        if order[i][0] != doc["ordinal"]:
            break
        if view.stored_fields(order[i][1])["id"] == doc["id"]:
            return i
    return next(i for i, (_, n) in enumerate(order) if view.stored_fields(n)["id"] == doc["id"])
