"""A point-in-time read view over an open index: everything the search asks of the engine.

Its place in the flow query → parse → search → highlight → results: the search holds views (one
per thread, indexer.search.searcher) and asks them to run our query objects
(indexer.engine.queries), read stored paragraphs and give index statistics. A view compiles the
queries (indexer.engine.compile) and runs them on one Whoosh searcher; the search never sees a
Whoosh searcher, reader, collector or query. Going beneath Whoosh's public layer for speed
(exact top k, set algebra, facet columns) happens here too, in the modules a view calls.

A view is a snapshot: it sees the index as it was opened, until ``close``. Like the Whoosh
searcher inside, it must not be shared between threads.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterator

from whoosh import query as W
from whoosh import sorting
from whoosh.searching import Searcher as WhooshSearcher

from indexer.engine import columns, docsets, shortcuts, stored, topk, treescan
from indexer.engine.compile import to_whoosh
from indexer.engine.deadline import Stopped
from indexer.engine.deadline import run as deadline_run
from indexer.engine.queries import Query
from indexer.engine.schema import segmenter_of, segmenter_problem
from indexer.engine.scoring import Bm25, exact_weighting, weighting
from indexer.errors import IndexMissing
from indexer.text.analysis import use_for_queries


@dataclass(frozen=True)
class Record:
    """A matching document: its number in this view, its score, its stored fields."""

    docnum: int
    score: float | None          # None in a search sorted by a field
    fields: dict


class OutOfTime(Exception):
    """The request's time budget ran out before a view call (indexer.search.searcher catches it)."""


# Reading stored paragraphs may go on this long past the deadline: a search stopped by it still
# reads the paragraphs of the page it returns (at most offset + limit, often a few dozen).
READ_GRACE = 0.2
# A search that starts past the deadline (before any other has stopped at it) still runs this long.
LATE_SLICE = 0.05


@dataclass(frozen=True)
class SortBy:
    """Sort by a stored sortable field (then by score for equal values)."""

    field: str
    reverse: bool = False


def open_view(index, bm25: Bm25) -> "IndexView":
    """A view of ``index`` (as indexer.engine.store opens it) as it is now.

    Scored for the full tiered query; ``view.exact_tier`` is the same snapshot scored for the
    exact-tier pass (bigram BM25, scoring.exact_weighting), sharing its reader.
    """
    problem = segmenter_problem(index.schema)
    if problem:
        raise IndexMissing(f"{problem}（请安装它，或运行 reportsearch index --rebuild 重建索引）")
    # Queries are cut by the segmenter that cut the index's text, whatever this process prefers.
    use_for_queries(segmenter_of(index.schema))
    searcher = index.searcher(weighting=weighting(bm25))
    try:
        _pin_columns(searcher.reader())
    except Exception:
        # A commit deleted this generation's files while we opened them: the caller opens the
        # newer generation instead (indexer.search.searcher).
        searcher.close()
        raise
    shortcuts.memoise_lookups(searcher.reader())
    exact = WhooshSearcher(searcher.reader(), weighting=exact_weighting(bm25), closereader=False)
    return IndexView(searcher, IndexView(exact, fast_top_k=True))


_COLUMN_FILE = ".col"


def _pin_columns(reader) -> None:
    """Open every column file (stored fields, field lengths, sort columns) of the view's segments now.

    Whoosh opens them lazily, at the first read, and asks the folder whether each exists; a
    commit that replaced a segment has deleted them by then, so a view opened before that commit
    answered TypeError from ``stored_fields`` or, for a length column, silently used a default
    length (skewed scores). An open file stays readable after it is deleted (POSIX; on Windows
    the deletion fails and the writer removes it later), so a view pinned here never reads a
    file a commit deleted. Beneath Whoosh's public layer: its W3 per-document reader.
    """
    for leaf, _ in reader.leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if perdoc is None or not hasattr(perdoc, "_colfiles"):
            continue            # an empty index, or a codec this does not know: left lazy
        storage, segment = perdoc._storage, perdoc._segment
        prefix = segment.make_filename(".")
        names = [n[len(prefix):-len(_COLUMN_FILE)] for n in storage.list()
                 if n.startswith(prefix) and n.endswith(_COLUMN_FILE)]
        for name in names:
            if name not in perdoc._colfiles:
                perdoc._colfiles[name] = perdoc._get_column_file(name)
        pinned = frozenset(perdoc._colfiles)
        # Answer "is there such a column?" from the files opened, not from the folder.
        perdoc.has_column = pinned.__contains__
        _share_stored(perdoc)


def _share_stored(perdoc) -> None:
    """Read the segment's stored fields through the mapping every view shares (indexer.engine.stored)
    instead of a reader of this view's own: Whoosh asks ``_readers`` first."""
    if "_stored" not in perdoc._colfiles or "_stored" in perdoc._readers:
        return
    colfile, offset, length = perdoc._colfiles["_stored"]
    if offset == 0:
        column = stored.shared(perdoc._segment.segment_id(), colfile, length, perdoc._doccount)
        if column is not None:
            perdoc._readers["_stored"] = column


