"""A spreadsheet file's bytes → its sheets, each a list of rows of cell text (readers.sheets
makes them reports).

What a file holds decides how it is read, not its suffix: .xls (xlrd, the dates in its date
mode), .xlsx (openpyxl in read-only mode, cached formula values), or an HTML table saved as
.xls, as government sites export them. Cells become the text a user sees (``cell_text``), a
value merged down over rows is repeated in each (``fill_down``), blank rows and trailing empty
cells go. ``extract`` runs in the child process of readers.isolate, whose memory and time are
capped: a small .xlsx can unpack to a huge sheet. The parsers are imported there, and only there.
"""
from __future__ import annotations

import datetime
import io
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from indexer.errors import UnreadableFile
from indexer.ingest.readers import OLE_MAGIC, limits
from indexer.ingest.readers.docx import check_zip

KIND = "Excel 表格"
# The header is among the first rows (readers.sheets): a title ("宜春市2023年度公务员考试录用名单"),
# an "附件1" line and a notice or two come before it in real exports.
HEADER_ROWS = 10
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")     # an encrypted .xlsx is an OLE file holding this
_ERRORS = {"#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
_PROGRESS_ROWS = 2000
# A range merged down far to the right would widen every row it covers to reach it (XFD: 16,384).
_FILL_COLUMNS = 1000
ENCRYPTED = f"{KIND}设有打开密码（已加密），无法读取；请在 Excel 中取消密码后另存"
DAMAGED = f"{KIND}已损坏或不完整"


@dataclass
class Sheet:
    """A sheet's non-blank rows as text, in order, and how many more there were (counted, not kept)."""
    name: str
    rows: list[list[str]] = field(default_factory=list)
    more: int = 0


# --- cells: pure functions ---------------------------------------------------------------------

def cell_text(value) -> str:
    """A cell's value as the text a report or its metadata holds."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        return "" if text in _ERRORS else text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"         # as Excel shows it
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))              # 准考证号 stored as a number, 2023.0 as a year
        return format(value, ".15g")            # 15 digits, as Excel shows: 295.33, not 295.33000000000004
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(" ", "seconds" if value.second else "minutes")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat() if isinstance(value, datetime.date) else \
            value.isoformat("seconds" if value.second else "minutes")
    return str(value).strip()


def trimmed(row) -> list[str]:
    """A row's cells as text, without the empty ones at its end (an empty list: a blank row)."""
    cells = [cell_text(value) for value in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def fill_down(rows, merges: list[tuple[int, int, int]]):
    """``rows`` (cell lists, the first numbered 0) with the value of each range merged down over
    several rows repeated in the rows below it: a 部门名称 merged over its people belongs to each.
    ``merges``: (first row, column, last row) of ranges spanning rows. A range across one row only
    (a title over the columns) stays one cell."""
    starts: dict[int, list[tuple[int, int]]] = {}
    for top, col, last in merges:
        if last > top and col < _FILL_COLUMNS:
            starts.setdefault(top, []).append((col, last))
    carry: dict[int, tuple[object, int]] = {}        # column → (value, last row)
    for n, row in enumerate(rows):
        if carry:
            row = list(row)
            for col, (value, last) in list(carry.items()):
                if n > last:
                    del carry[col]
                    continue
                row.extend([None] * (col + 1 - len(row)))
                if row[col] in (None, ""):
                    row[col] = value
        for col, last in starts.get(n, ()):
            if col < len(row) and row[col] not in (None, ""):
                carry[col] = (row[col], last)
        yield row


# --- the file: what it is, and its sheets (in the child process) -------------------------------

def kind_of(data: bytes) -> str:
    """"xls", "xlsx", "html", "xml" (Excel 2003 XML), "text" or "" (none of these), by content."""
    if data.startswith(OLE_MAGIC):
        return "xls"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "xml"
    if head.startswith(b"<") and (b"<html" in head or b"<table" in head or b"<!doctype" in head):
        return "html"
    first = head.split(b"\n", 1)[0]
    if b"\0" not in head and (b"\t" in first or b"," in first) and not head.startswith(b"%pdf"):
        return "text"
    return ""


def check_before_parsing(data: bytes, kind: str) -> None:
    """Refuse, in the indexing process, what needs no parser to refuse: an encrypted workbook, a
    zip that is damaged, no workbook or a zip bomb, a page too big."""
    if kind == "xls" and _ENCRYPTED in data:
        raise UnreadableFile(ENCRYPTED)
    if kind == "xlsx":
        check_xlsx(data)
    if kind == "html":
        limits.check_html_bytes(len(data))


def check_xlsx(data: bytes) -> None:
    """Refuse, before any parsing, a zip that is damaged, is no workbook, or unpacks to an absurd
    size (limits.check_zip)."""
    names = check_zip(data, KIND)
    if "xl/workbook.xml" not in names:
        what = "Word 文档" if "word/document.xml" in names else "其他文件"
        raise UnreadableFile(f"不是 Excel 表格（压缩包中没有工作簿，可能是{what}改了扩展名）")


def extract(data: bytes, progress) -> list[Sheet]:
    """Every sheet's rows as text (runs in the child process; ``progress`` is called as rows are
    read). Keeps HEADER_ROWS + MAX_REPORTS_PER_FILE rows in all, and counts the rest."""
    room = [HEADER_ROWS + limits.MAX_REPORTS_PER_FILE]
    kind = kind_of(data)
    try:
        if kind == "xls":
            return _xls(data, progress, room)
        if kind == "xlsx":
            return _xlsx(data, progress, room)
        return _html(data, progress, room)
    except (UnreadableFile, MemoryError, RecursionError):
        raise
    except Exception as exc:              # the parsers raise many kinds on damaged files
        what = "数据解压失败" if isinstance(exc, zlib.error) else type(exc).__name__
        raise UnreadableFile(f"{DAMAGED}（{what}）") from None


def _collect(name: str, rows, progress, room: list[int]) -> Sheet:
    sheet = Sheet(name)
    for n, row in enumerate(rows, start=1):
        if n % _PROGRESS_ROWS == 0:
            progress()
        if room[0] <= 0:
            sheet.more += any(value not in (None, "") for value in row)      # counted, not read
            continue
        cells = trimmed(row)
        if cells:
            sheet.rows.append(cells)
            room[0] -= 1
    return sheet


def _xlsx(data: bytes, progress, room: list[int]) -> list[Sheet]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = []
        for ws in book.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue                  # a chart sheet
            # The declared size may be absurd (A1:XFD1048576): rows would be padded to it.
            ws.reset_dimensions()
            rows = fill_down(ws.iter_rows(values_only=True), _xlsx_merges(data, ws._worksheet_path))
            sheets.append(_collect(ws.title.strip(), rows, progress, room))
        return sheets
    finally:
        book.close()


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})"')
_MAX_MERGES = 100_000


