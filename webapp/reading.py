"""Reading in context: the paragraph page (a permalink), the report page and their JSON.

Where a result leads: a permalink is resolved, its paragraph shown within its report, the
query that led there highlighted again (highlight), as a page or as JSON.

A permalink never ends in a bare 404 once it was valid: ``Searcher.resolve`` (indexer.history)
says whether the paragraph is live, was edited or removed (open the closest surviving
paragraph of its report, with a notice), moved with its report, or is gone with its report
(410: what it said, and a search for its key terms).
"""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from markupsafe import Markup

from indexer.errors import QueryError
from indexer.search.highlight import highlight
from indexer.links import report_path, search_path
from indexer.model import SECTION_SEPARATOR
from indexer.search.reportmeta import report_facts
from indexer.search.results import SIMILAR_FIELDS, STORED_FIELDS

from . import budget
from .citations import label, markdown_quote
from .errors import error_response, fail
from .state import SearchState, int_arg
from .views import ID, citations, cited, excerpt, paragraph_json, searcher, url_of

bp = Blueprint("reading", __name__)
NOTICES = {
    "edited": "你打开的链接所指的段落已被修改。下面是本报告中与原文最接近的段落。",
    "removed": "你打开的链接所指的段落已从报告中删除。下面是原位置附近的段落。",
    "moved": "你打开的链接所指的报告已移动或改名。下面是内容相同的段落。",
}
REPORT_MOVED = "你打开的链接所指的报告已移动或改名。下面是它现在的内容。"
NO_PARAGRAPH = "没有找到这个段落"
NO_REPORT = "没有找到这篇报告"
CHECK_LINK = "：链接可能不完整，请检查后重试"
PARAGRAPH_GONE = "这个段落所在的报告已不在索引中"
REPORT_GONE = "这篇报告已不在索引中"
# A permalink page shows this many paragraphs either side of its own, and a report page this
# many from where it starts, each with links to read on: a 4.8 MB one-report text once made a
# 17.8 MB page that took 11.6 s. Only the paragraphs shown are read from the index.
AROUND = 50
REPORT_WINDOW = 200


def around(paragraphs: list, at: int, width: int = AROUND) -> tuple[int, int]:
    """(start, end) of the slice of ``paragraphs`` shown around index ``at``."""
    return max(0, at - width), min(len(paragraphs), at + width + 1)


def outline(paragraphs: list[dict]) -> tuple[list[dict], list[dict]]:
    """Attach to each paragraph the headings that open before it; also return the table of contents.

    A paragraph's ``section`` is its heading path ("一、… › （一）…"); a heading is shown where
    the path changes, at its depth (1 = top level).
    """
    out, toc, previous = [], [], []
    for p in paragraphs:
        parts = [x for x in (p.get("section") or "").split(SECTION_SEPARATOR) if x]
        same = 0
        while same < min(len(parts), len(previous)) and parts[same] == previous[same]:
            same += 1
        headings = []
        for depth in range(same, len(parts)):
            heading = {"level": depth + 1, "text": parts[depth], "anchor": f"h{len(toc) + 1}"}
            headings.append(heading)
            toc.append(heading)
        out.append(dict(p, headings=headings))
        previous = parts
    return out, toc


def _state() -> SearchState:
    # A bad filter in a pasted link must not keep the paragraph from showing: fall back to q alone.
    try:
        return SearchState.from_args(request.args)
    except QueryError:
        return SearchState(q=request.args.get("q", ""))


def _marked(paragraphs: list[dict], q: str) -> list[dict]:
    needles = searcher().highlight_terms(q) if q.strip() else []
    out = []
    for p in paragraphs:
        html = highlight(p["text"], needles)
        out.append(dict(p, html=Markup(html), hits=html.count("<mark")))
    return out


def _gone_page(resolution, what: str, state: SearchState):
    old = resolution.retired
    terms = resolution.key_terms
    term_query = " OR ".join(terms)
    title_query = 'title:"' + old.title.replace('"', "").strip() + '"' if old.title.strip() else ""
    related = []
    if term_query:
        try:
            related = searcher().search(term_query, limit=3).hits
        except QueryError:
            related = []
    message = REPORT_GONE if what == "report" else PARAGRAPH_GONE
    return render_template(
        "gone.html", what=what, message=message, old=old, where=label(old.title, old.section if what != "report" else ""),
        terms=terms, term_url=search_path(term_query) if term_query else None,
        title_url=search_path(title_query) if title_query else None,
        related=related, related_link=lambda pid: url_of(pid), snippet=lambda h: Markup(h.snippet),
        back_url=state.back_url(), q=state.q,
    ), 410