class IndexView:
    def __init__(self, searcher, exact_tier: "IndexView | None" = None, fast_top_k: bool = False):
        self._searcher = searcher
        self._reader = searcher.reader()
        self._stored = shortcuts.StoredFields(self._reader)
        self._fast_top_k = fast_top_k
        self.exact_tier = exact_tier if exact_tier is not None else self
        self._deadline: float | None = None      # time.monotonic() past which query calls stop
        self._stopped = False

    def set_deadline(self, deadline: float | None) -> None:
        """Stop running queries once time.monotonic() passes ``deadline`` (None: no limit): a
        call started after it raises OutOfTime; a search or top k running when it passes
        returns the matches collected so far (best first, or in the sort order) and marks the
        view ``stopped``; stored paragraphs are read until READ_GRACE seconds after it."""
        for view in {id(self): self, id(self.exact_tier): self.exact_tier}.values():
            view._deadline, view._stopped = deadline, False

    @property
    def stopped(self) -> bool:
        """Whether a search of this view (or its exact tier) since ``set_deadline`` returned only
        what it had found when the deadline passed."""
        return self._stopped or self.exact_tier._stopped

    def _check_time(self, grace: float = 0.0) -> float | None:
        """Seconds left (None: no limit); OutOfTime when none are (``grace`` seconds after the deadline)."""
        if self._deadline is None:
            return None
        left = self._deadline + grace - time.monotonic()
        if left <= 0:
            raise OutOfTime()
        return left

    def _started(self) -> float | None:
        """Before a search or top k: the deadline it runs to. OutOfTime past the deadline once a
        search has stopped at it; until then a call started late still gets LATE_SLICE seconds,
        so that a request out of time lists the best few paragraphs found cheaply rather than none."""
        if self._deadline is None:
            return None
        if self.stopped:
            self._check_time()
        return max(self._deadline, time.monotonic() + LATE_SLICE)

    # ---- running queries
    def search(self, query: Query, limit: int | None = 10, *, filter: Query | None = None,
               mask: set[int] | None = None, sort: SortBy | None = None,
               collapse: str | None = None) -> list[Record]:
        """The best ``limit`` matches (None: all), best first, or in ``sort`` order.

        ``filter``: only documents it matches (scores unchanged); ``mask``: not these docnums;
        ``collapse``: at most one document per value of that field.
        """
        deadline = self._started()
        options = {}
        if sort is not None:
            options["sortedby"] = sorting.MultiFacet([sorting.FieldFacet(sort.field, reverse=sort.reverse),
                                                      sorting.ScoreFacet()])
        if collapse is not None:
            options.update(collapse=sorting.FieldFacet(collapse), collapse_limit=1)
        if limit is not None and limit < 1:
            raise ValueError("limit must be >= 1")
        collector = self._searcher.collector(limit=limit, terms=False, mask=mask,
                                             filter=to_whoosh(filter) if filter is not None else None, **options)
        try:
            results = deadline_run(self._searcher, to_whoosh(query), collector, deadline)
        except Stopped as stop:
            self._stopped, results = True, stop.found
        # Sorted by a field, Whoosh puts the sort key where the score was.
        return [Record(hit.docnum, hit.score if isinstance(hit.score, (int, float)) else None, hit.fields())
                for hit in results]

    def top_k(self, query: Query, k: int, mask: set[int] | None = None) -> tuple[list[tuple[float, int]], bool]:
        """The exact k best (score, docnum), best first, ties to the lower docnum, and whether
        they are every match (docnums in ``mask`` left out)."""
        return self.ranker(query, mask)(k)

    def ranker(self, query: Query, mask: set[int] | None = None):
        """``top_k`` for this query and mask as a function of k: asked again for more (the ties
        at a cut), it reuses what the first pass read."""
        compiled = to_whoosh(query)
        prepared = []

        def ranked(k: int) -> tuple[list[tuple[float, int]], bool]:
            deadline = self._started()
            try:
                if not prepared:
                    fast = topk.Ranking.of(self._searcher, compiled) if self._fast_top_k and not mask else None
                    # Any other query: every match scored at once as arrays, ranked once for any k.
                    prepared.append(fast or treescan.scan(self._searcher, compiled, mask, deadline))
                if isinstance(prepared[0], topk.Ranking):
                    return prepared[0].top(k, deadline)
                return prepared[0].top(k)
            except Stopped as stop:          # topk and treescan stop with (score, docnum) pairs
                self._stopped = True
                return stop.found, False
        return ranked

    def matches(self, query: Query):
        """Docnums of every match (a set, docsets.Matches, or a list for a query shape docsets
        does not handle)."""
        self._check_time()
        compiled = to_whoosh(query)
        docs = docsets.matching_array(self._searcher, compiled)
        return docsets.Matches(docs) if docs is not None else list(self._searcher.docs_for_query(compiled))

    def iter_matches(self, query: Query) -> Iterator[int]:
        """Docnums of every match in order, walking the query's matcher: cheaper than ``matches``
        for a selective query (one report's paragraphs)."""
        return to_whoosh(query).docs(self._searcher)

    def estimate_size(self, query: Query) -> int:
        """Whoosh's cheap upper bound on the number of matches."""
        return int(to_whoosh(query).estimate_size(self._reader))

    def count_postings(self, query: Query, limit: int) -> int:
        """How many postings matching query reads (its terms' document frequencies; a prefix's
        expanded), counted until the sum is past ``limit``."""
        self._check_time()
        seen, total = set(), 0
        for leaf in to_whoosh(query).leaves():
            terms = leaf.expanded_terms(self._reader) if isinstance(leaf, W.MultiTerm) else leaf.iter_all_terms()
            for term in terms:
                if term not in seen:
                    seen.add(term)
                    total += self._reader.doc_frequency(*term)
                    if total > limit:
                        return total
        return total

    # ---- reading documents
    def stored_fields(self, docnum: int) -> dict:
        if self._deadline is not None:
            self._check_time(READ_GRACE)      # a deep page reads thousands of paragraphs, one by one
        return self._stored(docnum)

    def document(self, **field_values) -> dict | None:
        """The stored fields of a document with these field values, or None."""
        return self._searcher.document(**field_values)

    def documents(self, **field_values) -> Iterator[dict]:
        return self._searcher.documents(**field_values)

    def document_numbers(self, **field_values) -> Iterator[int]:
        return self._searcher.document_numbers(**field_values)

    def in_order(self, order: str, **field_values) -> list[tuple]:
        """(value of the sortable field ``order``, docnum) of the documents with these field
        values, in that order (ties by docnum), read from the field's column: a report of 50,000
        paragraphs is put in order without reading one stored paragraph."""
        column = self._reader.column_reader(order)
        return sorted((column[d], d) for d in self._searcher.document_numbers(**field_values))

    def column(self, field: str):
        """(values, docnum → value index or -1) for a field (indexer.engine.columns)."""
        return columns._column(self._searcher, field)

    def values_among(self, field: str, docs) -> list[tuple[str, int]]:
        """The distinct values of ``field`` the documents ``docs`` have, with how many have each
        (indexer.engine.columns)."""
        return columns.values_among(self._searcher, field, docs)

    def groups(self, field: str):
        """docnum → a number equal for equal values of ``field`` (-1: none), without the values
        (indexer.engine.columns)."""
        return columns.groups(self._searcher, field)

    def shared(self, field: str) -> frozenset[int]:
        """Docnums whose value of ``field`` another live document has too (indexer.engine.columns)."""
        return columns.shared(self._searcher, field)

    def distinct(self, docs, field: str) -> int:
        """How many distinct values of ``field`` the documents ``docs`` (distinct docnums) have,
        each document without a value counting as one (indexer.engine.columns)."""
        return columns.distinct(self._searcher, field, docs)

    def collection_order(self, docnums: list[int]) -> list[tuple]:
        """Sort keys ordering these documents by source file, place in it, id (what
        indexer.search.ranking.position gives their stored fields), mostly from columns."""
        return columns.collection_order(self._searcher, docnums, self.stored_fields)

    def report_of(self):
        """docnum → its report's id ("" for a file marker)."""
        return columns.report_of(self._searcher)

    def paragraph_count(self) -> int:
        """Paragraphs in the index, duplicate records and file markers left out."""
        return columns.paragraph_count(self._searcher)

    # ---- statistics
    def doc_count(self) -> int:
        """Live documents."""
        return self._reader.doc_count()

    def doc_frequency(self, field: str, text: str) -> int:
        """Documents with the term (deleted ones included until their segment is merged)."""
        return self._reader.doc_frequency(field, text)

    def has_live_postings(self, field: str, text: str) -> bool:
        """Does some live document hold the term?"""
        return (field, text) in self._reader and self._reader.postings(field, text).is_active()

    def avg_field_length(self, field: str) -> float:
        return self._searcher.avg_field_length(field)

    def field_length(self, docnum: int, field: str) -> int:
        return self._reader.doc_field_length(docnum, field)

    def analyze(self, field: str, text: str) -> Iterator[str]:
        """The terms the field's analyzer makes of text, as indexing makes them."""
        return self._searcher.schema[field].process_text(text, mode="index")

    # ---- the snapshot
    def generation(self) -> int:
        return self._reader.generation()

    def up_to_date(self) -> bool:
        """False once a commit has made the index newer than this view."""
        return self._searcher.up_to_date()

    def close(self) -> None:
        self._searcher.close()
