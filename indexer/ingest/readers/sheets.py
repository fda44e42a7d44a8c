"""Spreadsheets (.xlsx, .xls): each sheet with a header row is a table, one report per row.

readers.workbooks reads a file's sheets as rows of cell text; here each sheet's header is found
below the title and notice rows real exports put above it (``header_row``), and its rows go the
way of a CSV's (readers.tabular.tables_document), columns.ini included.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from indexer.errors import UnreadableFile
from indexer.ingest.readers import isolate, limits
from indexer.ingest.readers.tabular import (COMMON_NAMES, _check, _norm, assign_columns, column_name, read_csv,
                                           table, tables_document)
from indexer.ingest.readers.workbooks import HEADER_ROWS, KIND, Sheet, check_before_parsing, kind_of
from indexer.model import Document

_NAME_MAX = 30
_NUMBERISH = re.compile(r"^[\d\s.,:/\-+%年月日时分秒]*$")
_SENTENCE = re.compile(r"[。；;！？!?]")
_KNOWN = {_norm(name) for names in COMMON_NAMES.values() for name in names}


def _name_like(cell: str) -> bool:
    return len(cell) <= _NAME_MAX and not _NUMBERISH.match(cell) and not _SENTENCE.search(cell)


def header_row(rows: list[list[str]], wanted: set[str] = frozenset()) -> int | None:
    """Which of the first HEADER_ROWS rows is the header, or None.

    A header's filled cells all look like column names (short, not numbers or dates, not
    sentences), at least half as many as the fullest row near it has: a title merged across the
    columns fills one. The first row holding every column in ``wanted`` (those columns.ini names)
    wins, then the first holding a known name (标题, 正文, 日期 …), then the first that looks so.
    """
    first = rows[:HEADER_ROWS]
    widest = max((sum(1 for c in row if c) for row in first), default=0)
    candidates = []
    for n, row in enumerate(first):
        names = [column_name(c) for c in row if c]
        known = any(_norm(name) in _KNOWN for name in names)
        if names and all(map(_name_like, names)) and (known or len(names) >= max(2, widest / 2)):
            candidates.append((n, set(names), known))
    for n, names, known in candidates:
        if wanted and wanted <= names:
            return n
    for n, names, known in candidates:
        if known:
            return n
    return candidates[0][0] if candidates else None


def sheet_tables(sheets: list[Sheet], source: str, columns: dict | None = None) -> Document:
    """A workbook's sheets → its reports; a sheet without a header is left out (with a note when
    others give reports)."""
    wanted = {column_name(c) for c in (columns or {}).values()}
    tables, headless = [], []
    budget = limits.MAX_REPORTS_PER_FILE
    for sheet in sheets:
        if not sheet.rows:
            continue                                # an empty sheet ("Sheet2", "Sheet3")
        at = header_row(sheet.rows, wanted)
        if at is None:
            headless.append(sheet.name)
            continue
        t = table(sheet.rows[at], sheet.rows[at + 1:], sheet.more, sheet.name)
        if _has_text(t.header, columns):            # only rows that can be reports use up the limit
            kept, budget = max(budget, 0), budget - len(t.records)
            t.more, t.records = t.more + len(t.records[kept:]), t.records[:kept]
        tables.append(t)
    if not tables:
        if headless:
            raise UnreadableFile(f"表格中没有找到表头：前 {HEADER_ROWS} 行中没有一行像列名（如“标题”“正文”“日期”），"
                                 "不像每行一篇报告的表格")
        raise UnreadableFile("表格是空的")
    document = tables_document(tables, source, columns)
    for name in headless:
        limits.note(f"工作表“{name}”：没有找到表头，已跳过")
    return document


def _has_text(header: list[str], columns: dict | None) -> bool:
    try:
        return bool(assign_columns(header, columns)["text"])
    except UnreadableFile:
        return False


def read_sheets(data: bytes, source: str, columns: dict | None = None, config_error: str = "") -> Document:
    _check(config_error)
    if PurePosixPath(source).name.startswith("~$"):
        raise UnreadableFile("这是 Office 打开文件时生成的临时锁文件（~$ 开头），不是表格，已跳过")
    if not data:
        raise UnreadableFile("文件是空的")
    kind = kind_of(data)
    if kind == "text":                               # a CSV or tab-separated export named .xls
        return read_csv(data, source, columns)
    if kind == "xml":
        raise UnreadableFile("这是 Excel 2003 XML 表格，暂不支持，请用 Excel 另存为 .xlsx")
    if not kind:
        raise UnreadableFile(f"不是 Excel 表格，或{KIND}已损坏（文件开头不是 .xls/.xlsx 的格式）")
    check_before_parsing(data, kind)
    sheets = isolate.call("indexer.ingest.readers.workbooks:extract", data, KIND)
    return sheet_tables(sheets, source, columns)
