"""Searching, narrowing: facet filters, sort orders and per-facet result counts.

The web page's facet links and the JSON API pass filters as {name: value}; this module turns
them into a restriction of the query (which does not change scores) and counts, for the
current query, how many paragraphs fall in each report, folder, year, place and type.

Counting is exact, over every matching paragraph: the set of matches comes from
indexer.engine.docsets (set algebra on posting lists), and each facet field is turned into a
docnum → value array once per Whoosh searcher (the shared searcher lives until the next
reindex), so a count costs the match itself plus an array lookup per match.
"""
from __future__ import annotations

import threading
import weakref
from array import array
from collections import Counter

from whoosh import query as Q
from whoosh import sorting

from indexer.engine import docsets
from indexer.engine import postings
from indexer.errors import QueryError
from indexer.search.ranking import MAX_COUNTED

# URL parameter → index field, in the order the page shows them.
FACETS = {"report": "report_id", "folder": "folder", "year": "year", "place": "place", "type": "doctype"}
LABELS = {"report": "报告", "folder": "文件夹", "year": "年份", "place": "地区", "type": "类型"}
SORTS = {"relevance": "相关度", "date": "日期（新→旧）"}
MAX_VALUE_CHARS = 200
TOP_VALUES = 12
_COLUMNS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def validate(filters: dict[str, str], sort: str = "relevance") -> tuple[dict[str, str], str]:
    """Drop empty filters; raise QueryError (a Chinese message) for a bad name, value or sort."""
    clean = {}
    for name, value in filters.items():
        if name not in FACETS:
            raise QueryError(f"未知的筛选条件：{name}")
        value = (value or "").strip()
        if len(value) > MAX_VALUE_CHARS:
            raise QueryError(f"筛选条件 {name} 过长")
        if value:
            clean[name] = value
    sort = sort or "relevance"
    if sort not in SORTS:
        raise QueryError("排序方式只能是 relevance（相关度）或 date（日期）")
    return clean, sort


def filter_query(filters: dict[str, str] | None) -> Q.Query | None:
    parts = []
    for name, value in (filters or {}).items():
        field = FACETS[name]
        if name == "folder":
            # A folder includes its subfolders, as folder: does in the query language.
            parts.append(Q.Or([Q.Term(field, value), Q.Prefix(field, value.rstrip("/") + "/")]))
        else:
            parts.append(Q.Term(field, value))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


def sort_facet(sort: str):
    """A Whoosh sortedby facet, or None for relevance (Whoosh's default order)."""
    if sort == "date":
        # Undated paragraphs have date "" and so come last; equal dates keep relevance order.
        return sorting.MultiFacet([sorting.FieldFacet("date", reverse=True), sorting.ScoreFacet()])
    return None


def restrict(query: Q.Query, filters: dict[str, str] | None) -> Q.Query:
    """query limited to the filters, scored as before (the filter part scores 0).

    Not Whoosh's ``filter=``: its FilterCollector feeds documents past the CollapseCollector,
    so duplicates stop collapsing, and counting then crashes (CollapseCollector.all_ids calls a
    method TopCollector lacks). An And with a constant-score filter has neither problem. (Its
    matcher takes the score 0.0 for "none given" and scores 1.0: every score of a filtered search
    is 1 higher, which leaves their order as it was.)
    """
    restriction = filter_query(filters)
    if restriction is None:
        return query
    return Q.And([query, Q.ConstantScoreQuery(restriction, 0.0)])


def search_options(sort: str = "relevance") -> dict:
    """Extra keyword arguments for Whoosh's ``Searcher.search``; {} leaves a search unchanged."""
    facet = sort_facet(sort)
    return {"sortedby": facet} if facet is not None else {}