def _xlsx_merges(data: bytes, member: str) -> list[tuple[int, int, int]]:
    """The ranges merged down over rows in a sheet of an .xlsx, as ``fill_down`` takes them.

    openpyxl's read-only mode, which streams rows, does not read them: they are scanned for in the
    sheet's XML (after its rows), a chunk at a time."""
    merges, tail = [], b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(member.lstrip("/")) as f:
        while len(merges) < _MAX_MERGES and (chunk := f.read(1 << 20)):
            text = tail + chunk
            end = 0
            for m in _MERGE.finditer(text):
                top, last = int(m.group(2)) - 1, int(m.group(4)) - 1
                if last > top:
                    merges.append((top, _column(m.group(1)), last))
                end = m.end()
            tail = text[max(end, len(text) - 200):]
    return merges


def _column(letters: bytes) -> int:
    """B → 1, AA → 26."""
    n = 0
    for letter in letters:
        n = n * 26 + letter - 64
    return n - 1


def _xls(data: bytes, progress, room: list[int]) -> list[Sheet]:
    import xlrd

    try:
        # formatting_info: for the merged ranges (it costs about a tenth more time).
        book = xlrd.open_workbook(file_contents=data, on_demand=True, formatting_info=True)
    except xlrd.XLRDError as exc:
        message = str(exc)
        if "encrypted" in message.lower():
            raise UnreadableFile(ENCRYPTED) from None
        if "workbook" in message.lower() and "ole2" in message.lower():
            raise UnreadableFile("不是 Excel 表格（旧版 Office 文件中没有工作簿，可能是 Word 文档改了扩展名）") from None
        raise
    sheets = []
    for index in range(book.nsheets):
        sh = book.sheet_by_index(index)
        rows = ([_xls_value(sh.cell(r, c), book.datemode, xlrd) for c in range(sh.row_len(r))]
                for r in range(sh.nrows))
        rows = fill_down(rows, [(top, col, end - 1) for top, end, col, _ in sh.merged_cells[:_MAX_MERGES]])
        sheets.append(_collect(sh.name.strip(), rows, progress, room))
        book.unload_sheet(index)
    return sheets


def _xls_value(cell, datemode: int, xlrd):
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode) if cell.value >= 1 else \
                (datetime.datetime(1900, 1, 1) + datetime.timedelta(days=cell.value)).time()
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return None
    return cell.value


def _html(data: bytes, progress, room: list[int]) -> list[Sheet]:
    """The tables of a web page saved as .xls, as one sheet: <br> is a line break, a cell spanning
    columns is followed by empty ones and one spanning rows is repeated in them, so that columns
    stay aligned."""
    import lxml.html

    from indexer.ingest.readers.html import decode_page

    markup = decode_page(data)
    limits.check_html_text(markup)
    root = lxml.html.fromstring(markup)
    for br in root.iter("br"):                  # the only line break: others in the markup are layout
        br.tail = "\ue000" + (br.tail or "")
    rows, below = [], {}                       # column → (value, rows still to fill)
    for tr in root.iter("tr"):
        row, col = [], 0
        cells = iter(tr.xpath("./td|./th"))
        cell = next(cells, None)
        while cell is not None or any(c >= col for c in below):
            if col in below:
                value, left = below.pop(col)
                if left > 1:
                    below[col] = (value, left - 1)
                row.append(value)
                col += 1
                continue
            if cell is None:
                row.append("")
                col += 1
                continue
            value = re.sub(r"\s*\ue000\s*", "\n", " ".join(cell.text_content().split()))
            span, down = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            for k in range(span):
                row.append(value if k == 0 else "")
                if down > 1 and k == 0:
                    below[col] = (value, down - 1)
                col += 1
            cell = next(cells, None)
        rows.append(row)
    if not rows:
        raise UnreadableFile("这是保存成 .xls 的网页，其中没有表格")
    return [_collect("", rows, progress, room)]


def _span(value) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
