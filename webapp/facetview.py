"""The facet sidebar of a search page: each facet's values with their counts and links.

Between search and page: counts come from Searcher.facet_counts (the top values of each facet);
a facet the user opens with "更多…" lists every value with its exact count.
Reports titled alike (every county's 政府工作报告) are told apart by their place or date.
"""
from __future__ import annotations

from collections import Counter

from indexer.search import facets, grouping
from indexer.search.reportmeta import report_facts

from .state import SearchState

NO_FACETS = {"counts": {}, "titles": {}}


def facet_view(searcher, state: SearchState, counted: dict, more: str = "") -> list[dict]:
    """Facet groups for the template; ``more`` names the facet to list in full."""
    groups = []
    for name, values in counted["counts"].items():
        truncated = len(values) >= facets.TOP_VALUES
        if name == more and truncated:
            values = grouping.all_values(searcher, state.q, state.filters, name)
            truncated = False
        titles = counted["titles"]
        if name == "report":
            titles = {**searcher.report_titles([v for v, _ in values if v not in titles]), **titles}
        items = _items(state, name, values, titles)
        if name == "report":
            _tell_apart(searcher, items)
        if items:
            groups.append({"name": name, "label": facets.LABELS[name], "items": items,
                           "more_url": state.url() + f"&more={name}#facet-{name}" if truncated else None,
                           "more_src": state.facets_url() + f"&more={name}" if truncated else None})
    return groups


def _items(state: SearchState, name: str, values: list[tuple[str, int]], titles: dict) -> list[dict]:
    chosen = state.filters.get(name)
    items = [{
        "value": value,
        "label": titles.get(value, value) if name == "report" else value,
        "note": "",
        "count": count,
        "active": value == chosen,
        "url": state.with_filter(name, None if value == chosen else value).url(),
    } for value, count in values]
    if chosen and not any(i["active"] for i in items):
        items.insert(0, {"value": chosen, "label": titles.get(chosen, chosen) if name == "report" else chosen,
                         "note": "", "count": None, "active": True, "url": state.with_filter(name, None).url()})
    return items


def _tell_apart(searcher, items: list[dict]) -> None:
    """Reports titled alike get their place and date beside the title ("note")."""
    alike = Counter(i["label"] for i in items)
    for item in items:
        if alike[item["label"]] > 1:
            facts = report_facts(searcher, item["value"])
            item["note"] = " · ".join(x for x in (facts.get("place", ""), facts.get("date", "")) if x)


def chips(state: SearchState, titles: dict) -> list[dict]:
    return [{"label": facets.LABELS[name], "value": titles.get(value, value) if name == "report" else value,
             "url": state.with_filter(name, None).url()} for name, value in state.filters.items()]


def api_facets(counted: dict) -> dict:
    """The JSON API's "facets": each value with its count, and a report's title."""
    return {name: [{"value": v, "count": n, **({"title": counted["titles"].get(v, "")} if name == "report" else {})}
                   for v, n in values] for name, values in counted["counts"].items()}
