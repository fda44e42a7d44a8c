"""摘录: paragraphs a user marks while searching and reading, exported as Word or Markdown.

Where writing starts: the list lives in the user's browser (localStorage, kept by
static/excerpts.js; there are no accounts), and the /excerpts page shows, orders and annotates
it. To export, the page POSTs the list here; it is checked (``validate``: shape, at most
``MAX_ITEMS`` items of at most ``MAX_TEXT`` characters, text only) and returned as a file —
nothing is stored. Each excerpt becomes a quotation, the user's note, its citation (GB/T 7714,
webapp.citations) and its link, grouped by the query it was found with or by report.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote

from flask import Blueprint, Response, render_template, request

from .citations import cited_url, gbt7714, inert, markdown_link, plain, quote_block, web_url
from .errors import fail
from .views import ID, url_of

bp = Blueprint("excerpts", __name__)
MAX_ITEMS = 500
MAX_TEXT = 20_000
MAX_BODY = 48 * 1024 * 1024          # 500 paragraphs of 20,000 characters, as UTF-8 JSON
# Each field an excerpt may carry, with its longest accepted value; others are ignored.
FIELDS = {"id": 40, "report_id": 40, "title": 500, "section": 1000, "text": MAX_TEXT, "date": 40, "place": 200,
          "source_url": 2000, "url": 2000, "query": 200, "note": 5000}
GROUPINGS = {"query": "按检索词", "report": "按报告"}
NO_QUERY = "（未记录检索词）"
# Characters an XML document (a .docx) cannot hold, and other controls but tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Excerpt:
    """One checked excerpt; ``url`` is its permalink (made here from its id when it has one)."""

    title: str
    section: str
    text: str
    date: str
    place: str
    source_url: str
    url: str
    report_id: str
    query: str
    note: str

    def citation(self, today: datetime.date) -> str:
        return gbt7714(self.title, self.date, cited_url(self.source_url, self.url), today)

    @property
    def short(self) -> str:
        return plain(self.title, self.place, self.date)


def _field(item: dict, name: str, n: int) -> str:
    value = item.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        fail(400, f"第 {n} 条摘录的 {name} 须为文字")
    if len(value) > FIELDS[name]:
        fail(400, f"第 {n} 条摘录的 {name} 过长（最多 {FIELDS[name]} 字）")
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def validate(payload) -> tuple[str, list[Excerpt]]:
    """(grouping, excerpts) from the posted JSON {"group": "query"|"report", "items": [...]};
    any other shape ends the request with a 400 that says what is wrong."""
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        fail(400, "请求须为 JSON：{\"group\": …, \"items\": […]}")
    group = payload.get("group") or "query"
    if group not in GROUPINGS:
        fail(400, "分组方式只能是 query（按检索词）或 report（按报告）")
    items = payload["items"]
    if not items:
        fail(400, "摘录为空")
    if len(items) > MAX_ITEMS:
        fail(400, f"摘录最多 {MAX_ITEMS} 条")
    out = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            fail(400, f"第 {n} 条摘录格式不对")
        f = {name: _field(item, name, n) for name in FIELDS}
        if not f["text"]:
            fail(400, f"第 {n} 条摘录没有正文")
        url = url_of(f["id"]) if ID.match(f["id"]) else web_url(f["url"])
        out.append(Excerpt(title=f["title"] or "未命名报告", section=f["section"], text=f["text"], date=f["date"],
                           place=f["place"], source_url=web_url(f["source_url"]), url=url,
                           report_id=f["report_id"], query=f["query"], note=f["note"]))
    return group, out


def grouped(items: list[Excerpt], group: str) -> list[tuple[str, list[Excerpt]]]:
    """The excerpts under headings, in the user's order: each heading where it first appears."""
    sections: dict[str, tuple[str, list[Excerpt]]] = {}
    for x in items:
        if group == "report":
            key, heading = x.report_id or x.title, x.short
        else:
            key = heading = f"检索词：{x.query}" if x.query else NO_QUERY
        sections.setdefault(key, (heading, []))[1].append(x)
    return list(sections.values())


def markdown(group: str, items: list[Excerpt], today: datetime.date) -> str:
    """The excerpts as Markdown: a heading per group; per excerpt a quote, the note, the citation, the link."""
    lines = [f"# 摘录（{len(items)} 条，{GROUPINGS[group]}）", "", f"导出日期：{today.isoformat()}", ""]
    n = 0
    for heading, members in grouped(items, group):
        lines += [f"## {_inline(heading)}", ""]
        for x in members:
            n += 1
            link = markdown_link(x.title, x.section, x.url) if x.url else ""
            lines += [f"{n}. {_inline(x.short)}", "", quote_block(x.text), ""]
            if x.note:
                first, *rest = _inline(x.note).split("\n")
                lines += ["  \n".join(["备注：" + first] + [inert(ln) for ln in rest]), ""]
            lines += [f"引文：{_inline(x.citation(today))}", ""]
            if link:
                lines += [f"链接：{link}", ""]
    return "\n".join(lines)


def _inline(text: str) -> str:
    """Text inside a Markdown line (after a label, never at its start): no HTML tag can open there."""
    return text.replace("<", "&lt;")


def _download(body: bytes | str, mimetype: str, ext: str) -> Response:
    name = f"摘录-{datetime.date.today().isoformat()}.{ext}"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (f"attachment; filename=excerpts.{ext}; "
                                               f"filename*=UTF-8''{quote(name)}")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/excerpts")
def excerpts_page():
    return render_template("excerpts.html", q="", groupings=GROUPINGS, max_items=MAX_ITEMS)


@bp.post("/api/excerpts/export.<fmt>")
def export(fmt: str):
    """The posted list as a .docx or .md download. It writes nothing: the list stays in the browser."""
    if fmt not in ("docx", "md"):
        fail(404, "只能导出为 Word（.docx）或 Markdown（.md）")
    request.max_content_length = MAX_BODY
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        fail(400, "请求的 JSON 嵌套过深")
    group, items = validate(payload)
    today = datetime.date.today()
    if fmt == "md":
        return _download(markdown(group, items, today), "text/markdown; charset=utf-8", "md")
    from .excerpts_docx import build

    return _download(build(group, items, today),
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