def _column(searcher, field: str) -> tuple[list[str], array]:
    """(values, docnum → value index or -1) for a field, built once per searcher and cached."""
    with _LOCK:
        cached = _COLUMNS.setdefault(searcher, {})
        if field in cached:
            return cached[field]
    values, index = [], {}
    column = array("i", [-1]) * searcher.reader().doc_count_all()
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        for term in reader.lexicon(field):
            if term not in index:
                index[term] = len(values)
                values.append(term.decode("utf-8"))
            i = index[term]
            for docnum in postings.all_ids(reader.postings(field, term)):   # block by block
                column[docnum + offset] = i
        if reader.has_deletions():
            for docnum in reader.deleted_docs_set:
                column[docnum + offset] = -1
    with _LOCK:
        _COLUMNS.setdefault(searcher, {})[field] = (values, column)
    return values, column


def report_of(searcher):
    """docnum → its report's id ("" for a file marker), from the cached report_id column."""
    values, column = _column(searcher, "report_id")
    return lambda docnum: values[column[docnum]] if column[docnum] >= 0 else ""


def paragraph_count(searcher) -> int:
    """How many paragraphs the index holds (not counting duplicate records and file markers)."""
    _, column = _column(searcher, "report_id")
    return len(column) - column.count(-1)


def distinct_total(searcher, query: Q.Query, keep=None) -> int | None:
    """How many paragraphs match, copies of one paragraph (same ``dupkey``) counted once.

    ``keep`` (docnums → those that really match, or None when it will not read so many)
    confirms what the index cannot tell, such as a quoted phrase being verbatim; None then.
    """
    _, dupkeys = _column(searcher, "dupkey")
    keys, loose = set(), 0
    docs = matches(searcher, query)
    if keep is not None:
        docs = keep(docs)
        if docs is None:
            return None
    for docnum in docs:
        key = dupkeys[docnum]
        if key < 0:
            loose += 1
        else:
            keys.add(key)
    return len(keys) + loose


def matches(searcher, query: Q.Query):
    """Docnums query matches: by set algebra where indexer.engine.docsets handles the query, else Whoosh."""
    docs = docsets.matching(searcher, query)
    return docs if docs is not None else list(searcher.docs_for_query(query))


def count(searcher, query: Q.Query, filters: dict[str, str] | None = None,
          top: int = TOP_VALUES, keep=None) -> dict[str, list[tuple[str, int]]]:
    """{facet: [(value, paragraphs), …]} for the paragraphs matching query and filters.

    Counts every match (up to ``MAX_COUNTED``); copies of a paragraph (same ``dupkey``) count
    once per value, so a count is the length of the list that clicking the value shows.
    Values are sorted by count, then value; empty values are left out. ``keep``: as for
    distinct_total; when it declines, the index's matches are counted as they are.
    """
    query = restrict(query, filters)
    columns = {name: _column(searcher, field) for name, field in FACETS.items()}
    _, dupkeys = _column(searcher, "dupkey")
    docs = matches(searcher, query)
    kept = keep(docs) if keep is not None else None
    if kept is not None:
        docs = kept
    if len(docs) > MAX_COUNTED:
        docs = sorted(docs)[:MAX_COUNTED]
    # Copies of one paragraph count once per value, as the list filtered by it shows them.
    # Most matches have no copy among the matches: those are counted with C-level maps.
    keys = list(map(dupkeys.__getitem__, docs))
    per_key = Counter(keys)
    single = [d for d, k in zip(docs, keys) if k < 0 or per_key[k] == 1]
    copies = [(d, k) for d, k in zip(docs, keys) if k >= 0 and per_key[k] > 1]
    counters = {}
    for name, (_, column) in columns.items():
        counter = Counter(map(column.__getitem__, single))
        counter.update(value for value, _ in {(column[d], k) for d, k in copies})
        counters[name] = counter
    out = {}
    for name, (values, _) in columns.items():
        counted = [(values[i], n) for i, n in counters[name].items() if i >= 0 and values[i]]
        counted.sort(key=lambda vn: (-vn[1], vn[0]))
        out[name] = counted[:top]
    return out


def report_titles(searcher, report_ids: list[str]) -> dict[str, str]:
    """Titles for report facet values (one stored-field read per report shown)."""
    titles = {}
    for rid in report_ids:
        doc = searcher.document(report_id=rid)
        if doc is not None:
            titles[rid] = doc.get("title", "")
    return titles
