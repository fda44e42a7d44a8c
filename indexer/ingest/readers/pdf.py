"""PDFs with a text layer: lines rejoined into paragraphs, page furniture dropped.

A PDF stores lines, not paragraphs, and Chinese text breaks lines in mid-sentence, so lines
are joined again unless the layout says a paragraph ended: the line ended a sentence (unless
the document opens its paragraphs indented, as most reports do: there a sentence that ends at
the margin runs on), fell short of the right margin, the next one is indented, or a gap opens
between them wider than the document's usual gap between lines (official documents set their
lines 28–30 points apart in 16-point type, so the usual gap is itself wider than a line). A page
set in two columns is read a column at a time, each measured by its own margins
(readers.pdfcolumns); a ruled table is read a row a block (readers.pdftables). Running headers and
footers (lines that repeat at the top or bottom of most pages) and page numbers are dropped. A PDF
without any text (a scan) is reported and skipped, not indexed empty.
"""
from __future__ import annotations

import io
import logging
import math
import re
import zlib
from collections import Counter
from typing import NamedTuple

from indexer.errors import UnreadableFile
from indexer.ingest.metadata import normalize_date
from indexer.ingest.readers import isolate, limits, pdfcolumns, pdftables
from indexer.ingest.readers.blocks import joined_line
from indexer.model import Document

MAX_PAGES = 3000
_EDGE_LINES = 2                       # lines at the top and bottom of a page that may be furniture
_SENTENCE_END = tuple("。！？!?；;…")
_CLOSERS = "”’」』）)"
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(第\s*)?\d{1,4}\s*(页)?\s*([/／]\s*\d{1,4}|(,|，)?\s*共\s*\d{1,4}\s*页)?[-–—\s]*$"
    r"|^page\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$",
    re.I,
)
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# A Chinese character or full-width sign, and a Latin letter or digit: Word, WPS and LibreOffice set a
# quarter of a character's width between the two by default ("autospace"; with a justified line's
# stretch about a third was measured), which pdfplumber writes as a space when it is wider than
# 3 points: "压减 80％" beside "增长10.1％" in one report. A gap under half a character is that spacing.
_WIDE = re.compile(r"[\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60]")
_LATIN = re.compile(r"[0-9A-Za-z]")
_AUTOSPACE = 0.5
_TITLE_NOISE = re.compile(r"^(microsoft\s+(word|powerpoint)\s*-\s*)|\.(docx?|wps|pdf|txt)$", re.I)


class Line(NamedTuple):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    column: int = 0       # 1 and 2 on a page in two columns (readers.pdfcolumns), else 0
    whole: bool = False   # a block of its own: a table's row (readers.pdftables)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def drop_furniture(pages: list[list[Line]]) -> list[Line]:
    """All lines in order, without page numbers and headers/footers repeated on most pages."""
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))

    # The lines highest and lowest on the page (on a page in columns they are not the first and last read).
    edges = [by_height[:_EDGE_LINES] + by_height[-_EDGE_LINES:]
             for by_height in (sorted(page, key=lambda line: line.top) for page in pages)]
    seen = Counter(k for edge in edges for k in {key(line) for line in edge})
    repeated = max(2, math.ceil(len(pages) / 2))
    out = []
    for page, edge in zip(pages, edges):
        edge_ids = {id(line) for line in edge}
        for line in page:
            if id(line) in edge_ids and (is_page_number(line.text) or (len(pages) > 1 and seen[key(line)] >= repeated)):
                continue
            out.append(line)
    return out


def _opens_indented(openings: list[Line], indented) -> bool:
    """Does the document mark a paragraph by its first line's indent? Judged on the lines after
    a line that stopped short (a paragraph surely ended there): more than half of them indented,
    out of a few at least."""
    return len(openings) >= 3 and 2 * sum(map(indented, openings)) > len(openings)


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith(_SENTENCE_END)


def _margins(lines: list[Line]) -> tuple[float, float]:
    """Where these lines usually start, and where the full ones end."""
    left = Counter(round(line.x0 / 2) * 2 for line in lines).most_common(1)[0][0]
    rights = sorted(line.x1 for line in lines)
    return left, rights[int(0.9 * (len(rights) - 1))]


