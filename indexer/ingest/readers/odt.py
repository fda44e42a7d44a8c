"""OpenDocument text (.odt, as LibreOffice, WPS and 永中 save it): paragraphs and tables in order.

An .odt is a zip archive; content.xml holds the body. Read like a .docx: ``text:h`` is a heading,
a paragraph in the Title style (or an automatic style derived from it) gives the title, a line
break starts a paragraph, each table is one block with a line per row and its cells joined with
" | ". Lists are read through; notes, annotations, text boxes and frames, tracked deletions and
the table of contents are not text of the document. The creation date comes from meta.xml.
"""
from __future__ import annotations

import io
import zipfile

from lxml import etree

from indexer.errors import UnreadableFile
from indexer.ingest.readers import limits, untrusted
from indexer.ingest.readers.blocks import TITLE_STYLE, Blocks, row_line
from indexer.ingest.readers.docx import check_zip
from indexer.model import Document

KIND = "OpenDocument 文件"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
# Inside a paragraph, elements whose text is not the paragraph's.
_NOT_TEXT = {_TEXT + "note", _OFFICE + "annotation", _TEXT + "tracked-changes", _TEXT + "ruby-text"}
# Whole blocks that are not the document's text.
_SKIPPED_BLOCKS = {_TEXT + "table-of-content", _TEXT + "tracked-changes", _TEXT + "sequence-decls",
                   _OFFICE + "forms", _TEXT + "illustration-index", _TEXT + "alphabetical-index"}
_DRAWING = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"


def _inline(element, out: list[str]) -> None:
    """The text of a paragraph's content, spaces, tabs and line breaks included."""
    if element.text:
        out.append(element.text)
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            pass                                # a comment, processing instruction or unexpanded entity
        elif tag == _TEXT + "s":
            count = child.get(_TEXT + "c", "1")
            out.append(" " * (min(int(count), 100) if count.isdigit() else 1))
        elif tag == _TEXT + "tab":
            out.append("\t")
        elif tag == _TEXT + "line-break":
            out.append("\n")
        elif tag not in _NOT_TEXT and not tag.startswith(_DRAWING):
            _inline(child, out)
        if child.tail:
            out.append(child.tail)


def _text(element) -> str:
    out: list[str] = []
    _inline(element, out)
    return "".join(out)


class _Body:
    def __init__(self, title_styles: set[str]):
        self.title_styles = title_styles
        self.blocks = Blocks()

    def walk(self, parent) -> None:
        for element in parent:
            tag = element.tag
            if tag == _TEXT + "p":
                self.paragraph(element)
            elif tag == _TEXT + "h":
                text = " ".join(line.strip() for line in _text(element).split("\n") if line.strip())
                if text:
                    self.blocks.add(text, heading=True)
            elif tag == _TABLE + "table":
                rows = [row for row in (self.row(r) for r in _rows(element)) if row]
                if rows:
                    self.blocks.add("\n".join(rows))
            elif tag not in _SKIPPED_BLOCKS:
                self.walk(element)              # lists, list items, sections, …

    def paragraph(self, element) -> None:
        lines = [line.strip() for line in _text(element).split("\n") if line.strip()]
        if not lines:
            return
        if element.get(_TEXT + "style-name") in self.title_styles and self.blocks.title(" ".join(lines)):
            return
        for line in lines:                      # a manual line break starts a paragraph, as in .docx
            self.blocks.add(line)

    @staticmethod
    def row(row) -> str:
        # covered (merged) cells hold nothing of their own
        return row_line(" ".join(" ".join(_text(p) for p in cell.iter(_TEXT + "p", _TEXT + "h")).split())
                        for cell in row if cell.tag == _TABLE + "table-cell")


def _rows(table):
    """A table's own rows (in header, body and row groups), not those of tables in its cells."""
    for child in table:
        if child.tag == _TABLE + "table-row":
            yield child
        elif child.tag in (_TABLE + "table-header-rows", _TABLE + "table-rows", _TABLE + "table-row-group"):
            yield from _rows(child)


def _title_styles(root) -> set[str]:
    """Paragraph styles that are the Title style or derive from it (automatic styles P1, P2 …)."""
    names = {"Title"}
    parents = {s.get(_STYLE + "name"): s.get(_STYLE + "parent-style-name")
               for s in root.iter(_STYLE + "style")}
    for name in parents:
        seen, current = 0, name
        while current and seen < 10:
            if TITLE_STYLE.match(current):
                names.add(name)
                break
            current, seen = parents.get(current), seen + 1
    return names


def read_odt(data: bytes, source: str) -> Document:
    members = check_zip(data, KIND)
    if "content.xml" not in members:
        raise UnreadableFile(f"{KIND}已损坏或不完整（缺少 content.xml）")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = etree.fromstring(limits.read_member(archive, "content.xml"), untrusted.XML)
            meta = (etree.fromstring(limits.read_member(archive, "meta.xml"), untrusted.XML)
                    if "meta.xml" in members else None)
    except UnreadableFile:
        raise
    except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise UnreadableFile(f"{KIND}已损坏或无法解析") from None
    text = next(root.iter(_OFFICE + "text"), None)
    if text is None:
        raise UnreadableFile(f"{KIND}中没有文本正文（可能是表格或演示文稿），已跳过")
    body = _Body(_title_styles(root))
    body.walk(text)
    doc = body.blocks.done()
    doc.source = source
    date = untrusted.text_date(next(meta.iter(_META + "creation-date"), None) if meta is not None else None)
    if date:
        doc.meta["file_date"] = date
    return doc
