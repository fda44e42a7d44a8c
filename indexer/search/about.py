"""Paragraphs found through their report: which reports are about the query, and their paragraphs.

A report is written about one subject, and once it has said 大气污染治理 a few times its
other paragraphs say what was done — 秸秆禁烧, 黄标车淘汰, 企业断电整治 — without repeating
the words. When several paragraphs of a report, and a fair share of them, contain the query
verbatim, the report is about it, and its remaining paragraphs are results too: below every
paragraph that has all the query's words, above those that have only some (a paragraph about
治理 in another report says less about 大气污染治理 than one from a report on it).

Its place in the flow query → parse → search → highlight → results: part of the search; a search
run (indexer.search.run) asks which reports are about its query and lists their paragraphs in
the report tier (indexer.search.ranking).
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Set as AbstractSet

from indexer.engine import queries as Q
from indexer.search import facets
from indexer.search.ranking import COMMON_FRACTION, MAX_EXACT, MAX_REPORT, MIN_MATCHES, MIN_SHARE
from indexer.search.verbatim import says


class About(Counter):
    """The reports a search lists whole: report id → its paragraphs containing the query word
    it is about, and that word (of several, the one it is about)."""

    def __init__(self):
        super().__init__()
        self.words: dict[str, str] = {}

    def add(self, report: str, matches: int, word: str) -> None:
        self[report] = matches
        self.words[report] = word

    def via(self, report: str | None) -> dict:
        """How a paragraph of the report is listed: Picked.add's keywords."""
        if not self.get(report):
            return {}
        return {"through_report": self[report], "through_word": self.words.get(report, "")}


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


def report_sizes(view, report_ids) -> dict[str, int]:
    """Paragraphs per report (deleted documents left out)."""
    return {r: sum(1 for _ in view.document_numbers(report_id=r)) for r in report_ids}


def reports_about(view, matches: Counter) -> list[str]:
    """strong_reports, sizing only the reports with enough matches to qualify."""
    return strong_reports(matches, report_sizes(view, [r for r, n in matches.items() if n >= MIN_MATCHES]))


def report_query(report_ids: list[str], excluded) -> Q.Query:
    """The paragraphs of these reports, less what the query rules out (-词)."""
    query = Q.Or([Q.Term("report_id", r) for r in report_ids])
    return query if excluded is None else Q.AndNot(query, excluded)


def paragraphs(view, report_ids: list[str], restrict, excluded, skip: set[int],
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
        docnums += sorted(d for d in view.iter_matches(query) if d not in skip)
    found = [(d, view.stored_fields(d)) for d in docnums[:limit]]
    return [(d, doc) for d, doc in found if "text" in doc], len(docnums)


def about_query(view, parsed) -> About:
    """The reports whose other paragraphs a search lists, from the exact tier as the search
    confirms it: report id → its paragraphs containing the query, the reports most devoted to
    it first. For several words, the reports about one of them that have the others too
    (居委会 减负: a report on residents' committees that speaks of their 减负 once; its other
    paragraphs on the committees tell how).

    Decided over the whole collection, filters aside (the page's and the query's own, such
    as year:2024): whether a report is about 工作 must not depend on whether the user
    narrowed the list to it (a count shown next to a filter is the length of its list).
    """
    if parsed.phrase_checks or parsed.exact is None:
        return About()
    clauses = [(_as_set(view.matches(q)), checks) for q, checks in zip(parsed.clause_exact, parsed.checks)]
    # With several words, not about one in a third of all paragraphs (社区 in community
    # reports): every report is, and the others would bring in whole reports that mention
    # them once.
    common = COMMON_FRACTION * view.paragraph_count() if len(clauses) > 1 else math.inf
    about = About()
    for i, (docs, checks) in enumerate(clauses):
        for report, n in _about_clause(view, docs, [checks], common).items():
            if report not in about and all(_in_report(view, d, [c], report)
                                           for j, (d, c) in enumerate(clauses) if j != i):
                about.add(report, n, parsed.clause_words[i])
    return about


def _as_set(docs) -> AbstractSet[int]:
    """The view's matches as a set: as they are when they are one already (docsets.Matches makes its
    Python set only when asked whether a paragraph is in it; 444,000 of them took 23 ms, for a
    word too common to be about anyway)."""
    return docs if isinstance(docs, AbstractSet) else set(docs)


def _about_clause(view, docs: set[int], checks, common: float) -> Counter:
    """The reports about one clause (``docs``: its exact tier's matches, to confirm with
    ``checks``): report id → its paragraphs containing it, the most devoted first; none when
    it may be in ``common`` paragraphs or more."""
    if len(docs) > 2 * MAX_EXACT or len(docs) >= common:
        return Counter()              # a general word (past MAX_EXACT once confirmed, as good as surely)
    if len(docs) <= MAX_EXACT:
        # A report's bigram matches bound its confirmed ones: read only the reports that
        # could qualify (usually none). Past MAX_EXACT the total itself needs confirming.
        report = view.report_of()
        rough = Counter(map(report, docs))
        docs = [d for d in docs if rough[report(d)] >= MIN_MATCHES]
    counts, groups = Counter(), set()
    for docnum in sorted(docs):
        doc = view.stored_fields(docnum)
        group = doc.get("dupkey") or doc.get("id")
        if group not in groups and says(doc, checks):
            groups.add(group)
            counts[doc["report_id"]] += 1
    return Counter({r: counts[r] for r in reports_about(view, counts)})


def _in_report(view, docs: set[int], checks, report_id: str) -> bool:
    """Does some paragraph of the report contain the clause verbatim (``docs``: its exact
    tier's matches, to confirm with ``checks``)?"""
    return any(docnum in docs and says(view.stored_fields(docnum), checks)
               for docnum in view.document_numbers(report_id=report_id))


def with_reports(query, about: Counter, parsed, filters):
    """query, or the paragraphs of the reports about it (``about``) as well: the whole list a
    search shows, for counting it or sorting it by a field."""
    if not about:
        return query
    return Q.Or([query, report_paragraphs(about, parsed, filters)])


def report_paragraphs(about: Counter, parsed, filters):
    """The paragraphs of the reports in ``about`` the search may list: less what the query
    rules out (-词), within its filters and the page's."""
    return narrowed(report_query(list(about), parsed.excluded), parsed, filters)


def narrowed(query, parsed, filters):
    """query within the search's filters: the query's own (year:2024) and the page's."""
    if parsed.own_filters is not None:
        query = Q.And([query, parsed.own_filters])
    return facets.restrict(query, filters)
