"""Searching, stage 2: run a parsed query against the index and shape the results.

One ``Searcher`` object per process holds the index open and refreshes its Whoosh searcher
when a reindex has committed (checked at most every ``refresh_seconds``), so a running server
picks up new reports without a restart. The result objects here feed the HTML page, the JSON
API and the CLI alike.
"""
from __future__ import annotations


import json
import math
import threading
import time
import weakref
from collections import Counter
from pathlib import Path

from whoosh import collectors
from whoosh import query as Q
from whoosh.searching import Searcher as WhooshSearcher

from indexer.search import about as context
from indexer.ingest import dedup
from indexer.search import facets
from indexer import history
from indexer.engine import store
from indexer.engine import topk
from indexer.search import similar as more_like
from indexer.errors import QueryError
from indexer.search.highlight import snippet
from indexer.search.results import Hit, ParagraphView, SearchResult
from indexer.text.normalize import normalize
from indexer.search import ranking
from indexer.search.query import IndexStats, ParsedQuery, has_words, is_exact, parse
from indexer.search.ranking import (BM25, COMMON_FRACTION, COUNT_POSTINGS_LIMIT, COUNT_READ_LIMIT,
                                    EXACT_COUNT_LIMIT, FACET_READ_LIMIT, FOCUS_LIMIT, THROUGH_REPORT_SCORE, Budget,
                                    focus, prominence, stored_score)
from indexer.engine.scoring import bm25_idf, exact_weighting, weighting
from indexer.engine.schema import heading_and_text

MAX_LIMIT = 100
MAX_OFFSET = 10000
ALSO_IN_LIMIT = 5


def _meta(doc: dict) -> dict:
    try:
        return json.loads(doc.get("meta") or "{}")
    except ValueError:
        return {}


def _score(r) -> float:
    # Sorted by date (facets.sort_facet), Whoosh puts the sort key where the score was.
    return stored_score(r.score)


def _budget() -> Budget:
    """The cost limits of one search, read at each call (a caller may turn them: the tests do)."""
    return Budget(EXACT_COUNT_LIMIT, COUNT_POSTINGS_LIMIT, COUNT_READ_LIMIT, FACET_READ_LIMIT)


def _content(doc: dict, norm: str | None = None) -> str:
    """A paragraph's heading and text, normalised: what the query must contain (as indexed in
    ``grams``, schema.heading_and_text)."""
    section = doc.get("section")
    return heading_and_text(normalize(section) if section else None,
                            normalize(doc.get("text", "")) if norm is None else norm)


