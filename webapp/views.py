"""Routes of the search page and its JSON API, where the flow ends.

The query comes from the URL (state), goes to indexer.search (parse → search → highlight) and
comes back as one result object, rendered as the page or as JSON. The paragraph and report
pages are in ``reading``, downloads in ``export``, the facet sidebar in ``facetview``; helpers
every view needs (the shared Searcher, absolute URLs, a paragraph's JSON with its citations) are
here. ``group=report`` lists one best paragraph per report (indexer.search.grouping).
"""
from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, render_template, request
from markupsafe import Markup

from indexer import status as index_status
from indexer.errors import QueryError
from indexer.links import absolute, paragraph_path, report_path
from indexer.search import facets, grouping
from indexer.search.results import HIT_FIELDS, group_dict, paragraph_dict, result_dict
from indexer.search.searcher import MAX_LIMIT, MAX_OFFSET

from . import budget
from .citations import all_forms, markdown_link, reference_forms, web_url
from .facetview import NO_FACETS, api_facets, chips, facet_view
from .state import GROUPS, SearchState, int_arg
from .suggest import relaxed_queries

bp = Blueprint("reportsearch", __name__)
PAGE_SIZE = 10
FEW = 5            # fewer results than this: offer ways to find more
ID = re.compile(r"^[0-9a-f]{8,40}$")
# What a citation or an excerpt needs of a paragraph (a Hit, or a dict with these keys).
CITE_FIELDS = ("id", "report_id", "title", "section", "text", "date", "place", "source_url")


def searcher():
    return current_app.extensions["reportsearch"]


def base_url() -> str:
    """The configured base URL (behind a proxy), else the host the request came to."""
    return current_app.config.get("BASE_URL") or request.host_url.rstrip("/")


def url_of(pid: str) -> str:
    return absolute(base_url(), paragraph_path(pid))


def paragraph_json(paragraph, fields: tuple[str, ...] = HIT_FIELDS) -> dict:
    """A paragraph's JSON (indexer.search.results.paragraph_dict), with the citations a note cites it by."""
    return cited(paragraph_dict(paragraph, url_of, fields))


def cited(item: dict) -> dict:
    """Add to a paragraph's dict its "citation", the Markdown link to its "url", and "citations"
    in the other forms (GB/T 7714, plain)."""
    item["citation"] = markdown_link(item["title"], item["section"], item["url"])
    item["citations"] = {"markdown": item["citation"], **reference_forms(item, item["url"])}
    return item


def fields_of(paragraph, **extra) -> dict:
    """CITE_FIELDS of a search hit or a paragraph's dict ("" for those it lacks), plus ``extra``."""
    get = paragraph.get if isinstance(paragraph, dict) else lambda k, d="": getattr(paragraph, k, d)
    return {**{k: get(k, "") or "" for k in CITE_FIELDS}, **extra}


def citations(paragraph, **extra) -> dict:
    """Every form a user can copy for a paragraph (webapp.citations.all_forms)."""
    item = fields_of(paragraph, **extra)
    return all_forms(item, url_of(item["id"]))


def excerpt(paragraph, query: str = "", **extra) -> dict:
    """What the page's 摘录 button keeps of a paragraph in the browser (webapp/static/excerpts.js)."""
    item = fields_of(paragraph, **extra)
    return {**item, "source_url": web_url(item["source_url"]), "url": url_of(item["id"]), "query": query}


def _relaxed(state: SearchState, found: int = 0) -> list[dict]:
    """Ways to find more than ``found`` paragraphs: drop a word, drop the quotes, drop the filters.
    Offered for an empty result, and for one short enough to leave the user wanting more."""
    out = []
    for label, relaxed in relaxed_queries(state.q):
        if budget.left() <= 0:
            break               # suggestions share the request's budget: offer those found so far
        try:
            suggested = searcher().search(relaxed, limit=1, filters=state.filters, deadline=budget.deadline())
        except QueryError:
            continue
        total = suggested.total
        if suggested.incomplete:
            break
        if total > found:
            out.append({"label": label, "query": relaxed.text, "total": total,
                        "url": state.with_query(relaxed.text).url()})
    if state.filters and budget.left() > 0:
        unfiltered = searcher().search(state.q, limit=1, deadline=budget.deadline())
        total = 0 if unfiltered.incomplete else unfiltered.total
        if total > found:
            out.append({"label": "去掉所有筛选条件", "query": state.q, "total": total,
                        "url": SearchState(q=state.q, sort=state.sort, group=state.group).url()})
    return out


def _listing(state: SearchState):
    """The page's list: (result, grouped or None)."""
    offset = (state.page - 1) * PAGE_SIZE
    if state.group == "report":
        grouped = grouping.by_report(searcher(), state.q, limit=PAGE_SIZE, offset=offset, filters=state.filters,
                                     sort=state.sort, deadline=budget.deadline())
        return grouped, grouped
    return searcher().search(state.q, limit=PAGE_SIZE, offset=offset, filters=state.filters, sort=state.sort,
                             deadline=budget.deadline()), None


def _settle(listed, counted: dict) -> None:
    """Counting the facets visits every match: a total the search (or grouping) only bounded
    becomes the counted one."""
    if counted.get("total") is not None and listed.estimated and not listed.incomplete:
        listed.total, listed.estimated = counted["total"], False


