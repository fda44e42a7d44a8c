"""Facet filters, sort orders and per-facet result counts.

Its place in the flow query → parse → search → highlight → results: part of the search; the page's
filters narrow a search run's queries here, and the facet sidebar's counts are made here.

The web page's facet links and the JSON API pass filters as {name: value}; this module turns
them into a restriction of the query (which does not change scores) and counts, for the
current query, how many paragraphs fall in each report, folder, year, place and type.

Counting is exact, over every matching paragraph: the index view gives the set of matches
(set algebra on posting lists) and each facet field as a docnum → value array, built once per
view (indexer.engine.columns), so a count costs the match itself plus an array lookup per match.
"""
from __future__ import annotations

from collections import Counter

from indexer.engine import queries as Q
from indexer.engine.view import SortBy
from indexer.errors import QueryError
from indexer.search.ranking import MAX_COUNTED
from indexer.search.tiers import under
from indexer.text.places import place_values

# URL parameter → index field, in the order the page shows them.
FACETS = {"report": "report_id", "folder": "folder", "year": "year", "place": "place", "type": "doctype"}
LABELS = {"report": "报告", "folder": "文件夹", "year": "年份", "place": "地区", "type": "类型"}
SORTS = {"relevance": "相关度", "date": "日期（新→旧）"}
# Undated paragraphs have date "" and so come last; equal dates keep relevance order.
SORT_BY = {"date": SortBy("date", reverse=True)}
# What a filter may name: the facets, and the sort fields (a sorted list is searched a value, or
# a tuple of values, at a time: indexer.search.run). Only the facets come from users (``validate``).
_FILTER_FIELDS = {**FACETS, **{s.field: s.field for s in SORT_BY.values()}}
MAX_VALUE_CHARS = 200
TOP_VALUES = 12


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
        field = _FILTER_FIELDS[name]
        if name == "folder":
            # A folder includes its subfolders, as folder: does in the query language.
            parts.append(under(field, value))
        elif name == "place":
            forms = [Q.Term(field, form) for form in place_values(value)]
            parts.append(forms[0] if len(forms) == 1 else Q.Or(forms))
        elif isinstance(value, tuple):      # several values of a sort field (indexer.search.run)
            parts.append(Q.Or([Q.Term(field, one) for one in value]))
        else:
            parts.append(Q.Term(field, value))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q.And(parts)


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
    return Q.And([query, Q.ConstantScore(restriction, 0.0)])


def distinct_total(view, query: Q.Query, keep=None) -> int | None:
    """How many paragraphs match, copies of one paragraph (same ``dupkey``) counted once.

    ``keep`` (docnums → those that really match, or None when it will not read so many)
    confirms what the index cannot tell, such as a quoted phrase being verbatim; None then.
    """
    docs, confirmed = _matches(view, query, keep)
    return distinct(view, docs) if confirmed else None


def _matches(view, query: Q.Query, keep):
    """(the documents query matches, as ``keep`` confirms them when it will; whether it did)."""
    docs = view.matches(query)
    kept = keep(docs) if keep is not None else docs
    return (docs, False) if kept is None else (kept, True)


def distinct(view, docs) -> int:
    """How many of the documents ``docs`` (distinct docnums) are different paragraphs: copies of
    one (same ``dupkey``) count once."""
    return view.distinct(docs, "dupkey")


def count(view, query: Q.Query, filters: dict[str, str] | None = None,
          top: int | None = TOP_VALUES, keep=None) -> tuple[dict[str, list[tuple[str, int]]], int | None]:
    """({facet: [(value, paragraphs), …]}, total) for the paragraphs matching query and filters.

    Counts every match (up to ``MAX_COUNTED``); copies of a paragraph (same ``dupkey``) count
    once per value, so a count is the length of the list that clicking the value shows.
    Values are sorted by count, then value; empty values are left out. ``keep``: as for
    distinct_total; when it declines, the index's matches are counted as they are, and the
    total (the matching paragraphs, copies once, as distinct_total counts them) is None.
    """
    query = restrict(query, filters)
    columns = {name: view.column(field) for name, field in FACETS.items()}
    dupkeys = view.groups("dupkey")
    docs, confirmed = _matches(view, query, keep)
    # What the count of every match costs anyway gives the list's length too.
    total = distinct(view, docs) if confirmed else None
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
    return out, total


def report_titles(view, report_ids: list[str]) -> dict[str, str]:
    """Titles for report facet values (one stored-field read per report shown)."""
    titles = {}
    for rid in report_ids:
        doc = view.document(report_id=rid)
        if doc is not None:
            titles[rid] = doc.get("title", "")
    return titles
