"""Word 2003 XML (WordprocessingML under a .doc name): paragraphs and tables in order.

Office systems that fill a template to make a Word file (公文、报表 exported from web
applications) and Word's own "XML 文档" save one XML file, ``<w:wordDocument>``, usually named
.doc. Read like a .docx: a paragraph whose style is a heading (heading 1 / 标题 1, or with an
outline level) is a section heading, the Title style gives the title, a line break starts a
paragraph, each table is one block with a line per row and its cells joined with " | ". Headers,
footers, notes, comments, text boxes, pictures, deleted text and field instructions are not text
of the document.
"""
from __future__ import annotations

from lxml import etree

from indexer.errors import UnreadableFile
from indexer.ingest.readers import untrusted
from indexer.ingest.readers.blocks import HEADING_STYLE, TITLE_STYLE, Blocks, row_line
from indexer.model import Document

KIND = "Word 2003 XML 文档"
_W = "{http://schemas.microsoft.com/office/word/2003/wordml}"
_O = "{urn:schemas-microsoft-com:office:office}"
# Inside a paragraph, elements whose text is not the document's.
_ANNOTATION = "{http://schemas.microsoft.com/aml/2001/core}annotation"   # comments and tracked changes
_NOT_TEXT = {_W + "pict", _W + "footnote", _W + "endnote", _W + "instrText", _W + "delText", _W + "binData",
             _ANNOTATION}
# Containers whose paragraphs are not the body's.
_NOT_BODY = _NOT_TEXT | {_W + "hdr", _W + "ftr", _W + "sectPr", _W + "tbl"}


def _inline(element, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _ANNOTATION and child.get(_W + "type") == "Word.Insertion":
            _inline(child, out)                 # text inserted with changes tracked is text
            continue
        if not isinstance(tag, str) or tag in _NOT_TEXT:
            continue
        if tag == _W + "t":
            out.append(child.text or "")
        elif tag == _W + "tab":
            out.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            if child.get(_W + "type") not in ("page", "column"):
                out.append("\n")
        elif tag != _W + "p":                  # a paragraph inside a run belongs to a note or box
            _inline(child, out)


def _text(paragraph) -> str:
    out: list[str] = []
    _inline(paragraph, out)
    return "".join(out)


def _outline_level(element) -> bool:
    """Does this w:outlineLvl make a heading (levels 0–8; 9 is body text)?"""
    value = element.get(_W + "val", "") if element is not None else ""
    return value.isdigit() and int(value) < 9


def _styles(root) -> tuple[set[str], set[str]]:
    """(heading style ids, title style ids): by name (LibreOffice writes Heading_20_1), by an
    outline level, or by the style they are based on."""
    names, levels, bases = {}, {}, {}
    for style in root.iter(_W + "style"):
        sid = style.get(_W + "styleId")
        name = next(style.iter(_W + "name"), None)
        names[sid] = (name.get(_W + "val", "") if name is not None else "").replace("_20_", " ").strip()
        levels[sid] = _outline_level(style.find(f"{_W}pPr/{_W}outlineLvl"))
        based = next(style.iter(_W + "basedOn"), None)
        bases[sid] = based.get(_W + "val") if based is not None else None
    headings, titles = set(), set()
    for sid in names:
        current, seen = sid, 0
        while current in names and seen < 10:
            if HEADING_STYLE.match(names[current]) or levels.get(current):
                headings.add(sid)
                break
            if TITLE_STYLE.match(names[current]):
                titles.add(sid)
                break
            current, seen = bases.get(current), seen + 1
    return headings, titles


def _outside_body(element, body) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not body:
        if parent.tag in _NOT_BODY:
            return True
        parent = parent.getparent()
    return False


def _row(row) -> str:
    # (row.iter finds the cells of tables inside this row's cells too: not this row's)
    return row_line(" ".join(" ".join(_text(p) for p in cell.iter(_W + "p")).split())
                    for cell in row.iter(_W + "tc") if cell.getparent() is row)


def read_wordxml(data: bytes, source: str) -> Document:
    try:
        root = etree.fromstring(data, untrusted.XML_LARGE_TEXT)
    except etree.XMLSyntaxError:
        raise UnreadableFile(f"{KIND}已损坏或不完整") from None
    if isinstance(root.tag, str) and root.tag.endswith("}package"):
        raise UnreadableFile("内容是 Word 2007 XML（单文件 XML）格式，暂不支持，请用 Word 或 WPS 另存为 .docx")
    body = next(root.iter(_W + "body"), None)
    if body is None:
        raise UnreadableFile(f"{KIND}中没有正文（缺少 w:body）")
    headings, titles = _styles(root)
    collected = Blocks(source)
    for element in body.iter(_W + "p", _W + "tbl"):
        if _outside_body(element, body):
            continue
        if element.tag == _W + "tbl":
            rows = [text for text in (_row(r) for r in element if r.tag == _W + "tr") if text]
            blocks, heading = (["\n".join(rows)] if rows else []), False
        else:
            style = element.find(f"{_W}pPr/{_W}pStyle")
            sid = style.get(_W + "val") if style is not None else None
            lines = [line.strip() for line in _text(element).split("\n") if line.strip()]
            if lines and sid in titles and collected.title(" ".join(lines)):
                continue
            heading = sid in headings or _outline_level(element.find(f"{_W}pPr/{_W}outlineLvl"))
            blocks = [" ".join(lines)] if heading and lines else lines
        for block in blocks:
            collected.add(block, heading)
    doc = collected.done()
    date = untrusted.text_date(next(root.iter(_O + "Created"), None))
    if date:
        doc.meta["file_date"] = date
    return doc
