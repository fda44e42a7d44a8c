"""PowerPoint presentations (.pptx): the slides' text in order, each slide's title a heading.

Work reports are often given as slides (工作汇报 PPT). A .pptx is a zip archive: the presentation
lists its slides in order (ppt/presentation.xml, resolved through its relationships), and each
slide holds shapes with paragraphs of text (DrawingML ``a:p``), groups of shapes and tables. The
first slide's title is the document's title; every other slide's title starts a section (a
heading); each paragraph of a text box is a block; a table is one block with a line per row and
its cells joined with " | ", as in a .docx. Shapes are read in the slide's order, the title
first. Page numbers, dates, footers and headers placed on every slide, speaker notes, pictures,
charts and slide masters are not read.
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from indexer.errors import UnreadableFile
from indexer.ingest.readers import OLE_MAGIC, limits, untrusted
from indexer.ingest.readers.blocks import row_line
from indexer.ingest.readers.docx import check_zip
from indexer.model import Document

KIND = "演示文稿"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TITLES = {"title", "ctrTitle"}
# Placeholders every slide repeats: page number, date, footer and header (slide furniture).
_FURNITURE = {"sldNum", "dt", "ftr", "hdr"}
MAX_SLIDES = 2000


def _paragraph(p) -> str:
    """A DrawingML paragraph's text: runs, fields and line breaks."""
    out: list[str] = []
    for element in p.iter(_A + "t", _A + "br"):
        out.append("\n" if element.tag == _A + "br" else element.text or "")
    return "".join(out)


def _lines(body) -> list[str]:
    lines: list[str] = []
    for p in body.iter(_A + "p"):
        lines += [line.strip() for line in _paragraph(p).split("\n") if line.strip()]
    return lines


def _table(tbl) -> str:
    rows = (row_line(" ".join(_lines(tc)) for tc in tr.iter(_A + "tc")
                     if tc.get("hMerge") != "1" and tc.get("vMerge") != "1")      # not covered by a merged cell
            for tr in tbl.iter(_A + "tr"))
    return "\n".join(row for row in rows if row)


def _placeholder(shape) -> str:
    ph = next(shape.iter(_P + "ph"), None)
    return "" if ph is None else ph.get("type", "body")


def _shapes(tree) -> list:
    """The slide's text shapes and tables, groups opened, in the slide's order."""
    found = []
    for shape in tree:
        if shape.tag == _P + "grpSp":
            found += _shapes(shape)
        elif shape.tag in (_P + "sp", _P + "graphicFrame"):
            found.append(shape)
    return found


def _slide(root) -> tuple[str, list[str]]:
    """(title, blocks) of one slide."""
    tree = next(root.iter(_P + "spTree"), None)
    if tree is None:
        return "", []
    title, blocks = "", []
    for shape in _shapes(tree):
        if shape.tag == _P + "graphicFrame":
            tbl = next(shape.iter(_A + "tbl"), None)
            text = _table(tbl) if tbl is not None else ""
            if text:
                blocks.append(text)
            continue
        kind = _placeholder(shape)
        body = next(shape.iter(_P + "txBody"), None)
        if kind in _FURNITURE or body is None:
            continue
        lines = _lines(body)
        if kind in _TITLES and not title:
            title = " ".join(lines)
        else:
            blocks += lines
    return title, blocks


def _slide_names(archive: zipfile.ZipFile, members: set[str]) -> list[str]:
    """The slides' member names in presentation order."""
    presentation = etree.fromstring(limits.read_member(archive, "ppt/presentation.xml"), untrusted.XML)
    rels_name = "ppt/_rels/presentation.xml.rels"
    rels = etree.fromstring(limits.read_member(archive, rels_name), untrusted.XML) if rels_name in members else None
    targets = {} if rels is None else {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(_REL + "Relationship")}
    names = []
    for slide in presentation.iter(_P + "sldId"):
        target = targets.get(slide.get(_R + "id"), "")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("ppt", target))
        if name in members:
            names.append(name)
    return names


def read_pptx(data: bytes, source: str) -> Document:
    if data.startswith(OLE_MAGIC):          # a PowerPoint 97–2003 file under a .pptx name
        from indexer.ingest.readers.ppt import read_ppt
        return read_ppt(data, source)
    members = check_zip(data, KIND)
    if "ppt/presentation.xml" not in members:
        raise UnreadableFile(f"{KIND}已损坏或不完整（缺少 ppt/presentation.xml）")
    doc = Document(source=source)
    chars = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = _slide_names(archive, members)
            if len(names) > MAX_SLIDES:
                limits.note(f"幻灯片过多（{len(names)} 张），只索引前 {MAX_SLIDES} 张")
                names = names[:MAX_SLIDES]
            for number, name in enumerate(names):
                title, blocks = _slide(etree.fromstring(limits.read_member(archive, name), untrusted.XML))
                chars += len(title) + sum(len(block) for block in blocks)
                limits.check_text_length(chars)
                if title and number == 0 and not doc.title:
                    doc.title = title
                elif title:
                    doc.headings.add(len(doc.blocks))
                    doc.blocks.append(title)
                doc.blocks += blocks
            core = (etree.fromstring(limits.read_member(archive, "docProps/core.xml"), untrusted.XML)
                    if "docProps/core.xml" in members else None)
    except UnreadableFile:
        raise
    except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError):
        raise UnreadableFile(f"{KIND}已损坏或无法解析") from None
    doc.blocks = limits.cap_blocks(doc.blocks)
    doc.headings = {n for n in doc.headings if n < len(doc.blocks)}
    date = untrusted.text_date(None if core is None else next(core.iter("{http://purl.org/dc/terms/}created"), None))
    if date:
        doc.meta["file_date"] = date
    return doc