@bp.get("/p/<pid>")
def paragraph_page(pid: str):
    if not ID.match(pid):
        return error_response(404, NO_PARAGRAPH + CHECK_LINK)
    state = _state()
    resolution = searcher().resolve(pid)
    if resolution.status == "gone":
        return _gone_page(resolution, "paragraph", state)
    # One more either side than shown: the paragraphs the "read on" links open.
    view = searcher().paragraph(resolution.id, width=AROUND + 1) if resolution.id else None
    if view is None:
        return error_response(404, NO_PARAGRAPH + CHECK_LINK)
    whole = view.report
    start, end = around(whole, next(i for i, p in enumerate(whole) if p["id"] == view.id))
    paragraphs, toc = outline(_marked(whole[start:end], state.q))
    at = next(i for i, p in enumerate(paragraphs) if p["id"] == view.id)
    for p in paragraphs:
        p["current"] = p["id"] == view.id
    current = paragraphs[at]
    later_hits = [p for p in paragraphs[at + 1:] if p["hits"]]
    earlier_hits = [p for p in paragraphs[:at] if p["hits"]]
    words, similar = searcher().similar(view.id, deadline=budget.deadline())
    similar = with_facts(similar)
    facts = report_facts(searcher(), view.report_id)
    fields = dict(id=view.id, report_id=view.report_id, title=view.title, section=view.section,
                  text=current["text"], date=view.date, place=facts.get("place", ""),
                  source_url=facts.get("source_url", ""))
    return render_template(
        "paragraph.html", view=view, paragraphs=paragraphs, toc=toc, q=state.q, facts=facts,
        cite=citations(fields), excerpt=excerpt(fields, state.q),
        where=label(view.title, view.section),
        notice=NOTICES.get(resolution.status), retired=resolution.retired if resolution.status != "live" else None,
        prev=paragraphs[at - 1] if at > 0 else None, next=paragraphs[at + 1] if at + 1 < len(paragraphs) else None,
        hit_total=sum(p["hits"] for p in paragraphs),
        next_hit=later_hits[0]["id"] if later_hits else None,
        prev_hit=earlier_hits[-1]["id"] if earlier_hits else None,
        paragraph_link=state.paragraph_url,
        before=view.first + start, after=view.size - view.first - end,
        read_back=state.paragraph_url(whole[start - 1]["id"]) if start else None,
        read_on=state.paragraph_url(whole[end]["id"]) if end < len(whole) else None,
        report_url=report_path(view.report_id, q=state.q),
        back_url=state.back_url(),
        similar=similar, key_terms=words, snippet=lambda s: Markup(s["snippet"]),
        similar_cite=citations, similar_excerpt=lambda s: excerpt(s, state.q),
    )


@bp.get("/r/<report_id>")
def report_page(report_id: str):
    if not ID.match(report_id):
        return error_response(404, NO_REPORT + CHECK_LINK)
    state = _state()
    resolution = searcher().resolve_report(report_id)
    if resolution.status == "gone":
        return _gone_page(resolution, "report", state)
    start = int_arg(request.args, "start", 0, 0, 10_000_000)
    docs, size = searcher().report(resolution.id, start, REPORT_WINDOW) if resolution.id else ([], 0)
    if not docs and size:                  # past the end: the last window
        start = (size - 1) // REPORT_WINDOW * REPORT_WINDOW
        docs, size = searcher().report(resolution.id, start, REPORT_WINDOW)
    if not docs:
        return error_response(404, NO_REPORT + CHECK_LINK)
    paragraphs, toc = outline(_marked(docs, state.q))
    first, end = docs[0], start + len(docs)
    window = lambda n: report_path(resolution.id, q=state.q, **({"start": n} if n else {}))  # noqa: E731
    return render_template(
        "report.html", title=first["title"], source=first["source"], date=first.get("date", ""),
        facts=report_facts(searcher(), resolution.id),
        paragraphs=paragraphs, toc=toc, q=state.q, paragraph_link=state.paragraph_url,
        notice=REPORT_MOVED if resolution.status == "moved" else None,
        hit_total=sum(p["hits"] for p in paragraphs), whole=len(docs) == size, back_url=state.back_url(),
        before=start, after=size - end,
        read_back=window(max(0, start - REPORT_WINDOW)) if start else None,
        read_on=window(end) if end < size else None,
    )


def _resolved_json(pid: str):
    """The resolution of a live paragraph for the JSON routes; else the request ends in 404 or 410."""
    if not ID.match(pid):
        fail(404, NO_PARAGRAPH)
    resolution = searcher().resolve(pid)
    if resolution.status == "gone":
        fail(410, PARAGRAPH_GONE)
    if resolution.id is None:
        fail(404, NO_PARAGRAPH)
    return resolution


@bp.get("/api/p/<pid>")
def api_paragraph(pid: str):
    resolution = _resolved_json(pid)
    view = searcher().paragraph(resolution.id, width=0)
    data = paragraph_json(view, STORED_FIELDS)
    facts = report_facts(searcher(), view.report_id)
    data.update(place=facts.get("place", ""), source_url=facts.get("source_url", ""), member=facts.get("member", ""))
    cited(data)                      # again: the place and the original address are known now
    data.update(requested_id=pid, status=resolution.status, notice=NOTICES.get(resolution.status, ""),
                quote=markdown_quote(data["text"], data["title"], data["section"], data["url"]))
    return jsonify(data)


@bp.get("/api/p/<pid>/similar")
def api_similar(pid: str):
    resolution = _resolved_json(pid)
    words, similar = searcher().similar(resolution.id, deadline=budget.deadline())
    return jsonify({"id": resolution.id, "key_terms": words,
                    "results": [paragraph_json(s, SIMILAR_FIELDS + ("place", "source_url"))
                                for s in with_facts(similar)]})


def with_facts(paragraphs: list[dict]) -> list[dict]:
    """Paragraphs (dicts) with their report's place and original address, for their citations."""
    known: dict[str, dict] = {}
    out = []
    for p in paragraphs:
        if p["report_id"] not in known:
            known[p["report_id"]] = report_facts(searcher(), p["report_id"])
        facts = known[p["report_id"]]
        out.append(dict(p, place=facts.get("place", ""), source_url=facts.get("source_url", "")))
    return out
