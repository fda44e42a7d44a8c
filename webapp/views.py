"""Routes of the search page and its JSON API, where the flow ends.

The query comes from the URL (state), goes to indexer.search (parse → search → highlight) and
comes back as one result object, rendered as the page or as JSON. The paragraph and report
pages are in ``reading``, downloads in ``export``; helpers every view needs (the shared
Searcher, absolute URLs, a paragraph's JSON with its citation) are here.
"""
from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, render_template, request
from markupsafe import Markup

from indexer import status as index_status
from indexer.search import facets
from indexer.errors import QueryError
from indexer.links import absolute, paragraph_path, report_path
from indexer.search.searcher import MAX_LIMIT, MAX_OFFSET
from indexer.search.results import HIT_FIELDS, paragraph_dict, result_dict

from .citations import markdown_link, markdown_quote
from .state import SearchState, int_arg
from .suggest import relaxed_queries

bp = Blueprint("reportsearch", __name__)
PAGE_SIZE = 10
FEW = 5            # fewer results than this: offer ways to find more
_NO_FACETS = {"counts": {}, "titles": {}}
ID = re.compile(r"^[0-9a-f]{8,40}$")


def searcher():
    return current_app.extensions["reportsearch"]


def base_url() -> str:
    """The configured base URL (behind a proxy), else the host the request came to."""
    return current_app.config.get("BASE_URL") or request.host_url.rstrip("/")


def url_of(pid: str) -> str:
    return absolute(base_url(), paragraph_path(pid))


def paragraph_json(paragraph, fields: tuple[str, ...] = HIT_FIELDS) -> dict:
    """A paragraph's JSON (indexer.search.results.paragraph_dict), with the Markdown link a note cites it by."""
    return cited(paragraph_dict(paragraph, url_of, fields))


def cited(item: dict) -> dict:
    """Add to a paragraph's dict its "citation", the Markdown link to its "url"."""
    item["citation"] = markdown_link(item["title"], item["section"], item["url"])
    return item


def citations(title: str, section: str, text: str, pid: str) -> dict:
    """The three things a user can copy for a paragraph: URL, Markdown link, Markdown quote."""
    url = url_of(pid)
    return {"url": url, "link": markdown_link(title, section, url), "quote": markdown_quote(text, title, section, url)}


def _facet_view(state: SearchState, counted: dict) -> list[dict]:
    """Facet groups for the template: each value with its count, link and whether it is chosen."""
    groups = []
    for name, values in counted["counts"].items():
        chosen = state.filters.get(name)
        items = [{
            "value": value,
            "label": counted["titles"].get(value, value) if name == "report" else value,
            "count": count,
            "active": value == chosen,
            "url": state.with_filter(name, None if value == chosen else value).url(),
        } for value, count in values]
        if chosen and not any(i["active"] for i in items):
            items.insert(0, {"value": chosen, "label": chosen, "count": None, "active": True,
                             "url": state.with_filter(name, None).url()})
        if items:
            groups.append({"name": name, "label": facets.LABELS[name], "items": items})
    return groups


def _chips(state: SearchState, titles: dict) -> list[dict]:
    return [{"label": facets.LABELS[name], "value": titles.get(value, value) if name == "report" else value,
             "url": state.with_filter(name, None).url()} for name, value in state.filters.items()]


def _relaxed(state: SearchState, found: int = 0) -> list[dict]:
    """Ways to find more than ``found`` paragraphs: drop a word, drop the quotes, drop the filters.
    Offered for an empty result, and for one short enough to leave the user wanting more."""
    out = []
    for label, relaxed in relaxed_queries(state.q):
        try:
            total = searcher().search(relaxed, limit=1, filters=state.filters).total
        except QueryError:
            continue
        if total > found:
            out.append({"label": label, "query": relaxed.text, "total": total,
                        "url": state.with_query(relaxed.text).url()})
    if state.filters:
        total = searcher().search(state.q, limit=1).total
        if total > found:
            out.append({"label": "去掉所有筛选条件", "query": state.q, "total": total,
                        "url": SearchState(q=state.q, sort=state.sort).url()})
    return out


@bp.get("/")
def search_page():
    q = request.args.get("q", "")
    context = {"q": q, "result": None, "message": None}
    if not q.strip():
        context["status"] = index_status.load(current_app.config["INDEX_DIR"])
        return render_template("search.html", **context)
    try:
        state = SearchState.from_args(request.args)
        result = searcher().search(q, limit=PAGE_SIZE, offset=(state.page - 1) * PAGE_SIZE,
                                   filters=state.filters, sort=state.sort)
    except QueryError as exc:
        # Not the error page: the search form stays, with the message above it, to fix the query.
        context["message"] = str(exc)
        return render_template("search.html", **context), 400
    # Facet counts visit every match: for a few they are counted while the page renders; for
    # more the page shows its results at once and its script fetches the counts from /facets.
    limit = current_app.config["INLINE_FACETS"]
    inline = bool(result.total) and ((result.total <= limit and not result.estimated)
                                     or request.args.get("facets") == "all")
    counted = searcher().facet_counts(q, state.filters) if inline else _NO_FACETS
    titles = counted["titles"] if inline else searcher().report_titles([state.filters.get("report", "")])
    last = max(1, -(-result.total // PAGE_SIZE))
    context.update(
        state=state, result=result, page=state.page, last_page=last,
        page_url=lambda n: state.with_page(n).url(),
        snippet=lambda h: Markup(h.snippet),
        cite=lambda h: citations(h.title, h.section, h.text, h.id),
        paragraph_link=state.paragraph_url, report_link=lambda rid: report_path(rid, q=q),
        facet_groups=_facet_view(state, counted), chips=_chips(state, titles),
        facets_later=bool(result.total) and not inline,
        facets_src=state.facets_url(), facets_all=state.url() + "&facets=all",
        sorts=[{"label": label, "active": key == state.sort, "url": state.with_sort(key).url()}
               for key, label in facets.SORTS.items()],
        exports={"md": state.export_url("md"), "csv": state.export_url("csv")},
        suggestions=_relaxed(state, result.total) if result.total < FEW else [],
    )
    return render_template("search.html", **context)


@bp.get("/facets")
def facets_fragment():
    """The facet sidebar of a search page, for the page's script to put in place."""
    q = request.args.get("q", "")
    state = SearchState.from_args(request.args)
    counted = searcher().facet_counts(q, state.filters) if q.strip() else _NO_FACETS
    return render_template("_facets.html", facet_groups=_facet_view(state, counted))


@bp.get("/api/search")
def api_search():
    q = request.args.get("q", "")
    limit = int_arg(request.args, "limit", 10, 1, MAX_LIMIT)
    offset = int_arg(request.args, "offset", 0, 0, MAX_OFFSET)
    state = SearchState.from_args(request.args)
    result = searcher().search(q, limit=limit, offset=offset, filters=state.filters, sort=state.sort)
    data = result_dict(result, url_of)
    data["sort"], data["filters"] = state.sort, state.filters
    if request.args.get("facets") == "1":
        counted = searcher().facet_counts(q, state.filters) if result.total else _NO_FACETS
        data["facets"] = {name: [{"value": v, "count": n, **({"title": counted["titles"].get(v, "")}
                                                               if name == "report" else {})}
                                 for v, n in values] for name, values in counted["counts"].items()}
    for item in data["results"]:
        cited(item)
    return jsonify(data)