def _facets(state: SearchState, result) -> dict:
    """The sidebar's context. Facet counts visit every match: for a few they are counted while
    the page renders; for more the page shows its results at once and its script fetches the
    counts from /facets."""
    limit = current_app.config["INLINE_FACETS"]
    inline = bool(result.total) and ((result.total <= limit and not result.estimated)
                                     or request.args.get("facets") == "all")
    counted = (searcher().facet_counts(state.q, state.filters, budget.deadline()) or NO_FACETS) if inline \
        else NO_FACETS
    _settle(result, counted)
    titles = counted["titles"] if inline else searcher().report_titles([state.filters.get("report", "")])
    return {"facet_groups": facet_view(searcher(), state, counted, request.args.get("more", "")),
            "chips": chips(state, titles), "facets_later": bool(result.total) and not inline,
            "facets_src": state.facets_url(), "facets_all": state.url() + "&facets=all"}


@bp.get("/")
def search_page():
    q = request.args.get("q", "")
    context = {"q": q, "result": None, "message": None}
    if not q.strip():
        context["status"] = index_status.load(current_app.config["INDEX_DIR"])
        context["old_rules"] = context["status"] and index_status.outdated_reading(context["status"]) \
            and index_status.SEARCH_OLD_RULES
        return render_template("search.html", **context)
    try:
        state = SearchState.from_args(request.args)
        with budget.lane(state.q, (state.page - 1) * PAGE_SIZE):
            result, grouped = _listing(state)
    except QueryError as exc:
        # Not the error page: the search form stays, with the message above it, to fix the query.
        context["message"] = str(exc)
        return render_template("search.html", **context), 400
    sidebar = _facets(state, result)           # before the pages: it may count a bounded total
    last = max(1, -(-(grouped.groups_total if grouped else result.total) // PAGE_SIZE))
    context.update(
        state=state, result=result, grouped=grouped, page=state.page, last_page=last,
        page_url=lambda n: state.with_page(n).url(),
        snippet=lambda h: Markup(h.snippet),
        cite=citations, excerpt=lambda h: excerpt(h, q),
        paragraph_link=state.paragraph_url, report_link=lambda rid: report_path(rid, q=q),
        in_report=lambda rid: state.with_filter("report", rid).with_group("").url(),
        more_src=lambda rid: more_src_path(state, rid),
        sorts=[{"label": label, "active": key == state.sort, "url": state.with_sort(key).url()}
               for key, label in facets.SORTS.items()],
        groups=[{"label": label, "active": key == state.group, "url": state.with_group(key).url()}
                for key, label in {"": "逐段", **GROUPS}.items()],
        exports={"md": state.export_url("md"), "csv": state.export_url("csv")},
        suggestions=_relaxed(state, result.total) if result.total < FEW else [],
        outdated_note=searcher().outdated_note(),
        **sidebar,
    )
    return render_template("search.html", **context)


@bp.get("/facets")
def facets_fragment():
    """The facet sidebar of a search page, for the page's script to put in place."""
    q = request.args.get("q", "")
    state = SearchState.from_args(request.args)
    with budget.lane(q):
        counted = (searcher().facet_counts(q, state.filters, budget.deadline()) or NO_FACETS) if q.strip() \
            else NO_FACETS
    return render_template("_facets.html", facet_groups=facet_view(searcher(), state, counted,
                                                                    request.args.get("more", "")),
                           list_total=counted.get("total"))


@bp.get("/api/search")
def api_search():
    q = request.args.get("q", "")
    limit = int_arg(request.args, "limit", 10, 1, MAX_LIMIT)
    offset = int_arg(request.args, "offset", 0, 0, MAX_OFFSET)
    state = SearchState.from_args(request.args)
    grouped = state.group == "report"
    with budget.lane(q, offset):
        if grouped:
            listed = grouping.by_report(searcher(), q, limit=limit, offset=offset, filters=state.filters,
                                        sort=state.sort, deadline=budget.deadline())
        else:
            listed = searcher().search(q, limit=limit, offset=offset, filters=state.filters, sort=state.sort,
                                       deadline=budget.deadline(), count_all=request.args.get("count") == "exact")
    counted = None
    if request.args.get("facets") == "1":
        counted = (searcher().facet_counts(q, state.filters, budget.deadline()) or NO_FACETS) if listed.total \
            else NO_FACETS
        _settle(listed, counted)
    if grouped:
        data = group_dict(listed, url_of)
        data["index_outdated"] = bool(searcher().outdated_note())
        for item in data["results"]:
            cited(item["best"])
            item["more_url"] = absolute(base_url(), more_src_path(state, item["report_id"]))
    else:
        data = result_dict(listed, url_of)
        for item in data["results"]:
            cited(item)
    data["sort"], data["filters"] = state.sort, state.filters
    if counted is not None:
        data["facets"] = api_facets(counted)
    return jsonify(data)


def more_src_path(state: SearchState, report_id: str) -> str:
    """The JSON API's list of a report's matching paragraphs (what "本报告还有 N 段" opens)."""
    return "/api/search?" + state.with_filter("report", report_id).with_group("").url()[2:] + f"&limit={MAX_LIMIT}"
