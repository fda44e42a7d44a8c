"""Routes: search page, paragraph and report pages, JSON API. Page and JSON share one result."""
from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, render_template, request
from markupsafe import Markup

from indexer.errors import IndexMissing, QueryError
from indexer.highlight import highlight
from indexer.links import absolute, paragraph_path, report_path, search_path
from indexer.searching import MAX_LIMIT, result_dict

from .errors import error_response

bp = Blueprint("reportsearch", __name__)
PAGE_SIZE = 10
_ID = re.compile(r"^[0-9a-f]{8,40}$")


def searcher():
    return current_app.extensions["reportsearch"]


def base_url() -> str:
    return current_app.config.get("BASE_URL") or request.host_url.rstrip("/")


def url_of(pid: str) -> str:
    return absolute(base_url(), paragraph_path(pid))


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"参数 {name} 须为整数") from None
    if not low <= value <= high:
        raise QueryError(f"参数 {name} 须在 {low} 到 {high} 之间")
    return value


@bp.get("/")
def search_page():
    q = request.args.get("q", "")
    context = {"q": q, "result": None, "message": None, "pages": None}
    if q.strip():
        try:
            page = _int_arg("page", 1, 1, 1000)
            result = searcher().search(q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        except QueryError as exc:
            context["message"] = str(exc)
            return render_template("search.html", **context), 400
        except IndexMissing:
            return error_response(503)
        last = max(1, -(-result.total // PAGE_SIZE))
        context.update(result=result, page=page, last_page=last,
                       page_url=lambda n: search_path(q, page=n if n > 1 else None),
                       snippet=lambda h: Markup(h.snippet), url_of=url_of,
                       paragraph_link=lambda pid: paragraph_path(pid) + "?" + _q_only(q))
    return render_template("search.html", **context)


def _q_only(q: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": q})


@bp.get("/p/<pid>")
def paragraph_page(pid: str):
    if not _ID.match(pid):
        return error_response(404, "没有找到这个段落")
    try:
        view = searcher().paragraph(pid)
    except IndexMissing:
        return error_response(503)
    if view is None:
        return error_response(404, "没有找到这个段落")
    q = request.args.get("q", "")
    needles = searcher().highlight_terms(q) if q.strip() else []
    paragraphs = [
        dict(p, html=Markup(highlight(p["text"], needles)), current=p["id"] == pid) for p in view.report
    ]
    where = " › ".join(x for x in (view.title, view.section) if x)
    citation = f"[{where}]({url_of(pid)})"
    return render_template("paragraph.html", view=view, paragraphs=paragraphs, q=q, citation=citation,
                           permalink=url_of(pid), report_url=report_path(view.report_id),
                           back_url=search_path(q) if q else None)


@bp.get("/r/<report_id>")
def report_page(report_id: str):
    if not _ID.match(report_id):
        return error_response(404, "没有找到这篇报告")
    try:
        docs = searcher().report(report_id)
    except IndexMissing:
        return error_response(503)
    if not docs:
        return error_response(404, "没有找到这篇报告")
    q = request.args.get("q", "")
    needles = searcher().highlight_terms(q) if q.strip() else []
    paragraphs = [dict(p, html=Markup(highlight(p["text"], needles)), current=False) for p in docs]
    first = docs[0]
    return render_template("report.html", title=first["title"], source=first["source"],
                           date=first.get("date", ""), paragraphs=paragraphs, q=q)


@bp.get("/api/search")
def api_search():
    q = request.args.get("q", "")
    try:
        limit = _int_arg("limit", 10, 1, MAX_LIMIT)
        offset = _int_arg("offset", 0, 0, 10000)
        result = searcher().search(q, limit=limit, offset=offset)
    except QueryError as exc:
        return error_response(400, str(exc))
    except IndexMissing:
        return error_response(503)
    return jsonify(result_dict(result, url_of))


@bp.get("/api/p/<pid>")
def api_paragraph(pid: str):
    if not _ID.match(pid):
        return error_response(404, "没有找到这个段落")
    try:
        view = searcher().paragraph(pid)
    except IndexMissing:
        return error_response(503)
    if view is None:
        return error_response(404, "没有找到这个段落")
    current = next(p for p in view.report if p["id"] == pid)
    return jsonify({"id": view.id, "report_id": view.report_id, "title": view.title, "section": view.section,
                    "text": current["text"], "source": view.source, "date": view.date, "url": url_of(pid)})