def rejoin(lines: list[Line]) -> list[str]:
    """Join lines into paragraphs; see the module docstring for where a paragraph ends."""
    if not lines:
        return []
    height = sorted(line.bottom - line.top for line in lines)[len(lines) // 2] or 10.0
    # Each column its own margins; a line across the page (column 0) is measured by all lines.
    text = [line for line in lines if not line.whole] or lines       # a table's rows measure nothing
    margins = {column: _margins([line for line in text if line.column == column] or text if column else text)
               for column in {line.column for line in lines}}

    def short(line: Line) -> bool:
        return line.x1 < margins[line.column][1] - 2 * height

    def indented(line: Line) -> bool:
        return line.x0 > margins[line.column][0] + 1.5 * height

    gaps = sorted(line.top - prev.bottom for prev, line in zip(lines, lines[1:])
                  if (line.page, line.column) == (prev.page, prev.column))
    usual = max(0.0, gaps[len(gaps) // 2]) if gaps else 0.0
    wide = max(1.2 * height, usual + 0.5 * height)     # a gap that parts paragraphs

    # Where paragraphs open indented, a sentence that ends at the margin is no paragraph end:
    # the next line says (深入推进教育改革发展。……教育教学能力。 / 推动普通高中……, one paragraph).
    by_indent = _opens_indented([line for prev, line in zip(lines, lines[1:]) if short(prev)], indented)
    paragraphs = [lines[0].text]
    for prev, line in zip(lines, lines[1:]):
        new = (
            prev.whole or line.whole
            or (_ends_sentence(prev.text) and not by_indent)
            or short(prev)                                   # the line stopped short
            or indented(line)                                # a first-line indent
            or ((line.page, line.column) == (prev.page, prev.column) and line.top - prev.bottom > wide)
        )
        if new:
            paragraphs.append(line.text)
        else:
            paragraphs[-1] = joined_line(paragraphs[-1], line.text)
    return paragraphs


def _title(metadata: dict) -> str:
    title = str(metadata.get("Title") or "").strip()
    title = _TITLE_NOISE.sub("", title).strip()
    return title if _CJK.search(title) and len(title) <= 60 else ""


def _date(metadata: dict) -> str | None:
    raw = str(metadata.get("CreationDate") or metadata.get("ModDate") or "")
    m = re.match(r"^(D:)?(\d{4})(\d{2})(\d{2})", raw)
    return normalize_date(f"{m.group(2)}-{m.group(3)}-{m.group(4)}") if m else None


def _inflated(raw: bytes, limit: int) -> int:
    """How many bytes a Flate stream inflates to, counted in 1 MB steps and stopping past ``limit``."""
    inflater, total = zlib.decompressobj(), 0
    try:
        while raw and total <= limit:
            out = inflater.decompress(raw, 1 << 20)
            total += len(out)
            raw = inflater.unconsumed_tail
            if not out:
                break
    except zlib.error:
        pass                        # damaged: pdfminer reads what it can, no more than this
    return total


def _content_size(page, limit: int) -> int:
    """The decompressed size of a page's content streams and form XObjects, as far as it can be
    told without decoding them (Flate or none; other filters count as their raw size)."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1

    streams = [resolve1(c) for c in (page.contents or [])]
    xobjects = resolve1((page.resources or {}).get("XObject")) or {}
    if isinstance(xobjects, dict):
        streams += [resolve1(x) for x in xobjects.values()]
    total = 0
    for stream in streams:
        if not isinstance(stream, PDFStream) or stream.rawdata is None:
            continue
        filters = [f for f, _ in stream.get_filters()]
        if stream.decipher is None and filters and all(f in LITERALS_FLATE_DECODE for f in filters[:1]):
            total += _inflated(stream.rawdata, limit - total)
        else:
            total += len(stream.rawdata)
        if total > limit:
            break
    return total


def closed_gaps(text: str, chars: list[dict]) -> str:
    """A line's ``text`` (pdfplumber's: its characters, a space where two stand apart) without the
    spaces that are only the layout's spacing between a Chinese character and a Latin letter or digit
    (see _AUTOSPACE): so that 2024年 finds the "2024 年" of a report's PDF. Unchanged when the text
    and ``chars`` do not line up."""
    out, at, prev = [], 0, None
    for char in chars:
        glyph = char["text"]
        if not glyph.strip():
            continue
        spaced = prev is not None and text.startswith(" ", at)
        at += spaced
        if not text.startswith(glyph, at):
            return text
        if spaced and not _spacing(prev, char):
            out.append(" ")
        out.append(glyph)
        at += len(glyph)
        prev = char
    return "".join(out) if at == len(text) else text


def _spacing(left: dict, right: dict) -> bool:
    a, b = left["text"][-1:], right["text"][:1]
    wide = left if _WIDE.match(a) and _LATIN.match(b) else right if _LATIN.match(a) and _WIDE.match(b) else None
    return wide is not None and right["x0"] - left["x1"] < _AUTOSPACE * wide.get("size", 0)


def _lines(found: list[dict], n: int, column: int = 0) -> list[Line]:
    return [Line(closed_gaps(line["text"].strip(), line.get("chars", [])), line["x0"], line["x1"], line["top"],
                 line["bottom"], n, column)
            for line in found if line["text"].strip()]


def _tables(page, n: int) -> tuple[list[tuple], list[Line]]:
    """The bounding boxes of the page's ruled tables, and their rows as lines (readers.pdftables)."""
    edges = [(edge["orientation"], edge["top"] if edge["orientation"] == "h" else edge["x0"]) for edge in page.edges]
    if not edges or pdftables.too_dense(edges):
        return [], []
    boxes, rows = [], []
    for table in page.find_tables():
        cells = table.extract()
        if not pdftables.is_table(cells):
            continue
        boxes.append(table.bbox)
        for row, texts in zip(table.rows, cells):
            text = pdftables.row_text(texts)
            if text:
                rows.append(Line(text, table.bbox[0], table.bbox[2], row.bbox[1], row.bbox[3], n, whole=True))
    return boxes, rows


def page_lines(page, n: int) -> list[Line]:
    """Page ``n``'s lines in reading order: each row of a ruled table as a line of its own, and on
    a page in two columns each band of the page left column first (readers.pdfcolumns)."""
    boxes, rows = _tables(page, n)
    if boxes:
        def outside(obj) -> bool:
            x, y = (obj.get("x0", 0) + obj.get("x1", 0)) / 2, (obj.get("top", 0) + obj.get("bottom", 0)) / 2
            return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)
        page = page.filter(outside)
    lines = _text_lines(page, n)
    if not rows:
        return lines
    gutter_middle = pdfcolumns.between(lines)
    if gutter_middle is not None:
        rows = [row._replace(column=0 if row.x0 < gutter_middle < row.x1 else 1 if row.x1 <= gutter_middle else 2)
                for row in rows]
    return pdftables.place(lines, rows)


def _text_lines(page, n: int) -> list[Line]:
    found = [line for line in page.extract_text_lines(strip=True, return_chars=True) if line["text"].strip()]
    spans = [[pdfcolumns.ink(c["text"], c["x0"], c["x1"]) for c in line["chars"] if c["text"].strip()]
             for line in found]
    size = sorted(line["bottom"] - line["top"] for line in found)[len(found) // 2] if found else 0
    gutter = pdfcolumns.find_gutter(spans, size) if size > 0 else None
    if gutter is None:
        return _lines(found, n)
    out = []
    order = pdfcolumns.bands([(line["top"], line["bottom"], pdfcolumns.crosses(s, gutter))
                              for line, s in zip(found, spans)])
    for part in order:
        if isinstance(part, int):
            out += _lines([found[part]], n)
            continue
        top, bottom = part
        for column in (1, 2):
            def on_side(obj, column=column, top=top, bottom=bottom) -> bool:
                middle = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
                return (obj.get("object_type") == "char" and top - 1 <= obj["top"] and obj["bottom"] <= bottom + 1
                        and (middle < gutter.middle) == (column == 1))
            out += _lines(page.filter(on_side).extract_text_lines(strip=True, return_chars=True), n, column)
    return out


def extract_lines(data: bytes, progress) -> tuple[dict, list[list[Line]]]:
    """The PDF's metadata and each page's lines; ``progress()`` after every page. Runs in the
    child process of readers.isolate; a page's content is measured before it is parsed."""
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)     # damaged-but-readable files warn a lot
    pages: list[list[Line]] = []
    content = chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            metadata = {str(k): str(v)[:1000] for k, v in dict(pdf.metadata or {}).items()}
            if len(pdf.pages) > MAX_PAGES:
                raise UnreadableFile(f"PDF 页数过多（{len(pdf.pages)} 页，上限 {MAX_PAGES} 页）")
            for n, page in enumerate(pdf.pages):
                size = _content_size(page.page_obj, limits.MAX_PDF_PAGE_CONTENT)
                content += size
                if size > limits.MAX_PDF_PAGE_CONTENT or content > limits.MAX_PDF_CONTENT:
                    raise UnreadableFile(f"PDF 第 {n + 1} 页{isolate.HOSTILE}")
                pages.append(page_lines(page, n))
                page.close()
                chars += sum(len(line.text) for line in pages[-1])
                limits.check_text_length(chars)
                progress()
        pages = pdfcolumns.fill_in(pages)
    except (UnreadableFile, MemoryError, RecursionError):
        raise
    except Exception as exc:       # pdfminer raises many types on damaged or encrypted files
        name = type(exc).__name__
        reason = "已加密，需要密码" if "Password" in name or "Encrypt" in name else "已损坏或不完整"
        raise UnreadableFile(f"PDF 文件{reason}（{name}）") from None
    return metadata, pages


def read_pdf(data: bytes, source: str) -> Document:
    if b"%PDF" not in data[:1024]:
        raise UnreadableFile("不是有效的 PDF 文件（缺少 PDF 文件头）")
    metadata, pages = isolate.call(f"{__name__}:extract_lines", data)
    text = "".join(line.text for page in pages for line in page)
    if not text.strip():
        raise UnreadableFile("PDF 没有文字层（可能是扫描件），无法检索；请先用文字识别（OCR）软件处理")
    if text.count("(cid:") * 8 > len(text):
        raise UnreadableFile("PDF 的字体缺少文字编码，提取出的是乱码，无法检索")
    doc = Document(source=source, title=_title(metadata), blocks=limits.cap_blocks(rejoin(drop_furniture(pages))))
    if doc.title and doc.blocks and doc.blocks[0].replace(" ", "") == doc.title.replace(" ", ""):
        doc.blocks.pop(0)
    date = _date(metadata)
    if date:
        doc.meta["file_date"] = date
    return doc
