"""OFD files (GB/T 33190, the fixed-layout format of Chinese official documents): text objects
placed on pages, rejoined into paragraphs as a PDF's lines are.

An OFD is a zip archive: OFD.xml names each document's root (Document.xml), which lists its
pages in order; a page's content holds text objects, each a box on the page (Boundary, in mm)
with pieces of text placed inside it (TextCode: X, Y of the first character's baseline, DeltaX
the advances between characters). Word processors write a line as one text object; converters
from PDF often write a character or a word as one. Pieces on one baseline are joined into a
line, and the lines go through the PDF reader's layout rules (indexer.ingest.readers.pdf):
running headers and page numbers dropped, lines joined into paragraphs unless the layout says a
paragraph ended. Page templates (backgrounds, printed forms) and annotations are not read, and
a file without text (a scan) is reported and skipped.
"""
from __future__ import annotations

import io
import math
import posixpath
import re
import zipfile

from lxml import etree

from indexer.errors import UnreadableFile
from indexer.ingest.readers import limits, untrusted
from indexer.ingest.readers.docx import check_zip
from indexer.ingest.readers.pdf import MAX_PAGES, Line, drop_furniture, rejoin
from indexer.model import Document

_NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|-?\.\d+")
_BASELINE = 0.3       # font sizes: pieces whose baselines differ by less are on one line


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element, name: str):
    return next((c for c in element if _local(c.tag) == name), None)


def _numbers(text: str | None) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text or "")]


def _advances(delta: str | None, count: int) -> float:
    """The sum of a TextCode's DeltaX: numbers, or "g n d" for n advances of d."""
    tokens, total, used, i = (delta or "").split(), 0.0, 0, 0
    while i < len(tokens) and used < count:
        if tokens[i] == "g" and i + 2 < len(tokens):
            n, d = _numbers(tokens[i + 1]), _numbers(tokens[i + 2])
            times = int(min(n[0] if n else 0, count - used))     # n may say 1e999
            total, used, i = total + times * (d[0] if d else 0.0), used + times, i + 3
        else:
            got = _numbers(tokens[i])
            total, used, i = total + (got[0] if got else 0.0), used + 1, i + 1
    return total


def _pieces(content, page: int) -> list[Line]:
    """Every piece of text on a page, placed: (text, left, right, top, baseline, page)."""
    out = []
    for obj in content.iter():
        if _local(obj.tag) != "TextObject":
            continue
        # A box is required, but some converters place text by its transform (CTM) alone.
        x, y = (_numbers(obj.get("Boundary")) + [0.0, 0.0])[:2]
        size = (_numbers(obj.get("Size")) or [3.5])[0]
        ctm = _numbers(obj.get("CTM"))
        a, b, c, d, e, f = ctm if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        px = py = 0.0
        for code in obj:
            if _local(code.tag) != "TextCode":
                continue
            text = (code.text or "").replace("\u00a0", " ")
            px = (_numbers(code.get("X")) or [px])[0]
            py = (_numbers(code.get("Y")) or [py])[0]
            if not text.strip():
                continue
            width = _advances(code.get("DeltaX"), len(text) - 1) + size
            left, base = x + a * px + c * py + e, y + b * px + d * py + f
            line = Line(text, left, left + width * (abs(a) or 1.0), base - size * (abs(d) or 1.0), base, page)
            if all(map(math.isfinite, line[1:5])):          # 1e999 in a damaged file
                out.append(line)
    return out


def _lines(pieces: list[Line]) -> list[Line]:
    """Pieces joined into lines: top to bottom, and on one baseline left to right."""
    groups: list[list[Line]] = []
    for piece in sorted(pieces, key=lambda p: p.bottom):
        first = groups[-1][0] if groups else None
        if first is not None and piece.bottom - first.bottom < _BASELINE * max(first.bottom - first.top, 0.1):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    out = []
    for group in groups:
        group.sort(key=lambda p: p.x0)
        text = group[0].text
        for prev, piece in zip(group, group[1:]):
            # Latin words placed apart keep a space; Chinese characters never had one.
            apart = piece.x0 - prev.x1 > 0.3 * (prev.bottom - prev.top)
            text += (" " if apart and prev.text[-1:].isascii() and piece.text[:1].isascii() else "") + piece.text
        if text.strip():
            out.append(Line(text.strip(), group[0].x0, max(p.x1 for p in group), min(p.top for p in group),
                            group[0].bottom, group[0].page))
    return out


def _parse(archive: zipfile.ZipFile, names: set[str], path: str):
    if path not in names:
        raise UnreadableFile(f"OFD 文件不完整（缺少 {path}）")
    try:
        return etree.fromstring(limits.read_member(archive, path), untrusted.XML)
    except etree.XMLSyntaxError:
        raise UnreadableFile(f"OFD 文件已损坏（{path} 不是有效的 XML）") from None


def _resolve(base: str, location: str) -> str:
    location = location.strip().replace("\\", "/")
    return posixpath.normpath(location.lstrip("/") if location.startswith("/") else posixpath.join(base, location))


def read_ofd(data: bytes, source: str) -> Document:
    names = check_zip(data, "OFD 文件")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = _parse(archive, names, "OFD.xml")
        if _local(root.tag) != "OFD":
            raise UnreadableFile("不是有效的 OFD 文件（OFD.xml 的根元素不是 OFD）")
        pages: list[list[Line]] = []
        date = None
        chars = 0
        for body in (c for c in root if _local(c.tag) == "DocBody"):
            info, doc_root = _child(body, "DocInfo"), _child(body, "DocRoot")
            if info is not None and date is None:
                date = untrusted.text_date(_child(info, "CreationDate"))
            if doc_root is None or not (doc_root.text or "").strip():
                continue
            doc_path = _resolve("", doc_root.text)
            document = _parse(archive, names, doc_path)
            listed = _child(document, "Pages")
            for page in (listed if listed is not None else []):
                if _local(page.tag) != "Page" or not page.get("BaseLoc"):
                    continue
                if len(pages) >= MAX_PAGES:
                    raise UnreadableFile(f"OFD 页数过多（上限 {MAX_PAGES} 页）")
                content = _child(_parse(archive, names, _resolve(posixpath.dirname(doc_path), page.get("BaseLoc"))),
                                 "Content")
                pages.append(_lines(_pieces(content, len(pages))) if content is not None else [])
                chars += sum(len(line.text) for line in pages[-1])
                limits.check_text_length(chars)
    if not any(pages):
        raise UnreadableFile("OFD 文件中没有文字（可能是扫描件），无法检索；请先用文字识别（OCR）软件处理")
    doc = Document(source=source, blocks=limits.cap_blocks(rejoin(drop_furniture(pages))))
    if date:
        doc.meta["file_date"] = date
    return doc