def _says(doc: dict, checks) -> bool:
    """Is the stored document a paragraph containing the clauses verbatim (query.is_exact)?"""
    return "text" in doc and is_exact(_content(doc), checks)


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
        self._generation = -1

    def _index(self, reopen: bool = False):
        with self._lock:
            if self._ix is None or reopen:
                self._ix = store.open_index(self.index_dir)
            return self._ix

    def _open(self, reopen: bool = False):
        """A pair of Whoosh searchers over one reader: the tiered weighting for the full query,
        BM25F for the fast exact-tier pass (where bigrams rank by BM25 too)."""
        searcher = self._index(reopen).searcher(weighting=weighting(BM25))
        self._open_searchers.add(searcher)
        return searcher, WhooshSearcher(searcher.reader(), weighting=exact_weighting(BM25), closereader=False)

    def _current(self):
        """This thread's searchers, reopened when the index changed on disk.

        Reopened rather than refresh()ed: Whoosh 2.7.5's refresh reuses segment readers by id,
        so documents deleted from an old segment (a changed or removed file) stayed visible.
        Every thread records the newest index generation it opened, so once any thread has
        seen a commit, every other thread reopens at its next request instead of serving the
        old state until its own check.
        """
        local = self._local
        now = time.monotonic()
        pair = getattr(local, "pair", None)
        if pair is not None and local.generation < self._generation:
            pair = self._replace(local, pair, now)
        if pair is None:
            local.pair, local.checked = self._open(), now
            local.generation = self._seen(local.pair)
        elif now - local.checked >= self.refresh_seconds:
            local.checked = now
            try:
                stale = not pair[0].up_to_date()
            except Exception:
                stale = True
            if stale:
                self._replace(local, pair, now, reopen=True)
        return local.pair

    def _seen(self, pair) -> int:
        generation = pair[0].reader().generation()
        with self._lock:
            self._generation = max(self._generation, generation)
        return generation

    def _replace(self, local, pair, now: float, reopen: bool = False):
        try:
            fresh = self._open(reopen=reopen)
        except Exception:
            # The index was replaced under us (a rebuild): open it afresh.
            fresh = self._open(reopen=True)
        pair[0].close()
        local.pair, local.checked, local.generation = fresh, now, self._seen(fresh)
        return fresh

    def close(self) -> None:
        for searcher in list(self._open_searchers):
            searcher.close()
        self._local = threading.local()

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
        budget = _budget()
        searcher, bm25 = self._current()
        parsed = parse(text, IndexStats(searcher.reader()))
        want = offset + limit
        picked = _Picked()
        full = facets.restrict(parsed.query, filters)
        if sort != "relevance":
            # Sorted by a field: every match is visited anyway, so count them exactly too. The
            # same paragraphs as in relevance order, those found through their report included.
            about = self._reports_about(searcher, parsed)
            full = _with_reports(full, about, parsed, filters)
            results = searcher.search(full, limit=ranking.lower_room(want), terms=False, **facets.search_options(sort))
            self._collect(results, parsed, picked, about)
            counted = facets.distinct_total(searcher, full, _phrase_check(searcher, parsed, budget.count_read))
            total, estimated = max(counted or 0, len(picked.hits)), counted is None
        else:
            total, estimated = self._ranked(searcher, bm25, parsed, filters, want, picked, budget)
        hits = [self._hit(searcher, parsed, doc, score, picked.norms.get(doc["id"]), *picked.through(doc["id"]))
                for score, doc in picked.hits[offset:want]]
        took = (time.perf_counter() - started) * 1000
        return SearchResult(query=text, total=total, took_ms=round(took, 1), offset=offset, limit=limit,
                            hits=hits, needles=parsed.needles, estimated=estimated)

    def _ranked(self, searcher, bm25, parsed: ParsedQuery, filters, want: int, picked: "_Picked", budget: Budget):
        """Relevance order in two passes; returns (total, whether total is an estimate).

        The exact tier alone first (cheap: no positions, no lower tiers); the full tiered
        query only when the exact tier cannot fill the page, with the exact hits masked out.
        """
        full = facets.restrict(parsed.query, filters)
        exact = facets.restrict(parsed.exact, filters) if parsed.exact is not None else None
        exact_done = exact is None or self._exact_pass(bm25, exact, parsed, want, picked)
        if not exact_done or len(picked.hits) >= want:
            return self._total(searcher, parsed, full, len(picked.hits), filters, budget)
        room = ranking.lower_room(want - len(picked.hits))
        results = _best(searcher, full, room, mask=picked.docnums)
        lower = _Picked()
        self._collect(results, parsed, lower)
        about = self._about(searcher, parsed, filters, picked)
        if about:
            # Every match in a report about the query is read, however small the page, so that
            # where each one ranks (and so every page) does not depend on the page size.
            # filter=, not an And: the scores must be those of the pass above.
            self._collect(searcher.search(full, limit=None, terms=False, filter=context.report_query(list(about), None),
                                          mask=picked.docnums | lower.docnums), parsed, lower)
        clause_hits = self._clause_hits(searcher, parsed, filters, about, picked.docnums | lower.docnums)
        # Here a score in the exact tier means "all the bigrams, but not together" (the exact
        # pass confirmed the rest): such a paragraph ranks as a scattered match.
        ranked = sorted(((ranking.unconfirmed(s), d) for s, d in lower.hits), key=lambda pair: -pair[0])
        some = []
        for score, doc in ranked:
            if ranking.has_all_words(score, has_words(_content(doc), parsed.word_checks)):
                picked.add(None, score, doc)
            else:
                some.append((score, doc))
        some, unread = self._through_reports(searcher, parsed, filters, about, picked, lower.docnums, some, room,
                                             clause_hits)
        for score, doc in some:
            picked.add(None, score, doc)
        picked.docnums |= lower.docnums
        if results.scored_length() < room:
            return len(picked.hits) + unread, False          # every match was seen
        total, estimated = self._total(searcher, parsed, full, len(picked.hits), filters, budget, about)
        return (total + unread if estimated else total), estimated

    @staticmethod
    def _about(searcher, parsed: ParsedQuery, filters, picked: "_Picked") -> "About":
        """_reports_about, from the exact tier already in picked when no filter narrowed it."""
        if parsed.phrase_checks:
            return About()          # quotes ask for the words themselves
        if filters or parsed.filters or len(parsed.checks) > 1:
            return Searcher._reports_about(searcher, parsed)
        counts = Counter(d["report_id"] for s, d in picked.hits if ranking.in_exact_tier(s))
        about, word = About(), parsed.clause_words[0] if parsed.clause_words else ""
        for report in context.reports_about(searcher, counts):
            about.add(report, counts[report], word)
        return about

    @staticmethod
    def _clause_hits(searcher, parsed: ParsedQuery, filters, about: "About", seen: set[int]) -> list:
        """For several words, the paragraphs of the reports about them (_reports_about) that
        match some of the words, best first, as (docnum, score, stored fields): the query as
        a whole does not match them, so the pass above did not score them."""
        if not about or len(parsed.clause_queries) < 2:
            return []
        results = searcher.search(Q.Or(parsed.clause_queries), limit=None, terms=False,
                                  filter=_report_paragraphs(about, parsed, filters), mask=seen)
        return [(hit.docnum, _score(hit), hit.fields()) for hit in results]

    @staticmethod
    def _through_reports(searcher, parsed: ParsedQuery, filters, about: "About", picked: "_Picked",
                         seen: set[int], some: list, room: int, clause_hits: list = ()) -> tuple[list, int]:
        """Add the paragraphs of the reports that are about the query (``about``, see
        indexer.search.about) to picked: those with some of its words (all read, in ``some``; for
        several words, also ``clause_hits``), then up to ``room`` of those with none.

        Returns the rest of ``some`` (paragraphs with only some of the query's words) and how
        many paragraphs found through reports were left unread.
        """
        if not about:
            return some, 0
        for score, doc in some:
            if doc["report_id"] in about:
                picked.add(None, score, doc, **about.via(doc["report_id"]))
        for docnum, score, doc in clause_hits:
            picked.add(docnum, score, doc, **about.via(doc["report_id"]))
        restrict = lambda q: _narrowed(q, parsed, filters)
        found, total = context.paragraphs(searcher, list(about), restrict, parsed.excluded, picked.docnums | seen, room)
        for docnum, doc in found:
            picked.add(docnum, THROUGH_REPORT_SCORE, doc, **about.via(doc["report_id"]))
        return [(score, doc) for score, doc in some if doc["report_id"] not in about], total - len(found)

    @staticmethod
    def _total(searcher, parsed: ParsedQuery, full, seen: int, filters, budget: Budget, about: "About | None" = None
               ) -> tuple[int, bool]:
        """Count the matches exactly when there are few and counting them reads few postings
        (and few stored paragraphs, to confirm quoted phrases); else Whoosh's cheap upper bound.
        An exact count includes the paragraphs found through their report (``about``, found
        here when not given), as the list does however long it is.

        Few matches can still mean many postings: the paragraphs with 一村一社区 are found
        through 社区 too, a bigram in most paragraphs, and listing them all costs more than
        the rest of the query.
        """
        reader = searcher.reader()
        estimate = min(int(full.estimate_size(reader)), facets.paragraph_count(searcher))
        if estimate <= budget.exact_count and _postings(reader, full, budget.count_postings) <= budget.count_postings:
            about = Searcher._reports_about(searcher, parsed) if about is None else about
            full = _with_reports(full, about, parsed, filters)
            counted = facets.distinct_total(searcher, full, _phrase_check(searcher, parsed, budget.count_read))
            if counted is not None:
                return max(seen, counted), False
        return max(seen, estimate), True

    @staticmethod
    def _collect(results, parsed: ParsedQuery, picked: "_Picked", about: "About | None" = None) -> None:
        """Add hits to picked; ``about`` (report → verbatim matches, see _reports_about) marks
        those without the query's words as found through their report."""
        for hit in results:
            doc = hit.fields()
            # Quoted phrases must be verbatim; the index only knows their bigrams.
            if not parsed.phrase_checks or is_exact(_content(doc), parsed.phrase_checks):
                via = about.via(doc.get("report_id")) if about else {}
                if via and "text" in doc and has_words(_content(doc), parsed.word_checks):
                    via = {}
                picked.add(hit.docnum, _score(hit), doc, **via)

    def _exact_pass(self, bm25, exact, parsed: ParsedQuery, want: int, picked: "_Picked") -> bool:
        """Fill ``picked`` with exact-tier hits, best first; True when all of them were seen.

        When the rarest bigram is in at most FOCUS_LIMIT paragraphs, every match is read and
        ranked again: several words by ``scoring.focus`` (BM25 with the paragraph's length),
        one by its bigram score, both weighed by ``scoring.prominence`` (the query opening
        the paragraph, or only listed in it). With more, reading them all would cost too
        much, and the bigram score stands.
        """
        k = ranking.exact_page(want)
        rerank = _rarest(bm25.reader(), parsed.exact) <= FOCUS_LIMIT
        if rerank:
            k = FOCUS_LIMIT + 1
        while True:
            picked.clear()
            ranked, exhausted = _top(bm25, exact, k)
            # Alternatives (OR) make _rarest no bound; then whether the tier is small enough is
            # known here, and must not depend on the page size.
            rerank = rerank and exhausted
            contents = {}
            for score, docnum in ranked:
                doc = bm25.stored_fields(docnum)
                if "text" not in doc:
                    continue
                norm = normalize(doc["text"])
                content = _content(doc, norm)
                if is_exact(content, parsed.checks):
                    picked.add(docnum, ranking.exact(score), doc, norm)
                    contents[doc["id"]] = (docnum, content)
                    if len(picked.hits) >= want and not rerank:
                        break          # the page is full: the rest would only be read and dropped
            if exhausted or len(picked.hits) >= want:
                if rerank and exhausted:
                    self._rerank(bm25, parsed, picked, contents)
                return exhausted
            k *= ranking.EXACT_GROWTH

    @staticmethod
    def _rerank(searcher, parsed: ParsedQuery, picked: "_Picked", contents: dict) -> None:
        reader = searcher.reader()
        n, average, idf = max(reader.doc_count(), 1), searcher.avg_field_length("grams"), {}

        def run_idf(run: str) -> float:
            if run not in idf:
                idf[run] = _run_idf(reader, run, n)
            return idf[run]

        runs = [run for clause in parsed.checks for alternative in clause for run in alternative]

        def score(bigram_score: float, doc: dict) -> float:
            docnum, content = contents[doc["id"]]
            if len(parsed.checks) > 1:
                length = reader.doc_field_length(docnum, "grams") or average
                base = focus(content, parsed.checks, run_idf, length, average)
            else:
                base = ranking.within_exact(bigram_score)
            return ranking.exact(base * prominence(content, runs))

        picked.hits = sorted(((score(*pair), pair[1]) for pair in picked.hits), key=lambda pair: -pair[0])

    def _hit(self, searcher, parsed: ParsedQuery, doc: dict, score: float, norm: str | None = None,
             through_report: int = 0, through_word: str = "") -> Hit:
        also = []
        if doc.get("dupkey"):
            for other in searcher.documents(dupkey=doc["dupkey"]):
                if other["id"] != doc["id"] and len(also) < ALSO_IN_LIMIT:
                    also.append({"id": other["id"], "title": other["title"], "source": other["source"]})
        return Hit(
            id=doc["id"], report_id=doc["report_id"], title=doc["title"], section=_stored(doc, "section"),
            text=doc["text"], snippet=snippet(doc["text"], parsed.needles, norm=norm), score=stored_score(score),
            source=doc["source"], date=_stored(doc, "date"), place=_stored(doc, "place"),
            doctype=_stored(doc, "doctype"), also_in=also,
            source_url=_meta(doc).get("url", ""), locations=dedup.locations(searcher, doc["report_id"]),
            through_report=through_report, through_word=through_word,
        )

    def paragraph(self, pid: str) -> ParagraphView | None:
        searcher, _ = self._current()
        doc = searcher.document(id=pid)
        if doc is None:
            return None
        report = sorted(searcher.documents(report_id=doc["report_id"]), key=lambda d: d["ordinal"])
        return ParagraphView(
            id=doc["id"], report_id=doc["report_id"], title=doc["title"], section=_stored(doc, "section"),
            source=doc["source"], date=_stored(doc, "date"), ordinal=doc["ordinal"],
            report=[{"id": d["id"], "section": _stored(d, "section"), "text": d["text"]} for d in report],
        )

    def matching_ids(self, text: str) -> list[str]:
        """Ids of every paragraph the query matches, unranked and uncollapsed (for benchmarks)."""
        searcher, _ = self._current()
        parsed = parse(text)
        return [doc["id"] for doc in (hit.fields() for hit in searcher.search(parsed.query, limit=None))
                if "id" in doc and is_exact(_content(doc), parsed.phrase_checks)]

    def report(self, report_id: str) -> list[dict]:
        """Every paragraph of a report in order, as stored fields."""
        searcher, _ = self._current()
        docs = sorted(searcher.documents(report_id=report_id), key=lambda d: d["ordinal"])
        return [{"id": d["id"], "section": _stored(d, "section"), "text": d["text"], "title": d["title"],
                 "source": d["source"], "date": _stored(d, "date")} for d in docs]

    # Thin entry points for issue 4; the logic lives in facets, similar and history.
    def facet_counts(self, text: str, filters: dict | None = None) -> dict:
        """Paragraph counts per report, folder, year, place and type for a query (facets.count)."""
        searcher = self._current()[0]
        # Parsed as search() parses it, and with the paragraphs it lists through their reports,
        # so that a count is the length of the list its link shows.
        parsed = parse(text, IndexStats(searcher.reader()))
        query = _with_reports(parsed.query, self._reports_about(searcher, parsed), parsed, None)
        counts = facets.count(searcher, query, filters, keep=_phrase_check(searcher, parsed, _budget().facet_read))
        return {"counts": counts, "titles": facets.report_titles(searcher, [v for v, _ in counts["report"]])}

    @staticmethod
    def _reports_about(searcher, parsed: ParsedQuery) -> "About":
        """The reports whose other paragraphs a search lists (see _through_reports), from the
        exact tier as the search confirms it: report id → its paragraphs containing the query,
        the reports most devoted to it first. For several words, the reports about one of
        them that have the others too (居委会 减负: a report on residents' committees that
        speaks of their 减负 once; its other paragraphs on the committees tell how).

        Decided over the whole collection, filters aside (the page's and the query's own, such
        as year:2024): whether a report is about 工作 must not depend on whether the user
        narrowed the list to it (a count shown next to a filter is the length of its list).
        """
        if parsed.phrase_checks or parsed.exact is None:
            return About()
        clauses = [(set(facets.matches(searcher, q)), checks) for q, checks in zip(parsed.clause_exact, parsed.checks)]
        # With several words, not about one in a third of all paragraphs (社区 in community
        # reports): every report is, and the others would bring in whole reports that mention
        # them once.
        common = COMMON_FRACTION * facets.paragraph_count(searcher) if len(clauses) > 1 else math.inf
        about = About()
        for i, (docs, checks) in enumerate(clauses):
            for report, n in _about_clause(searcher, docs, [checks], common).items():
                if report not in about and all(_in_report(searcher, d, [c], report)
                                               for j, (d, c) in enumerate(clauses) if j != i):
                    about.add(report, n, parsed.clause_words[i])
        return about

    def report_titles(self, report_ids: list[str]) -> dict[str, str]:
        return facets.report_titles(self._current()[0], [r for r in report_ids if r])

    def similar(self, pid: str, top: int = more_like.TOP) -> tuple[list[str], list[dict]]:
        return more_like.similar(self._current()[0], pid, top)

    def resolve(self, pid: str) -> history.Resolution:
        return history.resolve(self._current()[0], self.index_dir, pid)

    def resolve_report(self, report_id: str) -> history.Resolution:
        return history.resolve_report(self._current()[0], self.index_dir, report_id)

    def highlight_terms(self, text: str) -> list[str]:
        """Needles of a query, for marking hits on the paragraph page; [] for a bad query."""
        try:
            return parse(text).needles
        except QueryError:
            return []


