"""Collections exported as tables: .csv/.tsv, .json and .jsonl, one report per row or object;
spreadsheets (.xlsx, .xls) come here too, a sheet at a time, from readers.sheets.

Columns (or keys) for title, full text, date, place, source URL, type and author are found by
their common names (title/标题, full_text/text/正文, date/publish_date/日期, …). A file whose
columns are named otherwise is described in ``columns.ini`` in the corpus folder:

    [汇总/*.csv]          ; a glob on the path inside the corpus folder, or on the file name
    title = 报告名称
    text = 报告内容
    place = 所属县区

Every other column is kept as metadata. The reader returns finished reports (each row's text
cleaned and its headings found), so report splitting is skipped for these files. Every format
ends in ``tables_document``: a header and rows (a record per row) → reports.
"""
from __future__ import annotations

import configparser
import csv
import functools
import hashlib
import io
import itertools
import json
import os
import re
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from indexer.ingest.clean import clean_blocks
from indexer.ingest.decode import decode_bytes
from indexer.errors import UnreadableFile
from indexer.ingest.metadata import normalize_date
from indexer.model import Block, Document, Report
from indexer.ingest.paragraphs import heading_level
from indexer.ingest.readers import limits
from indexer.ingest.readers.text import split_lines

CONFIG_NAME = "columns.ini"
SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".xlsx", ".xls", ".et")
# In order of preference: for place, the most specific column that has a value wins.
COMMON_NAMES = {
    "title": ("title", "标题", "题目", "报告标题", "文章标题", "名称", "headline"),
    "text": ("full_text", "fulltext", "text", "content", "body", "正文", "全文", "内容", "报告全文",
             "文章内容", "报告内容"),
    "date": ("date", "publish_date", "pub_date", "publish_time", "published", "published_at",
             "发布日期", "发布时间", "日期", "成文日期", "时间"),
    "place": ("county", "区县", "县区", "city", "城市", "地市", "place", "location", "地区", "地点",
              "region", "province", "省份"),
    "url": ("source_url", "url", "link", "href", "链接", "网址", "原文链接", "来源链接", "原文地址"),
    "doctype": ("doctype", "doc_type", "type", "类型", "文种", "报告类型"),
    "year": ("year", "年份", "年度"),
    "author": ("author", "作者", "发布者", "发布单位"),
}
# Keys accepted in columns.ini, English or Chinese.
CONFIG_KEYS = {
    "title": "title", "标题": "title", "text": "text", "full_text": "text", "正文": "text",
    "date": "date", "日期": "date", "place": "place", "地区": "place", "url": "url", "source_url": "url",
    "链接": "url", "type": "doctype", "doctype": "doctype", "类型": "doctype", "author": "author",
    "作者": "author", "year": "year", "年份": "year",
}
MAX_META_CHARS = 2000
MAX_META_COLUMNS = 50         # every paragraph stores its report's metadata
_RESERVED = {"date", "year", "place", "doctype", "author", "url", "file_date"}
_TITLE_LINE_MAX = 40

csv.field_size_limit(64 * 1024 * 1024)      # a report's full text is far longer than csv's default


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def column_name(cell: str) -> str:
    """A header cell as a column name: spaces that only lay out Chinese go ("姓  名", "职位名称\n（代码）"
    → 姓名, 职位名称（代码）), others become one ("Full  Text" → Full Text)."""
    return re.sub(r"\s+", lambda m: "" if _wide(m.string, m.start() - 1) and _wide(m.string, m.end()) else " ",
                  cell.strip())


def _wide(text: str, at: int) -> bool:
    return 0 <= at < len(text) and ord(text[at]) > 0x2e7f     # CJK characters and full-width punctuation


