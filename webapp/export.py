"""Download the current result list: Markdown (one citation per result) or CSV.

The flow's end in another format: the result list as a file instead of a page or JSON.

The export runs the same search as the page — query, filters, sort — from its first result,
up to ``EXPORT_MAX`` results, so what is downloaded is the list the user was looking at.
"""
from __future__ import annotations

import csv
import io
from urllib.parse import quote

from flask import Blueprint, Response, request

from indexer.links import absolute
from indexer.search.grouping import scan
from indexer.search.results import paragraph_dict

from . import budget
from .citations import markdown_link, markdown_text
from .errors import error_response
from .state import SearchState
from .views import base_url, searcher, url_of

bp = Blueprint("export", __name__)
EXPORT_MAX = 200
# Each exported paragraph's fields (indexer.search.results.paragraph_dict) and their CSV headers.
CSV_FIELDS = {"title": "报告标题", "section": "小节", "text": "段落", "url": "链接", "date": "日期", "place": "地区",
              "doctype": "类型", "source": "文件"}
CSV_COLUMNS = ("序号", *CSV_FIELDS.values())
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def markdown(query: str, search_url: str, total: int, rows: list[dict], incomplete: bool = False,
             bound: bool = False) -> str:
    """A Markdown note: a heading that links back to the search, then one citation per result.
    ``bound``: the total is an upper bound (too many matches to count)."""
    counted = f"至少 {total} 条（检索超过了时间限制，结果不完整）" if incomplete else \
        f"至多 {total} 条" if bound else f"共 {total} 条"
    lines = [f"# 检索“{markdown_text(query)}”的结果", "", f"{counted}，以下 {len(rows)} 条。检索链接：<{search_url}>", ""]
    for n, row in enumerate(rows, start=1):
        lines.append(f"{n}. {markdown_link(row['title'], row['section'], row['url'])}")
    return "\n".join(lines) + "\n"


def _cell(value) -> str:
    # A cell starting like a formula would run in a spreadsheet (CSV injection): make it text.
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: list[dict]) -> str:
    """CSV with a header row; the caller adds a BOM so that spreadsheet programs read UTF-8."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for n, row in enumerate(rows, start=1):
        writer.writerow([n] + [_cell(row[k]) for k in CSV_FIELDS])
    return buf.getvalue()


def _rows(state: SearchState) -> tuple[int, bool, list[dict], bool]:
    """(total, whether it is only an upper bound, the rows, whether the request's time budget ran
    out first: then the rows found so far)."""
    read = scan(searcher(), state.q, state.filters, state.sort, cap=EXPORT_MAX, deadline=budget.deadline())
    rows = [paragraph_dict(h, url_of, tuple(CSV_FIELDS)) for h in read.hits]
    for row, hit in zip(rows, read.hits):
        if hit.member:                      # a file inside an archive: the archive, then the file in it
            row["source"] = f"{hit.source} › {hit.member}"
    return read.total, read.estimated and not read.incomplete, rows, read.incomplete


def _counted(state: SearchState, total: int, bound: bool) -> tuple[int, bool]:
    """A note keeps the number: (the list's length counted, False) where the search only bounded
    it, unless that too would cost too much."""
    counted = searcher().count(state.q, state.filters, budget.deadline()) if bound else None
    return (total, bound) if counted is None else (counted, False)


def _download(body: str, mimetype: str, ext: str, query: str) -> Response:
    name = f"检索-{query.strip()[:40]}.{ext}"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (f"attachment; filename=reportsearch.{ext}; "
                                               f"filename*=UTF-8''{quote(name)}")
    return response


@bp.get("/export.<fmt>")
def export(fmt: str):
    if fmt not in ("md", "csv"):
        return error_response(404, "只能导出为 Markdown（.md）或 CSV（.csv）")
    state = SearchState.from_args(request.args)
    with budget.lane(state.q):
        total, bound, rows, incomplete = _rows(state)
        if fmt == "md":
            total, bound = _counted(state, total, bound)
    if fmt == "md":
        search_url = absolute(base_url(), state.with_page(1).url())
        return _download(markdown(state.q, search_url, total, rows, incomplete, bound), "text/markdown; charset=utf-8",
                         "md", state.q)
    return _download("\ufeff" + to_csv(rows), "text/csv; charset=utf-8", "csv", state.q)