def _about_clause(searcher, docs: set[int], checks, common: float) -> Counter:
    """The reports about one clause (``docs``: its exact tier's matches, to confirm with
    ``checks``): report id → its paragraphs containing it, the most devoted first; none when
    it may be in ``common`` paragraphs or more."""
    if len(docs) > 2 * context.MAX_EXACT or len(docs) >= common:
        return Counter()              # a general word (past MAX_EXACT once confirmed, as good as surely)
    if len(docs) <= context.MAX_EXACT:
        # A report's bigram matches bound its confirmed ones: read only the reports that
        # could qualify (usually none). Past MAX_EXACT the total itself needs confirming.
        report = facets.report_of(searcher)
        rough = Counter(map(report, docs))
        docs = [d for d in docs if rough[report(d)] >= context.MIN_MATCHES]
    counts, groups = Counter(), set()
    for docnum in sorted(docs):
        doc = searcher.stored_fields(docnum)
        group = doc.get("dupkey") or doc.get("id")
        if group not in groups and _says(doc, checks):
            groups.add(group)
            counts[doc["report_id"]] += 1
    return Counter({r: counts[r] for r in context.reports_about(searcher, counts)})


def _in_report(searcher, docs: set[int], checks, report_id: str) -> bool:
    """Does some paragraph of the report contain the clause verbatim (``docs``: its exact
    tier's matches, to confirm with ``checks``)?"""
    return any(docnum in docs and _says(searcher.stored_fields(docnum), checks)
               for docnum in searcher.document_numbers(report_id=report_id))