# --- the column-mapping file -------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _load_config(path: str, mtime_ns: int, size: int) -> list[tuple[str, dict[str, str]]]:
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";", "#"))
    parser.optionxform = str                 # keep column names as written
    try:
        parser.read_string(Path(path).read_text(encoding="utf-8-sig"))
    except OSError:
        raise                                # a folder or an unreadable file: see config_problem
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise UnreadableFile(f"{CONFIG_NAME} 格式错误：{str(exc).splitlines()[0]}") from None
    sections = []
    for pattern in parser.sections():
        mapping = {}
        for key, column in parser[pattern].items():
            role = CONFIG_KEYS.get(key.strip().lower())
            if role is None:
                raise UnreadableFile(f"{CONFIG_NAME} 中 [{pattern}] 的“{key}”无法识别"
                                     f"（可用：{'、'.join(sorted(set(CONFIG_KEYS)))}）")
            mapping[role] = column.strip()
        sections.append((pattern, mapping))
    return sections


def reader_options(corpus_dir: Path, source: str) -> dict:
    """Reader keyword arguments for one corpus file: its column mapping from columns.ini, if any.

    Never raises: a broken columns.ini becomes a reason the table readers report.
    """
    if not source.lower().endswith(SUFFIXES):
        return {}
    path = Path(corpus_dir) / CONFIG_NAME
    try:
        stat = path.stat()
    except OSError:
        return {}
    mapping: dict[str, str] = {}
    name = PurePosixPath(source).name
    try:
        sections = _load_config(str(path), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return {}                            # default columns; config_problem says why, once a run
    except UnreadableFile as exc:
        return {"config_error": str(exc)}
    for pattern, columns in sections:
        if fnmatch(source, pattern) or fnmatch(name, pattern):
            mapping.update(columns)
    return {"columns": mapping} if mapping else {}


def config_problem(corpus_dir: Path) -> str | None:
    """Why the corpus folder's columns.ini cannot be read at all (a folder, no permission), or None.

    Such a file is reported once a run, and tables are read with the default column names."""
    path = Path(corpus_dir) / CONFIG_NAME
    try:
        if not os.path.lexists(path):
            return None
        with open(path, "rb") as f:
            f.read(1)
        return None
    except OSError as exc:
        what = "是一个文件夹" if path.is_dir() else f"无法读取（{exc.strerror or type(exc).__name__}）"
        return f"{CONFIG_NAME} {what}，表格按默认列名读取"


def options_digest(sha: str, options: dict) -> str:
    """The file's content hash, changed when its mapping changes, so that the file is reindexed."""
    if not options:
        return sha
    extra = json.dumps(options, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return f"{sha}+{hashlib.sha1(extra).hexdigest()[:8]}"


# --- rows → reports ----------------------------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def assign_columns(header: list[str], mapping: dict[str, str] | None = None,
                   source: str = "") -> dict[str, list[str]]:
    """role → the columns that may hold it, best first; raises UnreadableFile for a bad mapping,
    or when no column holds report text (``source`` names the file in the reason's example)."""
    by_norm: dict[str, str] = {}
    for name in header:
        by_norm.setdefault(_norm(name), name)
    roles: dict[str, list[str]] = {}
    for role, names in COMMON_NAMES.items():
        roles[role] = [by_norm[n] for n in map(_norm, names) if n in by_norm]
    for role, column in (mapping or {}).items():
        if column not in header:
            column = column_name(column)        # as a header cell is read ("备 注" → 备注)
        if column not in header:
            raise UnreadableFile(f"{CONFIG_NAME} 指定的{role}列“{column}”不在文件中（现有列：{'、'.join(header[:20])}）")
        roles[role] = [column]
    if not roles["text"]:
        raise UnreadableFile(no_text_reason(header, source))
    return roles


def no_text_reason(header: list[str], source: str = "") -> str:
    """Why a table gives no reports: what column was expected, and how to name another one."""
    present = "、".join(name for name in header[:20] if name) or "无"
    return (f"表格中没有找到正文列（每行一篇报告的表格应有“正文”“内容”“全文”或 text 列；现有列：{present}）。"
            f"人员名单、职位表等没有报告正文；若某列就是正文，可在语料目录的 {CONFIG_NAME} 中写 "
            f"[{PurePosixPath(source).name or '文件名'}] 和 text = 列名")


def row_report(record: dict, roles: dict[str, list[str]], number: int, label: str) -> Report | None:
    """One row → one report, or None when the row has no text; untitled, it is called
    "``label`` 第 ``number`` 条" (label: the file's name without suffix, and the sheet's)."""
    chosen: dict[str, str] = {}
    used: dict[str, str] = {}                # role → the column its value came from
    for role, columns in roles.items():
        for column in columns:
            value = _cell(record.get(column))
            if value:
                chosen[role] = value
                used[role] = column
                break
    cleaned = clean_blocks(split_lines(chosen.get("text", "")))
    lines = cleaned.blocks
    if not lines:
        return None
    title = chosen.get("title", "")
    if not title and len(lines) > 1 and len(lines[0]) <= _TITLE_LINE_MAX and not heading_level(lines[0]) \
            and not re.search(r"[。；;，,]", lines[0]):
        title, lines = lines[0], lines[1:]
    title = " ".join(title.split()) or f"{label} 第 {number} 条"
    meta = dict(cleaned.meta)
    date = normalize_date(chosen.get("date", ""))
    if date:
        meta["date"] = date
    for role in ("place", "doctype", "author", "year"):     # a year stands when there is no date (metadata.enrich)
        if chosen.get(role):
            meta[role] = chosen[role][:100]
    url = chosen.get("url", "")
    if re.match(r"^https?://\S+$", url):
        meta["url"] = url                    # only web links: the page shows it as a link
    for column, value in record.items():
        text = _cell(value)
        # A column named like a field we fill ("date" holding "20xx年") must not overwrite it.
        if column not in used.values() and column and text and column.lower() not in _RESERVED \
                and len(meta) < MAX_META_COLUMNS:
            meta.setdefault(str(column), text[:MAX_META_CHARS])
    blocks = [Block(line, heading_level(line)) for line in lines]
    return Report(title=title, blocks=blocks, meta=meta)


@dataclass
class Table:
    """One table's column names and rows, each a record {column: value}; a workbook has one a sheet."""
    header: list[str]
    records: list[dict]
    more: int = 0             # rows beyond MAX_REPORTS_PER_FILE, counted, not in ``records``
    name: str = ""            # the sheet's name


def table(header: list, rows: list[list], more: int = 0, name: str = "") -> Table:
    """A Table from a header row and rows of cells (CSV, spreadsheets): its names as ``column_name``
    makes them, without the empty ones at its end; cells past the last name are left out."""
    names = [column_name(str(cell)) for cell in header]
    while names and not names[-1]:
        names.pop()
    return Table(names, [dict(zip(names, row)) for row in rows], more, name)


def tables_document(tables: list[Table], source: str, columns: dict | None = None) -> Document:
    """The reports of one file's tables (a CSV's one, a workbook's sheets), rows in order.

    A table without data rows or a text column is left out, with a note, when another gives
    reports; when none does, the first one's reason is raised."""
    if not tables:
        raise UnreadableFile("表格是空的")
    stem = PurePosixPath(source).stem
    reports: list[Report] = []
    refused: list[tuple[str, str]] = []      # (table name, reason)
    too_long = kept = more = 0
    for t in tables:
        try:
            if not t.records and not t.more:
                raise UnreadableFile("表格中没有数据行")
            roles = assign_columns(t.header, columns, source)
        except UnreadableFile as exc:
            refused.append((t.name, str(exc)))
            continue
        kept, more = kept + len(t.records), more + t.more
        label = f"{stem} {t.name}" if len(tables) > 1 and t.name else stem
        for n, record in enumerate(t.records, start=1):
            # Each row is one report, limited as a report (a whole collection may be far longer).
            length = max((len(_cell(record.get(column))) for column in roles["text"]), default=0)
            if length > limits.MAX_TEXT_CHARS:
                too_long += 1
                continue
            if report := row_report(record, roles, n, label):
                if len(tables) > 1 and t.name:
                    report.meta.setdefault("工作表", t.name)
                reports.append(report)
    if more:
        limits.note(f"表格行数过多（{kept + more} 行），只索引前 {kept} 行，其余 {more} 行已跳过")
    if too_long:
        limits.note(f"{too_long} 行正文过长（上限 {limits.MAX_TEXT_CHARS // 10000} 万字），已跳过")
    if not reports:
        if refused and not too_long:
            name, reason = refused[0]
            raise UnreadableFile(f"工作表“{name}”：{reason}" if len(tables) > 1 and name else reason)
        raise UnreadableFile("表格中每一行的正文都是空的" if not too_long else
                             f"表格中每一行的正文都过长（上限 {limits.MAX_TEXT_CHARS // 10000} 万字），已跳过")
    for name, reason in refused:
        limits.note(f"工作表“{name}”：{reason.split('（')[0].split('：')[0].removeprefix('表格中')}，已跳过")
    return Document(source=source, reports=reports)


def _first(rows, limit: int) -> tuple[list, int]:
    """The first ``limit`` items and how many more there were (counted, not kept)."""
    kept = [row for _, row in zip(range(limit), rows)]
    return kept, sum(1 for _ in rows)


def _check(config_error: str) -> None:
    if config_error:
        raise UnreadableFile(config_error)


def read_csv(data: bytes, source: str, columns: dict | None = None, config_error: str = "") -> Document:
    _check(config_error)
    text = decode_bytes(data, limit=False)           # limited per row, in tables_document
    first = text.split("\n", 1)[0]
    delimiter = "\t" if source.lower().endswith(".tsv") or first.count("\t") > first.count(",") else ","
    from indexer.ingest.readers.sheets import header_row
    from indexer.ingest.readers.workbooks import HEADER_ROWS

    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = ([c.strip() for c in row] for row in reader if any(c.strip() for c in row))
        # A CSV saved from a spreadsheet keeps the title and notice rows above its header.
        top = [row for _, row in zip(range(HEADER_ROWS), rows)]
        at = (header_row(top, {column_name(c) for c in (columns or {}).values()}) or 0) if top else 0
        header = top[at] if top else []
        kept, more = _first(itertools.chain(top[at + 1:], rows), limits.MAX_REPORTS_PER_FILE)
    except csv.Error as exc:
        raise UnreadableFile(f"CSV 格式错误：{exc}") from None
    return tables_document([table(header, kept, more)] if header else [], source, columns)


def _header(records: list[dict]) -> list[str]:
    seen: dict[str, None] = {}
    for record in records:
        for key in record:
            seen.setdefault(str(key), None)
    return list(seen)


def read_json(data: bytes, source: str, columns: dict | None = None, config_error: str = "") -> Document:
    _check(config_error)
    try:
        value = json.loads(decode_bytes(data, limit=False))
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列") from None
    except RecursionError:
        raise UnreadableFile("JSON 嵌套过深，无法解析，可能是恶意文件，已跳过") from None
    if isinstance(value, dict):
        # {"data": [...]} or {"reports": [...]}: the first list of objects; else one report.
        lists = [v for v in value.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        value = lists[0] if lists else [value]
    if not isinstance(value, list):
        raise UnreadableFile("JSON 文件应为对象数组（每个对象一篇报告）")
    records, more = _first((item for item in value if isinstance(item, dict)), limits.MAX_REPORTS_PER_FILE)
    records = [{str(k): v for k, v in item.items()} for item in records]
    return tables_document([Table(_header(records), records, more)], source, columns)


def read_jsonl(data: bytes, source: str, columns: dict | None = None, config_error: str = "") -> Document:
    _check(config_error)
    records, bad, more = [], 0, 0
    for line in decode_bytes(data, limit=False).splitlines():
        if not line.strip():
            continue
        if len(records) >= limits.MAX_REPORTS_PER_FILE:
            more += 1                        # counted, not parsed
            continue
        try:
            item = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            bad += 1
            continue
        if isinstance(item, dict):
            records.append({str(k): v for k, v in item.items()})
    if not records and bad:
        raise UnreadableFile(f"JSONL 文件中没有有效的 JSON 行（{bad} 行无法解析）")
    return tables_document([Table(_header(records), records, more)], source, columns)
