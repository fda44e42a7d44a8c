"""Searching: paragraphs found through their report.

A report is written about one subject, and once it has said 大气污染治理 a few times its
other paragraphs say what was done — 秸秆禁烧, 黄标车淘汰, 企业断电整治 — without repeating
the words. When several paragraphs of a report, and a fair share of them, contain the query
verbatim, the report is about it, and its remaining paragraphs are results too: below every
paragraph that has all the query's words, above those that have only some (a paragraph about
治理 in another report says less about 大气污染治理 than one from a report on it).
"""
from __future__ import annotations

from collections import Counter

from whoosh import query as Q

from indexer.engine.exclusion import AndNot
from indexer.search.ranking import MAX_EXACT, MAX_REPORT, MIN_MATCHES, MIN_SHARE


def strong_reports(matches: Counter, sizes: dict[str, int]) -> list[str]:
    """Reports that are about the query, the most devoted to it first (none when the query is
    found more than MAX_EXACT times).

    ``matches``: report id → paragraphs containing the query verbatim (the whole exact tier,
    so that every page of results agrees); ``sizes``: report id → its paragraphs.
    """
    if sum(matches.values()) > MAX_EXACT:
        return []
    share = {r: n / sizes[r] for r, n in matches.items()
             if n >= MIN_MATCHES and 0 < sizes.get(r, 0) <= MAX_REPORT and n / sizes[r] >= MIN_SHARE}
    return sorted(share, key=lambda r: (-share[r], r))


def report_sizes(searcher, report_ids) -> dict[str, int]:
    """Paragraphs per report (deleted documents left out)."""
    return {r: sum(1 for _ in searcher.document_numbers(report_id=r)) for r in report_ids}


def reports_about(searcher, matches: Counter) -> list[str]:
    """strong_reports, sizing only the reports with enough matches to qualify."""
    return strong_reports(matches, report_sizes(searcher, [r for r, n in matches.items() if n >= MIN_MATCHES]))


def report_query(report_ids: list[str], excluded) -> Q.Query:
    """The paragraphs of these reports, less what the query rules out (-词)."""
    query = Q.Or([Q.Term("report_id", r) for r in report_ids])
    return query if excluded is None else AndNot(query, excluded)


def paragraphs(searcher, report_ids: list[str], restrict, excluded, skip: set[int],
               limit: int) -> tuple[list[tuple[int, dict]], int]:
    """The reports' other paragraphs, report by report in the given order, each report's in
    reading order: the first ``limit`` as (docnum, stored fields), and how many there are.

    ``restrict`` applies the search's filters to a query; ``excluded`` is what the query rules
    out (-词), which holds for these paragraphs too; ``skip`` holds the docnums already found.
    A report's paragraphs are written in order, so reading order is docnum order.
    """
    docnums = []
    for report_id in report_ids:
        query = restrict(report_query([report_id], excluded))
        docnums += sorted(d for d in query.docs(searcher) if d not in skip)
    found = [(d, searcher.stored_fields(d)) for d in docnums[:limit]]
    return [(d, doc) for d, doc in found if "text" in doc], len(docnums)