def _with_reports(query, about: Counter, parsed: ParsedQuery, filters):
    """query, or the paragraphs of the reports about it (``about``) as well: the whole list a
    search shows, for counting it or sorting it by a field."""
    if not about:
        return query
    return Q.Or([query, _report_paragraphs(about, parsed, filters)])


def _report_paragraphs(about: Counter, parsed: ParsedQuery, filters):
    """The paragraphs of the reports in ``about`` the search may list: less what the query
    rules out (-词), within its filters and the page's."""
    return _narrowed(context.report_query(list(about), parsed.excluded), parsed, filters)


def _narrowed(query, parsed: ParsedQuery, filters):
    """query within the search's filters: the query's own (year:2024) and the page's."""
    if parsed.own_filters is not None:
        query = Q.And([query, parsed.own_filters])
    return facets.restrict(query, filters)


def _phrase_check(searcher, parsed: ParsedQuery, limit: int):
    """For facets.count / distinct_total: docnums → those containing the quoted phrases
    verbatim, or None past ``limit``. None when the bigrams alone decide (no run of three or
    more characters: a run of two is one bigram)."""
    checks = parsed.phrase_checks
    if not any(len(run) > 2 for clause in checks for alt in clause for run in alt):
        return None

    def keep(docs):
        if len(docs) > limit:
            return None
        return [d for d in docs if _says(searcher.stored_fields(d), checks)]
    return keep


def _rarest(reader, exact) -> float:
    """Paragraphs with the rarest bigram the exact tier asks for: a cheap bound on its size
    (none with alternatives, which the caller finds out when the tier is not exhausted)."""
    if isinstance(exact, Q.AndNot):
        exact = exact.a
    grams = [leaf for leaf in exact.leaves() if isinstance(leaf, Q.Term) and leaf.fieldname == "grams"]
    return min((reader.doc_frequency("grams", leaf.text) for leaf in grams), default=math.inf)


def _run_idf(reader, run: str, n: int) -> float:
    """BM25's idf of a run of word characters, its paragraph count taken from its rarest
    bigram (a single character: from the word)."""
    if len(run) == 1:
        df = reader.doc_frequency("text", run)
    else:
        df = min(reader.doc_frequency("grams", run[i:i + 2]) for i in range(len(run) - 1))
    return bm25_idf(n, df)


def _postings(reader, query, limit: int) -> int:
    """How many postings matching query reads (its terms' document frequencies; a prefix's
    expanded), counted until the sum is past ``limit``."""
    seen, total = set(), 0
    for leaf in query.leaves():
        terms = leaf.expanded_terms(reader) if isinstance(leaf, Q.MultiTerm) else leaf.iter_all_terms()
        for term in terms:
            if term not in seen:
                seen.add(term)
                total += reader.doc_frequency(*term)
                if total > limit:
                    return total
    return total


def _top(searcher, query, k: int) -> tuple[list[tuple[float, int]], bool]:
    """The k best (score, docnum), best first, and whether they are all the matches."""
    found = topk.top_k(searcher, query, k)
    if found is not None:
        return found
    results = _best(searcher, query, k)
    return [(hit.score, hit.docnum) for hit in results], results.scored_length() < k


def _best(searcher, query, k: int, mask: set[int] | None = None):
    """Whoosh's k best matches, exactly: ties to the lower docnum, as topk breaks them.

    Whoosh's TopCollector, as ``search`` sets it up, is not exact: its block-max pruning weighs
    blocks that do not line up (see indexer.engine.topk), and every ten matches it rebuilds the matcher
    for the current k-th score, after which matches tying with that score go missing, so which
    of them make the list depends on k, and pages disagree. Neither is used here.
    """
    collector = collectors.TopCollector(k, usequality=False, replace=0)
    if mask:
        collector = collectors.FilterCollector(collector, None, mask)
    searcher.search_with_collector(query, collector)
    return collector.results()


class About(Counter):
    """The reports a search lists whole (Searcher._reports_about): report id → its paragraphs
    containing the query word it is about, and that word (of several, the one it is about)."""

    def __init__(self):
        super().__init__()
        self.words: dict[str, str] = {}

    def add(self, report: str, matches: int, word: str) -> None:
        self[report] = matches
        self.words[report] = word

    def via(self, report: str | None) -> dict:
        """How a paragraph of the report is listed: _Picked.add's keywords."""
        if not self.get(report):
            return {}
        return {"through_report": self[report], "through_word": self.words.get(report, "")}


class _Picked:
    """Hits in rank order, one per group of identical paragraphs (the best-ranked one)."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.hits: list[tuple[float, dict]] = []
        self.docnums: set[int] = set()
        self.norms: dict[str, str] = {}  # id → normalised text, where already computed
        # id → (matches in its report, the word they contain), if found through its report
        self._through: dict[str, tuple[int, str]] = {}
        self._groups: set[str] = set()

    def add(self, docnum: int | None, score: float, doc: dict, norm: str | None = None,
            through_report: int = 0, through_word: str = "") -> None:
        if "text" not in doc:
            return                       # the marker of an unreadable file
        if docnum is not None:
            self.docnums.add(docnum)
        group = doc.get("dupkey") or doc["id"]
        if group not in self._groups:
            self._groups.add(group)
            self.hits.append((score, doc))
            if norm is not None:
                self.norms[doc["id"]] = norm
            if through_report:
                self._through[doc["id"]] = (through_report, through_word)

    def through(self, pid: str) -> tuple[int, str]:
        return self._through.get(pid, (0, ""))
